"""The methods of the fake Zalo Bot API (``_m_<method>``) and how they check parameters."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time
from typing import Any, Literal

from aiohttp import web

from tests.fakes.loopback import LOOPBACK_HOSTS
from tests.fakes.zalo_server.records import (
    CHAT_ACTIONS,
    MAX_TEXT_LENGTH,
    SECRET_LENGTHS,
    URL_RE,
    RecordedCall,
    Refusal,
    new_id,
    now_ms,
)


class ZaloMethods:
    """The Bot API's methods, for :class:`FakeZaloServer`,
    which provides ``_enqueue_webhook``, ``_record`` and ``_notify``."""

    known_chats_only: bool
    max_poll_wait: float | None
    poll_waits: list[float]
    empty_poll: Literal["null", "408"]
    poll_shape: Literal["envelope", "bare"]
    _known_chats: set[str]
    _pending: collections.deque[dict[str, Any]]
    _sent: list[dict[str, Any]]
    _webhook_url: str
    _webhook_secret: str | None
    _webhook_updated_at: int
    _closing: bool
    _changed: asyncio.Event

    # ---------------------------------------------------------------- validation

    @staticmethod
    def _string(params: dict[str, Any], name: str, *, required: bool = True) -> str | None:
        value = params.get(name)
        if value is None:
            if required:
                raise Refusal(400, f"Bad Request: {name} is required")
            return None
        if not isinstance(value, str):
            raise Refusal(400, f"Bad Request: {name} must be a string")
        return value

    def _chat(self, params: dict[str, Any]) -> str:
        chat_id = self._string(params, "chat_id")
        assert chat_id is not None
        if not chat_id:
            raise Refusal(400, "Bad Request: chat_id is empty")
        if self.known_chats_only and chat_id not in self._known_chats:
            raise Refusal(400, "Bad Request: chat not found")
        return chat_id

    @staticmethod
    def _text(value: str | None, name: str) -> None:
        if value is not None and not 1 <= len(value) <= MAX_TEXT_LENGTH:
            raise Refusal(
                400, f"Bad Request: {name} must be 1-{MAX_TEXT_LENGTH} characters, not {len(value)}"
            )

    # ---------------------------------------------------------------- methods

    async def _m_getMe(self, params: dict[str, Any], request: web.Request) -> Any:
        return self.bot_info

    async def _m_getUpdates(self, params: dict[str, Any], request: web.Request) -> Any:
        if self._webhook_url:
            raise Refusal(409, "Conflict: getUpdates is not available while a webhook is set")
        raw = params.get("timeout", 30)
        try:
            wait = float(raw)
        except (TypeError, ValueError):
            raise Refusal(400, "Bad Request: timeout must be a number of seconds") from None
        if self.max_poll_wait is not None:
            wait = min(wait, self.max_poll_wait)
        self.poll_waits.append(wait)
        deadline = time.monotonic() + max(wait, 0.0)
        while not self._pending and not self._closing and not self._webhook_url:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        if request.transport is None or request.transport.is_closing():
            return web.Response(status=499)  # the bot hung up: keep the event for the next poll
        if not self._pending:
            if self.empty_poll == "408":
                raise Refusal(408, "Request Timeout", invalid=False)
            return None
        event = self._pending.popleft()
        if self.poll_shape == "bare":
            self._record(RecordedCall("getUpdates", params, time.monotonic()))
            return web.json_response(event)
        return event

    async def _m_setWebhook(self, params: dict[str, Any], request: web.Request) -> Any:
        url = self._string(params, "url") or ""
        secret = self._string(params, "secret_token") or ""
        match = URL_RE.match(url)
        if match is None:
            raise Refusal(400, "Bad Request: url is not a URL")
        if match.group(1) != "https" and match.group(2) not in LOOPBACK_HOSTS:
            raise Refusal(400, "Bad Request: url must be HTTPS")
        if len(secret) not in SECRET_LENGTHS:
            raise Refusal(400, "Bad Request: secret_token must be 8-256 characters")
        self._webhook_url, self._webhook_secret = url, secret
        self._webhook_updated_at = now_ms()
        pending, self._pending = list(self._pending), collections.deque()
        for event in pending:
            self._enqueue_webhook(event)
        self._notify()  # ends a running long poll
        return {"url": url, "updated_at": self._webhook_updated_at}

    async def _m_deleteWebhook(self, params: dict[str, Any], request: web.Request) -> Any:
        self._webhook_url, self._webhook_secret = "", None
        self._webhook_updated_at = now_ms()
        return {"url": "", "updated_at": self._webhook_updated_at}

    async def _m_getWebhookInfo(self, params: dict[str, Any], request: web.Request) -> Any:
        return {"url": self._webhook_url, "updated_at": self._webhook_updated_at}

    async def _m_sendMessage(self, params: dict[str, Any], request: web.Request) -> Any:
        chat_id = self._chat(params)
        text = self._string(params, "text")
        self._text(text, "text")
        return self._sent_record("sendMessage", chat_id, text=text)

    async def _m_sendPhoto(self, params: dict[str, Any], request: web.Request) -> Any:
        chat_id = self._chat(params)
        photo = self._string(params, "photo") or ""
        if URL_RE.match(photo) is None:
            raise Refusal(400, "Bad Request: photo must be a URL")
        caption = self._string(params, "caption", required=False)
        self._text(caption, "caption")
        return self._sent_record("sendPhoto", chat_id, photo=photo, caption=caption)

    async def _m_sendSticker(self, params: dict[str, Any], request: web.Request) -> Any:
        chat_id = self._chat(params)
        sticker = self._string(params, "sticker")
        if not sticker:
            raise Refusal(400, "Bad Request: sticker is empty")
        return self._sent_record("sendSticker", chat_id, sticker=sticker)

    async def _m_sendChatAction(self, params: dict[str, Any], request: web.Request) -> Any:
        self._chat(params)
        if self._string(params, "action") not in CHAT_ACTIONS:
            raise Refusal(400, f"Bad Request: action must be one of {sorted(CHAT_ACTIONS)}")
        return True

    def _sent_record(self, method: str, chat_id: str, **fields: Any) -> dict[str, Any]:
        result = {"message_id": new_id(), "date": now_ms()}
        self._sent.append({"method": method, "chat_id": chat_id, **fields, **result})
        return result
