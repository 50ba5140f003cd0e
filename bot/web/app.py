"""The one ASGI app: webhook receivers of the channels and a health check."""

from __future__ import annotations

from collections.abc import Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp

from bot.web.headers import SecurityHeaders, trusting_proxies
from bot.web.limits import DEFAULT_MAX_BYTES, DEFAULT_READ_SECONDS, BoundedBodies
from storage.database import Database
from storage.migrate import head


class WebApp(Starlette):
    """Starlette with the security headers outside everything, the server's own 500 too."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())


def build_web_app(
    database: Database,
    routes: list[BaseRoute],
    *,
    max_body_bytes: int = DEFAULT_MAX_BYTES,
    body_read_seconds: float = DEFAULT_READ_SECONDS,
    channel_problems: Callable[[], list[str]] | None = None,
    trusted_proxies: str = "",
    channel_warnings: Callable[[], list[str]] | None = None,
) -> Starlette:
    """``GET /healthz`` beside the channels' routes, every request body bounded, every
    response with the security headers (``bot.web.headers``), forwarded headers believed only
    from ``trusted_proxies`` (``ANTQ_TRUSTED_PROXIES``; uvicorn's own handling is off).

    Healthy (200) only when the database answers *and* carries the schema this code expects:
    a re-created, empty database answers a ping while every message would fail; and only
    when no channel reports a problem an operator must fix (``channel_problems``, say a bot
    token the platform refused). What an operator should see to before it becomes a problem
    (``channel_warnings``, say a token that lapses in weeks) is listed beside a 200.
    """
    expected = head()

    async def healthz(request: Request) -> JSONResponse:
        revision = await database.schema_revision()
        problems = channel_problems() if channel_problems is not None else []
        if revision == expected and problems:
            return JSONResponse({"status": "; ".join(problems)}, status_code=503)
        if revision == expected:
            warnings = channel_warnings() if channel_warnings is not None else []
            if warnings:
                return JSONResponse({"status": "ok", "warnings": warnings})
            return JSONResponse({"status": "ok"})
        problem = "database unreachable" if revision is None else "database not migrated"
        return JSONResponse({"status": problem}, status_code=503)

    bounded = Middleware(
        BoundedBodies,  # type: ignore[arg-type]
        max_bytes=max_body_bytes,
        read_seconds=body_read_seconds,
    )
    app = WebApp(
        routes=[Route("/healthz", healthz, methods=["GET"]), *routes],
        middleware=[
            Middleware(trusting_proxies, trusted_proxies=trusted_proxies),  # type: ignore[arg-type]
            bounded,
        ],
    )
    # "/web/tips/" is not found rather than redirected: Starlette would build the redirect's
    # address from the request's Host header, which the client chooses.
    app.router.redirect_slashes = False
    return app
