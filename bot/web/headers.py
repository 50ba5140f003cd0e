"""What every response of the web server carries, and whose word it takes for the client.

The console's pages set their own headers (``bot.web.rendering.secured``); this middleware
adds the same security headers to every other response — the webhooks' answers, /healthz,
and the framework's own 404, 405 and 500 — without overriding what a page set.

Behind a reverse proxy every request comes from the proxy's address; the proxy names the real
client in ``X-Forwarded-For`` and the scheme in ``X-Forwarded-Proto``. Those headers are taken
only from the addresses in ``ANTQ_TRUSTED_PROXIES``: from anyone else they are the client's own
words, and a client that could choose its address could dodge the sign-in limit.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from bot.web.rendering import SECURITY_HEADERS

_ENCODED = [(name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]


class SecurityHeaders:
    """ASGI middleware: ``SECURITY_HEADERS`` on every HTTP response that lacks them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in _ENCODED if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_secured)


def trusting_proxies(app: ASGIApp, trusted_proxies: str) -> ASGIApp:
    """``app`` seeing the forwarded client and scheme of requests from ``trusted_proxies``
    (addresses or networks, comma separated; empty: nobody)."""
    trusted = [host.strip() for host in trusted_proxies.split(",") if host.strip()]
    if not trusted:
        return app
    return ProxyHeadersMiddleware(app, trusted_hosts=trusted)  # type: ignore[arg-type]
