"""A small typed async client for the Zalo Official Account Open API, on one httpx pool.

What it knows (ZALO_OA.md §0, §1, §3): the token travels in an ``access_token`` header (not
``Authorization``); POST bodies are JSON; a GET carries its parameters as one JSON string in
the ``data`` query parameter; every answer is the ``{"error", "message", "data"}`` envelope,
errors included, with HTTP 200; ids are strings. Tokens come from ``oauth.zaloapp.com`` with
the app secret in a ``secret_key`` header and a form body, answered flat (not enveloped).

Network errors and 5xx answers are retried with backoff; a send whose answer timed out after
it went out is not (it may have been delivered). Error codes become the classes of
``errors.py``. Nothing here logs a token, a user id or a text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar, Unpack

import httpx

from bot.channels.http_api import ClientOptions, HttpApiClient, TryAgain, json_or_none
from bot.channels.zalo_oa.errors import (
    PASSING_ERRORS,
    ZaloOaMaybeSent,
    ZaloOaRefused,
    ZaloOaUnavailable,
    api_error,
)

DEFAULT_API_URL = "https://openapi.zalo.me"
DEFAULT_OAUTH_URL = "https://oauth.zaloapp.com"
CS_MESSAGE_PATH = "/v3.0/oa/message/cs"
TOKEN_PATH = "/v4/oa/access_token"
MAX_TEXT_LENGTH = 2000  # "Giới hạn tối đa là 2.000 ký tự"


@dataclass(frozen=True)
class TokenPair:
    """What the token endpoint hands out: the access token and the (single-use) refresh token
    that replaces the one just spent."""

    access_token: str
    refresh_token: str
    expires_in: timedelta


@dataclass(frozen=True)
class SentMessage:
    message_id: str


class ZaloOaClient(HttpApiClient):
    """The OA Open API and its token endpoint. ``async with`` it, or :meth:`aclose` it."""

    platform: ClassVar[str] = "Zalo OA"
    unavailable = ZaloOaUnavailable
    maybe_sent = ZaloOaMaybeSent

    def __init__(
        self,
        *,
        api_url: str = DEFAULT_API_URL,
        oauth_url: str = DEFAULT_OAUTH_URL,
        **options: Unpack[ClientOptions],
    ) -> None:
        super().__init__(**options)
        self.api_url = api_url.rstrip("/")
        self.oauth_url = oauth_url.rstrip("/")

    # -- messages ----------------------------------------------------------------------------

    async def send_text(
        self, access_token: str, user_id: str, text: str, *, quote: str | None = None
    ) -> SentMessage:
        """One customer-service text (at most 2,000 characters: the caller splits)."""
        message: dict[str, Any] = {"text": text}
        if quote:
            message["quote_message_id"] = quote
        return await self.send_message(access_token, user_id, message)

    async def send_image(
        self, access_token: str, user_id: str, url: str, caption: str | None = None
    ) -> SentMessage:
        """A picture by its URL (the ``media`` template), with ``caption`` as its text."""
        message: dict[str, Any] = {
            "attachment": {
                "type": "template",
                "payload": {
                    "template_type": "media",
                    "elements": [{"media_type": "image", "url": url}],
                },
            }
        }
        if caption:
            message["text"] = caption[:MAX_TEXT_LENGTH]
        return await self.send_message(access_token, user_id, message)

    async def send_message(
        self, access_token: str, user_id: str, message: dict[str, Any]
    ) -> SentMessage:
        """``POST /v3.0/oa/message/cs``: a customer-service message to ``user_id``."""
        body = {"recipient": {"user_id": user_id}, "message": message}
        data = await self.call(
            "POST", CS_MESSAGE_PATH, access_token=access_token, body=body, is_send=True
        )
        return SentMessage(str(data.get("message_id", "")) if isinstance(data, dict) else "")

    async def user_detail(self, access_token: str, user_id: str) -> dict[str, Any]:
        """``GET /v3.0/oa/user/detail``: the follower's profile (display_name, ...)."""
        data = await self.call(
            "GET", "/v3.0/oa/user/detail", access_token=access_token, query={"user_id": user_id}
        )
        return data if isinstance(data, dict) else {}

    async def get_oa(self, access_token: str) -> dict[str, Any]:
        """``GET /v2.0/oa/getoa``: the OA itself (its id is ``oaid`` or ``oa_id``)."""
        data = await self.call("GET", "/v2.0/oa/getoa", access_token=access_token)
        return data if isinstance(data, dict) else {}

    # -- tokens ------------------------------------------------------------------------------

    async def exchange_code(
        self, app_id: str, app_secret: str, code: str, code_verifier: str | None = None
    ) -> TokenPair:
        """The first pair, from the authorization code the OA admin's consent gave."""
        form = {"code": code, "app_id": app_id, "grant_type": "authorization_code"}
        if code_verifier:
            form["code_verifier"] = code_verifier
        return await self._token(app_secret, form)

    async def refresh(self, app_id: str, app_secret: str, refresh_token: str) -> TokenPair:
        """A new pair for the refresh token, which is spent by this call (single use)."""
        form = {"refresh_token": refresh_token, "app_id": app_id, "grant_type": "refresh_token"}
        return await self._token(app_secret, form)

    async def _token(self, app_secret: str, form: dict[str, str]) -> TokenPair:
        # Not retried: a refresh that reached Zalo spent the refresh token even if its answer
        # was lost, and a second try with it would only be refused.
        try:
            self.requests += 1
            response = await self._http.post(
                self.oauth_url + TOKEN_PATH, data=form, headers={"secret_key": app_secret}
            )
        except httpx.TransportError as error:
            raise ZaloOaUnavailable(f"Zalo OA token endpoint: {type(error).__name__}") from None
        if response.status_code >= 500:
            raise ZaloOaUnavailable(f"Zalo OA token endpoint: HTTP {response.status_code}")
        payload = json_or_none(response)
        if not isinstance(payload, dict):
            raise ZaloOaRefused(response.status_code, "token endpoint")
        access, refresh = payload.get("access_token"), payload.get("refresh_token")
        if not access or not refresh:
            code = payload.get("error")
            raise ZaloOaRefused(code if isinstance(code, int) else -1, "token endpoint")
        try:
            seconds = float(payload.get("expires_in") or 0)
        except (TypeError, ValueError):
            seconds = 0.0
        return TokenPair(str(access), str(refresh), timedelta(seconds=seconds))

    # -- transport ---------------------------------------------------------------------------

    async def call(
        self,
        verb: str,
        path: str,
        *,
        access_token: str,
        body: dict[str, Any] | None = None,
        query: dict[str, Any] | None = None,
        is_send: bool = False,
    ) -> Any:
        """One API call; the envelope's ``data``, or the error it reports.

        Raises the classes of ``errors.py``: ZaloOaTokenExpired, ZaloOaOutsideWindow,
        ZaloOaRateLimited, ZaloOaRefused, ZaloOaMaybeSent (a send that timed out
        after it went), ZaloOaUnavailable (still failing after the retries).
        """
        params = {"data": json.dumps(query, separators=(",", ":"))} if query else None
        return await self.request(
            verb,
            self.api_url + path,
            where=path,
            is_send=is_send,
            json=body,
            params=params,
            headers={"access_token": access_token},
        )

    def answer(self, where: str, response: httpx.Response, payload: Any) -> Any:
        """The envelope's ``data``; TryAgain for a 5xx; the error class of a code."""
        if response.status_code >= 500:
            raise TryAgain(f"HTTP {response.status_code}")
        if not isinstance(payload, dict):
            raise ZaloOaRefused(response.status_code, where)
        code = _code(payload.get("error", 0))
        if code == 0:
            return payload.get("data")
        if code in PASSING_ERRORS:
            raise ZaloOaUnavailable(f"Zalo OA {where}: error {code}")
        raise api_error(code, where)


def _code(value: Any) -> int:
    """The envelope's ``error`` as a number (0 is success); -1 when it is not one."""
    if isinstance(value, bool):
        return -1
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
