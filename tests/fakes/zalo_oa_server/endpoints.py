"""The endpoints of the fake Zalo OA API: the token endpoint, customer-service messages, a
follower's profile and the OA itself."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from typing import Any

from aiohttp import web

from tests.fakes.zalo_oa_server.records import (
    MAX_TEXT_LENGTH,
    WINDOW_SECONDS,
    Grant,
    OaCall,
    State,
    new_id,
)


class OaEndpoints:
    """The API's endpoints, for :class:`FakeZaloOaServer`, which provides the envelope and the
    fake's clock."""

    app_id: str
    app_secret: str
    oa_id: str
    access_lifetime: float
    refresh_delay: float
    sent: list[dict[str, Any]]
    token_grants: int
    refreshes: int
    _state: State

    async def _token(self, request: web.Request, call: OaCall) -> web.Response:
        form = dict(await request.post())
        call.body = {name: str(value) for name, value in form.items()}
        if self.refresh_delay:
            await asyncio.sleep(self.refresh_delay)

        def refused(code: int, reason: str) -> web.Response:
            call.error = code
            body = {"error": code, "error_name": reason, "error_reason": reason, "ref_doc": ""}
            return web.json_response(body)

        if request.headers.get("secret_key") != self.app_secret:
            return refused(-14001, "Invalid secret key")
        if request.content_type != "application/x-www-form-urlencoded":
            return refused(-14002, "Invalid content type")
        if call.body.get("app_id") != self.app_id:
            return refused(-14003, "Invalid app id")
        grant = call.body.get("grant_type")
        if grant == "authorization_code":
            code = call.body.get("code", "")
            if code not in self._state.codes:
                return refused(-14019, "Invalid authorization code")
            self._state.codes.discard(code)
        elif grant == "refresh_token":
            token = call.body.get("refresh_token", "")
            if token not in self._state.refresh_tokens:
                return refused(-14014, "Invalid refresh token")
            self._state.refresh_tokens.discard(token)  # single use
            self.refreshes += 1
        else:
            return refused(-14004, "Invalid grant type")
        pair = Grant(
            secrets.token_urlsafe(40), secrets.token_urlsafe(40), self.now() + self.access_lifetime
        )
        self._state.access_tokens[pair.access_token] = pair.access_expires
        self._state.refresh_tokens.add(pair.refresh_token)
        self.token_grants += 1
        return web.json_response(
            {
                "access_token": pair.access_token,
                "refresh_token": pair.refresh_token,
                "expires_in": str(int(self.access_lifetime)),
            }
        )

    async def _message_cs(self, request: web.Request, call: OaCall) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return self._envelope(call, -201, message="body is invalid!")
        call.body = body if isinstance(body, dict) else {}
        recipient = call.body.get("recipient")
        message = call.body.get("message")
        user_id = recipient.get("user_id") if isinstance(recipient, dict) else None
        if not isinstance(user_id, str) or not user_id:
            return self._envelope(call, -201, message="user_id is invalid!")
        if not isinstance(message, dict):
            return self._envelope(call, -201, message="message is invalid!")
        problem = self._message_problem(message)
        if problem:
            return self._envelope(call, -201, message=problem)
        last = self._state.last_interaction.get(user_id)
        if last is None or self.now() - last > WINDOW_SECONDS:
            return self._envelope(call, -230)
        message_id = secrets.token_hex(10)
        self.sent.append(
            {
                "user_id": user_id,
                "message": message,
                "message_id": message_id,
                "at": time.perf_counter(),  # when it was accepted, for latencies
            }
        )
        data = {
            "quota": {"quota_type": "reply", "remain": "8", "total": "8"},
            "message_id": message_id,
            "user_id": user_id,
            "sent_time": str(int(self.now() * 1000)),
        }
        return self._envelope(call, 0, data)

    @staticmethod
    def _message_problem(message: dict[str, Any]) -> str | None:
        text = message.get("text")
        attachment = message.get("attachment")
        if text is not None and (not isinstance(text, str) or len(text) > MAX_TEXT_LENGTH):
            return "text is invalid!"
        if attachment is None:
            return None if isinstance(text, str) and text.strip() else "text is invalid!"
        payload = attachment.get("payload") if isinstance(attachment, dict) else None
        if not isinstance(payload, dict) or payload.get("template_type") != "media":
            return "attachment is invalid!"
        elements = payload.get("elements")
        if not isinstance(elements, list) or len(elements) != 1:
            return "elements is invalid!"
        element = elements[0]
        if element.get("media_type") not in ("image", "gif", "sticker"):
            return "media_type is invalid!"
        if ("url" in element) == ("attachment_id" in element):
            return "url is invalid!"  # one of them, never both
        if "url" in element and not str(element["url"]).startswith(("https://", "http://")):
            return "url is invalid!"
        return None

    def _query(self, request: web.Request) -> dict[str, Any] | None:
        try:
            data = json.loads(request.query.get("data", "{}"))
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    async def _user_detail(self, request: web.Request, call: OaCall) -> web.Response:
        query = self._query(request)
        if query is None or not isinstance(query.get("user_id"), str):
            return self._envelope(call, -201, message="user_id is invalid!")
        call.body = query
        user_id = query["user_id"]
        return self._envelope(
            call,
            0,
            {
                "user_id": user_id,
                "user_id_by_app": new_id(),
                "display_name": f"Người dùng {user_id[-4:]}",
                "user_is_follower": True,
            },
        )

    async def _get_oa(self, request: web.Request, call: OaCall) -> web.Response:
        return self._envelope(
            call, 0, {"oaid": self.oa_id, "name": "Công an xã Thử Nghiệm", "is_verified": True}
        )
