"""Serve an ASGI app (our Starlette web app) on a free loopback port, for webhook tests.

A fake platform POSTs to it over real HTTP, as the platform would post to our server. The
port is taken when the object is made, so the webhook URL is known before the app is built::

    async with LoopbackASGIServer() as web:
        channel = make_channel(webhook_base_url=web.url)
        await web.start(build_web_app(database, channel.routes()))
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import Any, Self

import uvicorn


class LoopbackASGIServer:
    """uvicorn on 127.0.0.1 and a port chosen by the system."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, 0))
        self.url = f"http://{host}:{self._socket.getsockname()[1]}"
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self, app: Any) -> None:
        config = uvicorn.Config(
            app, log_level="warning", lifespan="off", access_log=False, timeout_keep_alive=30
        )
        server = uvicorn.Server(config)
        # uvicorn would otherwise take over Ctrl+C of the whole test process while it runs.
        server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign]
        self._server = server
        self._task = asyncio.create_task(server.serve(sockets=[self._socket]))
        while not server.started:
            if self._task.done():
                self._task.result()  # raises the start-up error
            await asyncio.sleep(0.005)

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._server = self._task = None
        self._socket.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()
