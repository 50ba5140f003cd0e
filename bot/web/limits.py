"""What a request may cost the web server: a bounded body, read within a time limit; and the
limit on failed sign-ins to the console (``AttemptLimiter``).

Webhook updates are a few kilobytes. A body larger than ``max_bytes`` is refused with 413 —
at once when its Content-Length says so, without reading the rest — and a body that does not
arrive within ``read_seconds`` gets 408, so a slow or stalled client cannot hold memory or a
handler. A client that goes away mid-request is a log line.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storage.database import Database
from storage.web_signin import count_signin_failures, signin_failed

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 1_000_000
DEFAULT_READ_SECONDS = 10.0
# Failed sign-ins a client may make within the window (``AttemptLimiter``).
DEFAULT_ATTEMPTS = 30


class BoundedBodies:
    """ASGI middleware: the whole body is read (within the limits) before the app runs."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        read_seconds: float = DEFAULT_READ_SECONDS,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.read_seconds = read_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await _refuse(send, 413)
            return
        try:
            async with asyncio.timeout(self.read_seconds):
                body = await self._read(receive)
        except TimeoutError:
            log.info("a client was too slow to send its request body")
            await _refuse(send, 408)
            return
        if body is None:
            log.info("a client went away before its request body arrived")
            return
        if len(body) > self.max_bytes:
            await _refuse(send, 413)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read(self, receive: Receive) -> bytes | None:
        """The body, or None when the client disconnected; stops once past ``max_bytes``."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            chunks.append(chunk)
            if size > self.max_bytes or not message.get("more_body", False):
                return b"".join(chunks)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: a disconnect, when it comes

    return replayed


async def _refuse(send: Send, status: int) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-length", b"0"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": b""})


class AttemptLimiter:
    """At most ``attempts`` *failed* sign-in attempts per client within ``window_seconds``
    (login links that open nothing): a guesser is slowed to a handful of tries, while an
    officer opening a good link, however often, is never counted.

    The client is the address the request came from, or the one a trusted proxy forwarded
    (``ANTQ_TRUSTED_PROXIES``, ``bot.web.app``): behind the proxy each real client is counted
    alone, so one guesser locks out nobody else. Counted in the database
    (``storage.web_signin``), so that every process behind the proxy holds the one limit; the
    tokens are unguessable anyway, this bounds the cost."""

    def __init__(
        self,
        database: Database,
        *,
        attempts: int = DEFAULT_ATTEMPTS,
        window_seconds: float = 60.0,
        clock: Callable[[], datetime],
    ) -> None:
        self.database = database
        self.attempts = attempts
        self.window = timedelta(seconds=window_seconds)
        self.clock = clock

    async def blocked(self, client: str) -> bool:
        """Whether ``client`` failed ``attempts`` times within the window (then: 429)."""
        async with self.database.session() as session:
            since = self.clock() - self.window
            return await count_signin_failures(session, client, since=since) >= self.attempts

    async def failed(self, client: str) -> None:
        """Count a failed attempt of ``client``."""
        now = self.clock()
        async with self.database.transaction() as session:
            await signin_failed(session, client, now=now, forget_before=now - self.window)
