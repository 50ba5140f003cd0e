"""The one ASGI app: webhook receivers of the channels and a health check."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from storage.database import Database


def build_web_app(database: Database, routes: list[BaseRoute]) -> Starlette:
    """``GET /healthz`` (200 when the database answers, else 503) beside the channels' routes."""

    async def healthz(request: Request) -> JSONResponse:
        healthy = await database.ping()
        return JSONResponse(
            {"status": "ok" if healthy else "database unreachable"},
            status_code=200 if healthy else 503,
        )

    return Starlette(routes=[Route("/healthz", healthz, methods=["GET"]), *routes])
