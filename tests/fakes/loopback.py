"""The aiohttp lifecycle shared by the fake platform servers.

A subclass builds its app in :meth:`LoopbackServer._make_app`; the base serves it on
127.0.0.1 at a port the system picks, opens a client session for calls back to the bot
(webhook deliveries), and on stop wakes waiting handlers, cancels the background tasks started
with :meth:`LoopbackServer._spawn`, and closes the session and the socket::

    async with SomeFake() as server:
        ...  # server.url == "http://127.0.0.1:<port>"
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any, Self

import aiohttp
from aiohttp import web

__all__ = ["LoopbackServer"]


class LoopbackServer:
    """An aiohttp app on a free loopback port, usable as an async context manager."""

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False

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
        return aiohttp.ClientSession()

    def _prepare(self) -> None:
        """Make the loop-bound state (events, semaphores) before serving."""

    def _wake(self) -> None:
        """Wake handlers that wait (long polls) so that they see ``_closing``."""

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
