"""The fake Zalo OA server: its state and clock, the OA admin's side (codes, tokens), injected
failures, the rate limit and the envelope; what users do is in ``events``, the endpoints in
``endpoints``."""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import Any

from aiohttp import web

from tests.fakes.loopback import LoopbackServer, take_failure
from tests.fakes.zalo_oa_server.endpoints import OaEndpoints
from tests.fakes.zalo_oa_server.events import OaUsers
from tests.fakes.zalo_oa_server.records import (
    ACCESS_LIFETIME_SECONDS,
    APP_ID,
    APP_SECRET,
    ERRORS,
    OA_ID,
    OA_SECRET_KEY,
    RATE_LIMIT_PER_MINUTE,
    Failure,
    OaCall,
    OaDelivery,
    State,
)
from tests.harness import PATIENCE


class FakeZaloOaServer(OaUsers, OaEndpoints, LoopbackServer):
    """Loopback Zalo OA API and webhook sender (aiohttp).

    Args:
        webhook_url: where events are POSTed (settable later as ``server.webhook_url``).
        access_lifetime: seconds an access token lives (``expires_in``).
        rate_limit_per_minute: requests a minute before -32 (the real app limit: 4,000).
        webhook_timeout / webhook_max_tries / webhook_retry_delay: redelivery of an event the
            webhook did not accept in time with a 2xx.
    """

    def __init__(
        self,
        *,
        app_id: str = APP_ID,
        app_secret: str = APP_SECRET,
        oa_secret_key: str = OA_SECRET_KEY,
        oa_id: str = OA_ID,
        webhook_url: str = "",
        access_lifetime: float = ACCESS_LIFETIME_SECONDS,
        rate_limit_per_minute: int = RATE_LIMIT_PER_MINUTE,
        refresh_delay: float = 0.0,
        webhook_timeout: float = 2.0,
        webhook_max_tries: int = 3,
        webhook_retry_delay: float = 0.05,
        webhook_max_connections: int = 100,
    ) -> None:
        super().__init__(webhook_max_connections=webhook_max_connections)
        self.app_id = app_id
        self.app_secret = app_secret
        self.oa_secret_key = oa_secret_key
        self.oa_id = oa_id
        self.webhook_url = webhook_url
        self.access_lifetime = access_lifetime
        self.rate_limit_per_minute = rate_limit_per_minute
        self.refresh_delay = refresh_delay
        self.webhook_timeout = webhook_timeout
        self.webhook_max_tries = webhook_max_tries
        self.webhook_retry_delay = webhook_retry_delay
        self.requests: list[OaCall] = []
        self.deliveries: list[OaDelivery] = []
        self.sent: list[dict[str, Any]] = []  # accepted messages: {"user_id", "message", ...}
        self.token_grants = 0  # pairs handed out (codes and refreshes)
        self.refreshes = 0
        self._state = State()
        self._failures: list[Failure] = []
        self._offset = 0.0
        self._minute: tuple[int, int] = (0, 0)

    # ---------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        """Value for both ``ANTQ_ZALO_OA_API_URL`` and ``ANTQ_ZALO_OA_OAUTH_URL``."""
        return self.url

    def _make_app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._handle)
        return app

    def now(self) -> float:
        """The fake's own time (seconds), which :meth:`advance` moves on."""
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        self._offset += seconds

    # ---------------------------------------------------------------- the OA admin's side

    def issue_code(self) -> str:
        """An authorization code, as the admin's consent gives (single use)."""
        code = secrets.token_urlsafe(24)
        self._state.codes.add(code)
        return code

    def issue_refresh_token(self) -> str:
        """A refresh token, as copied from API Explorer (single use)."""
        token = secrets.token_urlsafe(32)
        self._state.refresh_tokens.add(token)
        return token

    def expire_access_tokens(self) -> None:
        """Every access token handed out so far is refused from now on (-216)."""
        for token in self._state.access_tokens:
            self._state.access_tokens[token] = 0.0

    def revoke_refresh_tokens(self) -> None:
        """Every refresh token is refused (the admin removed the app): a refresh fails."""
        self._state.refresh_tokens.clear()

    def fail_next(
        self,
        path: str,
        *,
        error: int | None = None,
        http_status: int | None = None,
        delay: float = 0.0,
        times: int = 1,
    ) -> None:
        """The next ``times`` calls of ``path`` (``"*"``: any) answer ``error`` in the envelope
        (-32 rate limit, -216 expired ...), or an ``http_status`` gateway page (an outage), or
        come ``delay`` seconds late."""
        self._failures.append(Failure(path, error, http_status, delay, times))

    def user_last_interacted(self, user_id: str, *, days_ago: float) -> None:
        self._state.last_interaction[user_id] = self.now() - days_ago * 86400

    # ---------------------------------------------------------------- inspection

    def texts(self, user_id: str | None = None) -> list[str]:
        """Texts accepted for ``user_id`` (captions of images included), in order."""
        return [
            sent["message"].get("text", "")
            for sent in self.sent
            if user_id is None or sent["user_id"] == user_id
        ]

    def images(self, user_id: str) -> list[str]:
        urls = []
        for sent in self.sent:
            attachment = sent["message"].get("attachment")
            if sent["user_id"] == user_id and attachment:
                urls.extend(e["url"] for e in attachment["payload"]["elements"])
        return urls

    def calls(self, path: str) -> list[OaCall]:
        return [call for call in self.requests if call.path == path]

    def _summary(self) -> str:
        return f"last calls={[(c.path, c.error) for c in self.requests[-5:]]}"

    async def wait_for_texts(
        self,
        user_id: str,
        count: int,
        *,
        timeout: float = PATIENCE,  # noqa: ASYNC109
    ) -> list[str]:
        return await self.wait_for(
            lambda: (texts := self.texts(user_id)) and len(texts) >= count and texts,
            timeout=timeout,
        )

    # ---------------------------------------------------------------- HTTP

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["path"]
        call = OaCall(path, {})
        self.requests.append(call)
        try:
            if path == "/v4/oa/access_token" and request.method == "POST":
                return await self._token(request, call)
            failure = take_failure(self._failures, path, lambda rule: rule.path)
            if failure is not None:
                if failure.delay:
                    await asyncio.sleep(failure.delay)
                if failure.http_status is not None:
                    call.status = failure.http_status
                    return web.Response(
                        text="<html><body>502 Bad Gateway</body></html>",
                        status=failure.http_status,
                        content_type="text/html",
                    )
                if failure.error is not None:
                    return self._envelope(call, failure.error)
            if not self._within_rate():
                return self._envelope(call, -32)
            routes = {
                ("POST", "/v3.0/oa/message/cs"): self._message_cs,
                ("GET", "/v3.0/oa/user/detail"): self._user_detail,
                ("GET", "/v2.0/oa/getoa"): self._get_oa,
            }
            handler = routes.get((request.method, path))
            if handler is None:
                return self._envelope(call, 404)
            if not self._token_ok(request.headers.get("access_token")):
                return self._envelope(call, -216)
            return await handler(request, call)
        finally:
            self._changed.set()

    def _envelope(
        self, call: OaCall, error: int, data: Any = None, message: str | None = None
    ) -> web.Response:
        call.error = error
        body: dict[str, Any] = {"error": error, "message": message or ERRORS.get(error, "Error")}
        if error == 0:
            body = {"data": data, "error": 0, "message": "Success"}
        remain = max(0, self.rate_limit_per_minute - self._minute[1])
        headers = {
            "X-RateLimit-Limit": str(self.rate_limit_per_minute),
            "X-RateLimit-Remain": str(remain),
        }
        return web.json_response(body, headers=headers)

    def _within_rate(self) -> bool:
        minute = int(self.now() // 60)
        count = self._minute[1] + 1 if self._minute[0] == minute else 1
        self._minute = (minute, count)
        return count <= self.rate_limit_per_minute

    def _token_ok(self, token: str | None) -> bool:
        expiry = self._state.access_tokens.get(token or "")
        return expiry is not None and self.now() < expiry
