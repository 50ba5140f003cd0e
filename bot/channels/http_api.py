"""The base of our own HTTP API clients (the Zalo Bot Platform's and the Zalo OA's).

One httpx connection pool, one timeout, and one retry loop on a :class:`RetryPolicy`: a request
that failed on the way (network error, timeout) or that the platform's answer marks as passing
(:class:`TryAgain`, raised by the subclass's :meth:`HttpApiClient.answer`) is tried again after
the policy's pause, and still failing at the end raises the platform's ``unavailable`` error. A
send that failed after it went out is never repeated: it raises the platform's ``maybe_sent``
error (the platform may have delivered it, and a duplicate is worse than a lost message).

A platform's client says only what differs: its URLs and auth, how an answer is read
(:meth:`HttpApiClient.answer`: the result, :class:`TryAgain`, or the platform's error) and its
error classes. Nothing here logs a URL (it may hold a token), a body or an answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, Self, TypedDict

import httpx

from bot.delivery.errors import PlatformError
from bot.retrying import RetryPolicy

log = logging.getLogger(__name__)

# A failing call is tried 4 times in all, waiting 0.5, 1 and 2 s between the tries.
DEFAULT_RETRY = RetryPolicy(attempts=4, first_delay=0.5, multiplier=2.0, max_delay=8.0)
DEFAULT_TIMEOUT = 10.0
# Failures that prove the request never reached the platform, so that repeating a send is safe.
NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

Sleep = Callable[[float], Awaitable[None]]


class ClientOptions(TypedDict, total=False):
    """What a platform's client passes on to :class:`HttpApiClient` unchanged."""

    timeout: float
    retry: RetryPolicy | None
    max_connections: int
    transport: httpx.AsyncBaseTransport | None
    sleep: Sleep


class TryAgain(Exception):
    """Raised by :meth:`HttpApiClient.answer` for an answer worth asking again (a 5xx page, a
    passing code); ``problem`` says which, for the logs and the final error."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


class HttpApiClient:
    """One platform's HTTP API on one connection pool. ``async with`` it, or :meth:`aclose`."""

    # What the logs and error messages call the platform ("Zalo", "Zalo OA").
    platform: ClassVar[str]
    # Raised when the retries are spent; and for a send that may have gone.
    unavailable: ClassVar[type[PlatformError]]
    maybe_sent: ClassVar[type[PlatformError]]

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        max_connections: int = 100,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.timeout = timeout
        self.retry = retry or DEFAULT_RETRY
        self._sleep = sleep
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            transport=transport,
        )
        self.requests = 0  # every HTTP request made, for the benchmarks

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- hooks -------------------------------------------------------------------------------

    def answer(self, where: str, response: httpx.Response, payload: Any) -> Any:
        """What the platform's answer means: the result to return, :class:`TryAgain`, or the
        platform's error. ``payload`` is the decoded JSON body (None when it is not JSON)."""
        raise NotImplementedError

    # -- the retry loop ----------------------------------------------------------------------

    async def request(
        self,
        verb: str,
        url: str,
        *,
        where: str,
        is_send: bool = False,
        retry: RetryPolicy | None = None,
        seconds: float | None = None,
        **options: Any,
    ) -> Any:
        """``verb url`` with httpx ``options`` (json, params, headers), tried as ``retry`` (the
        client's policy by default) says; the result :meth:`answer` reads from it.

        ``where`` names the call in logs and errors (never the URL); ``is_send`` marks a
        request that is not to be repeated once it may have gone; ``seconds`` overrides the
        client's timeout (a long poll needs more).
        """
        policy = retry or self.retry
        timeout = httpx.Timeout(seconds) if seconds is not None else httpx.USE_CLIENT_DEFAULT
        problem = "no attempt made"
        for attempt in range(1, policy.attempts + 1):
            if attempt > 1:
                await self._sleep(policy.delay(attempt - 1))
            try:
                self.requests += 1
                response = await self._http.request(verb, url, timeout=timeout, **options)
            except httpx.TransportError as error:
                # Only the class name: httpx errors may carry the request, and so a token.
                problem = type(error).__name__
                log.debug("%s %s: %s (attempt %d)", self.platform, where, problem, attempt)
                if is_send and not isinstance(error, NOT_SENT_ERRORS):
                    raise self.maybe_sent(
                        f"{self.platform} {where}: {problem}; it may have gone"
                    ) from None
                continue
            try:
                return self.answer(where, response, json_or_none(response))
            except TryAgain as again:
                problem = again.problem
                log.debug("%s %s: %s (attempt %d)", self.platform, where, problem, attempt)
        raise self.unavailable(
            f"{self.platform} {where} failed after {policy.attempts} attempt(s): {problem}"
        )


def json_or_none(response: httpx.Response) -> Any:
    """The answer's JSON body, or None when it has none (a gateway's HTML page, say)."""
    try:
        return response.json()
    except ValueError:
        return None
