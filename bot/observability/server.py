"""``/metrics`` on a port of its own (``ANTQ_METRICS_PORT``), optionally behind a token.

Its own port, not the web port behind the proxy: each process keeps its own counters, so
Prometheus must reach every process by itself (the proxy would hand each scrape to whichever
process it picks), and the numbers never pass through the public address. It listens on
``ANTQ_METRICS_HOST`` (127.0.0.1 by default); on any other address ``ANTQ_METRICS_TOKEN`` is
required, and a scrape must then send ``Authorization: Bearer <token>`` (401 without it).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import socket
from collections.abc import Iterator

import uvicorn
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.observability.database import Scrape, database_metrics
from bot.observability.metrics import REGISTRY
from bot.settings import Settings
from storage.database import Database


class MetricsTokenMissing(SystemExit):
    """The metrics port would listen beyond this machine with no token to guard it."""


def metrics_app(database: Database, *, token: str | None = None) -> Starlette:
    """``GET /metrics``: the process's counters and the database's counts, read now."""

    async def metrics(request: Request) -> Response:
        if token is not None and not _bearer_matches(request, token):
            return PlainTextResponse(
                "a token is required\n", status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
        page = generate_latest(Scrape(REGISTRY, await database_metrics(database)))  # type: ignore[arg-type]
        return Response(page, media_type=CONTENT_TYPE_LATEST)

    return Starlette(routes=[Route("/metrics", metrics, methods=["GET"])])


def _bearer_matches(request: Request, token: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    given_bytes, token_bytes = given.strip().encode(), token.encode()
    return scheme.lower() == "bearer" and hmac.compare_digest(given_bytes, token_bytes)


class _QuietServer(uvicorn.Server):
    """uvicorn without signal handlers of its own: the bot's stop signals are the web
    server's and the console's (``bot.app``)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class MetricsServer:
    """The metrics port of one process, when ``ANTQ_METRICS_PORT`` is set: ``start`` it once
    the database is ready, ``stop`` it last."""

    def __init__(self, settings: Settings, database: Database) -> None:
        self.port = settings.metrics_port
        self.host = settings.metrics_host
        token = settings.metrics_token
        self.token = token.get_secret_value() if token is not None else None
        self.database = database
        self.url: str | None = None  # where it listens, once started
        self._server: _QuietServer | None = None
        self._serving: asyncio.Task[None] | None = None
        self._listener: socket.socket | None = None

    async def start(self) -> None:
        if self.port is None:
            return
        if self.token is None and not _loopback(self.host):
            raise MetricsTokenMissing(
                f"antq: ANTQ_METRICS_HOST={self.host} listens beyond this machine: "
                "set ANTQ_METRICS_TOKEN too (or keep the default 127.0.0.1)"
            )
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        try:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((self.host, self.port))
        except OSError:
            listener.close()
            raise
        self._listener = listener
        host, port = listener.getsockname()[:2]
        self.url = (
            f"http://{host}:{port}" if family == socket.AF_INET else f"http://[{host}]:{port}"
        )
        config = uvicorn.Config(
            metrics_app(self.database, token=self.token),
            log_config=None,
            log_level="warning",
            access_log=False,
        )
        self._server = _QuietServer(config)
        self._serving = asyncio.create_task(self._server.serve(sockets=[listener]))
        while not self._server.started and not self._serving.done():  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        if self._serving.done():
            await self._serving  # why it could not start

    async def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._serving is not None:
            with contextlib.suppress(Exception):
                await self._serving
        if self._listener is not None:
            self._listener.close()
        self._server = self._serving = self._listener = None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
