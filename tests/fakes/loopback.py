"""What the fake platform servers share: the aiohttp lifecycle, waiting for a condition,
injected failures, and webhook POSTs with retries, in order per chat.

A subclass builds its app in :meth:`LoopbackServer._make_app`; the base serves it on
127.0.0.1 at a port the system picks, opens a client session for calls back to the bot
(webhook deliveries), and on stop wakes waiting handlers, cancels the background tasks started
with :meth:`LoopbackServer._spawn`, and closes the session and the socket::

    async with SomeFake() as server:
        ...  # server.url == "http://127.0.0.1:<port>"
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time
from collections.abc import Awaitable, Callable, Coroutine, Hashable
from dataclasses import dataclass
from typing import Any, Protocol, Self, TypeVar

import aiohttp
from aiohttp import web

from tests.harness import PATIENCE

__all__ = [
    "LOOPBACK_HOSTS",
    "LoopbackServer",
    "Posted",
    "RegisteredWebhook",
    "WebhookQueues",
    "take_failure",
]

# Hosts a fake accepts in a plain-http webhook URL (the real platforms want https).
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})

Update = dict[str, Any]


class _Failure(Protocol):
    remaining: int


F = TypeVar("F", bound=_Failure)


def take_failure(failures: list[F], name: str, target: Callable[[F], str]) -> F | None:
    """The first rule of ``failures`` whose ``target`` is ``name`` (or ``"*"``), used once: a
    rule made for ``times`` calls goes when they are spent."""
    for failure in failures:
        if target(failure) in ("*", name):
            failure.remaining -= 1
            if failure.remaining <= 0:
                failures.remove(failure)
            return failure
    return None


@dataclass(frozen=True, slots=True)
class Posted:
    """How a webhook POST ended after its attempts: the last status (None when the connection
    failed), the exception's class name then, the attempts made and the seconds they took."""

    status: int | None
    error: str | None
    attempts: int
    seconds: float


class LoopbackServer:
    """An aiohttp app on a free loopback port, usable as an async context manager."""

    def __init__(self, *, webhook_max_connections: int = 100) -> None:
        self.host = "127.0.0.1"
        self.port = 0
        self.webhook_max_connections = webhook_max_connections
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False
        self._changed = asyncio.Event()  # set after every request and delivery

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` once started."""
        return f"http://{self.host}:{self.port}"

    # ---------------------------------------------------------------- hooks

    def _make_app(self) -> web.Application:
        """The app to serve (routes bound to the subclass)."""
        raise NotImplementedError

    def _make_session(self) -> aiohttp.ClientSession:
        """The client session for calls back to the bot."""
        connector = aiohttp.TCPConnector(limit=self.webhook_max_connections)
        return aiohttp.ClientSession(connector=connector)

    def _prepare(self) -> None:
        """Make the loop-bound state (events, semaphores) before serving."""
        self._changed = asyncio.Event()

    def _wake(self) -> None:
        """Wake handlers that wait (long polls) so that they see ``_closing``."""
        self._changed.set()

    def _summary(self) -> str:
        """What a test that waited in vain is told about the last requests."""
        return ""

    # ---------------------------------------------------------------- waiting

    async def wait_for(
        self,
        predicate: Callable[[], Any],
        *,
        timeout: float = PATIENCE,  # noqa: ASYNC109 - a deadline for the condition, not for I/O
    ) -> Any:
        """Wait until ``predicate()`` is truthy (checked after every request and delivery)."""
        deadline = time.monotonic() + timeout
        while True:
            self._changed.clear()
            value = predicate()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout}s; {self._summary()}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    # ---------------------------------------------------------------- webhooks

    async def post_with_retries(
        self,
        url: str,
        body: bytes | str,
        headers: dict[str, str],
        *,
        tries: int,
        timeout: float,  # noqa: ASYNC109 - each POST's, as the platform allows it
        pause: float,
        accepted: Callable[[int], bool] = lambda status: 200 <= status < 300,
        limit: asyncio.Semaphore | None = None,
        on_failure: Callable[[int | None, str | None], None] | None = None,
    ) -> Posted:
        """POST ``body`` to the bot's webhook until an ``accepted`` status, at most ``tries``
        times ``pause`` seconds apart, as a platform redelivers; ``limit`` caps the POSTs in
        flight, ``on_failure`` hears of each failed attempt."""
        assert self._session is not None
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        attempt = 0
        for attempt in range(1, tries + 1):
            try:
                async with (
                    limit or contextlib.nullcontext(),
                    self._session.post(
                        url,
                        data=body,
                        headers=headers,
                        timeout=aiohttp.ClientTimeout(total=timeout),
                    ) as response,
                ):
                    await response.read()
                    status, error = response.status, None
            except (aiohttp.ClientError, TimeoutError) as exc:
                status, error = None, type(exc).__name__
            if status is not None and accepted(status):
                break
            if on_failure is not None:
                on_failure(status, error)
            if attempt < tries:
                await asyncio.sleep(pause)
        return Posted(status, error, attempt, time.perf_counter() - started)

    # ---------------------------------------------------------------- lifecycle

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        """Run ``coro`` in the background until it ends or the server stops."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def start(self) -> None:
        """Bind to a free loopback port and serve."""
        self._closing = False
        self._prepare()
        self._runner = web.AppRunner(self._make_app(), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, 0).start()
        self.port = self._runner.addresses[0][1]
        self._session = self._make_session()

    async def stop(self) -> None:
        """Wake waiting handlers, cancel background tasks, close the session and the socket."""
        self._closing = True
        self._wake()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()


class RegisteredWebhook:
    """The webhook a bot registered with the platform (``setWebhook``): "" and None when none."""

    _webhook_url: str = ""
    _webhook_secret: str | None = None

    @property
    def webhook_url(self) -> str:
        """The URL registered ("" when none)."""
        return self._webhook_url

    @property
    def webhook_secret(self) -> str | None:
        """The secret registered with it."""
        return self._webhook_secret


class WebhookQueues:
    """Updates on their way to a webhook, delivered in order per chat as the platforms do: one
    queue and one worker a chat, the next update of a chat waiting for the previous one. What
    is left when the webhook goes away is handed back (to be polled)."""

    def __init__(
        self,
        server: LoopbackServer,
        deliver: Callable[[Update], Awaitable[object]],
        *,
        active: Callable[[], bool],
        give_back: Callable[[list[Update]], None],
        notify: Callable[[], None],
    ) -> None:
        self._server = server
        self._deliver = deliver
        self._active = active
        self._give_back = give_back
        self._notify = notify
        self._queues: dict[Hashable, collections.deque[Update]] = {}
        self._in_flight = 0

    @property
    def waiting(self) -> int:
        """Updates queued or being delivered."""
        return sum(len(queue) for queue in self._queues.values()) + self._in_flight

    def clear(self) -> None:
        """Drop every update still queued (the bot asked to drop pending updates)."""
        for queue in self._queues.values():
            queue.clear()

    def put(self, chat: Hashable, update: Update) -> None:
        queue = self._queues.get(chat)
        if queue is not None:
            queue.append(update)
            return
        queue = collections.deque([update])
        self._queues[chat] = queue
        self._server._spawn(self._work(chat, queue))

    async def _work(self, chat: Hashable, queue: collections.deque[Update]) -> None:
        try:
            while queue and self._active() and not self._server._closing:
                update = queue.popleft()
                self._in_flight += 1
                try:
                    await self._deliver(update)
                finally:
                    self._in_flight -= 1
                    self._notify()
        finally:
            if self._queues.get(chat) is queue:
                del self._queues[chat]
                if queue:
                    self._give_back(list(queue))
                    queue.clear()
