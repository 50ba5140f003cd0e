"""A small typed async client for the Zalo Bot Platform API, on one httpx connection pool.

Every method is ``POST {base_url}/bot{token}/{method}`` with a JSON body, answered with
``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N, "description": "..."}``.
Network errors, 5xx answers, 403 ("Internal server error" on this platform) and 408 are
retried with exponential backoff; a send whose answer timed out is not (Zalo may have delivered
it). 401 and 429 are raised at once as their own errors, other ``ok: false`` answers as
:class:`ZaloApiError`. The URL holds the bot token, so it is never logged nor put into an
exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Unpack

import httpx

from bot.channels.http_api import ClientOptions, HttpApiClient, TryAgain
from bot.channels.texts import split_text
from bot.channels.zalo_bot.errors import (
    PASSING_ERROR_CODES,
    QUOTA_EXCEEDED,
    TOKEN_REJECTED,
    ZaloApiError,
    ZaloMaybeSent,
    ZaloQuotaExceeded,
    ZaloTokenRejected,
    ZaloUnavailable,
)
from bot.channels.zalo_bot.texts import MAX_TEXT_LENGTH
from bot.channels.zalo_bot.updates import ZaloUpdate, parse_update
from bot.retrying import NO_RETRY, RetryPolicy

DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com"
DEFAULT_POLL_TIMEOUT = 30.0
# Zalo answers an empty long poll with this code instead of an empty result, at times.
EMPTY_POLL_ERROR_CODE = 408
# Zalo fetches a photo's URL before it answers sendPhoto: clients allow it this long.
PHOTO_TIMEOUT = 150.0
# Sends are not idempotent: after a timeout they are not repeated (a duplicate is worse).
SENDS = frozenset({"sendMessage", "sendPhoto", "sendSticker"})


@dataclass(frozen=True)
class BotInfo:
    """The bot's own account (getMe)."""

    id: str
    account_name: str
    account_type: str | None = None
    can_join_groups: bool = False


@dataclass(frozen=True)
class WebhookInfo:
    """The registered webhook ("" when none) and when it was last changed (ms since epoch)."""

    url: str
    updated_at: int | None = None


@dataclass(frozen=True)
class SentMessage:
    """What the API says about a message it accepted."""

    message_id: str
    date_ms: int | None = None


class ZaloClient(HttpApiClient):
    """The Zalo Bot API for one bot token. Use as ``async with ZaloClient(token) as client``
    or call :meth:`aclose` when done."""

    platform: ClassVar[str] = "Zalo"
    unavailable = ZaloUnavailable
    maybe_sent = ZaloMaybeSent

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        **options: Unpack[ClientOptions],
    ) -> None:
        super().__init__(**options)
        self._prefix = f"{base_url.rstrip('/')}/bot{token}/"

    # -- the API -----------------------------------------------------------------------------

    async def get_me(self) -> BotInfo:
        result = await self.call("getMe")
        return BotInfo(
            id=str(result.get("id", "")),
            account_name=str(result.get("account_name", "")),
            account_type=result.get("account_type"),
            can_join_groups=bool(result.get("can_join_groups", False)),
        )

    async def get_updates(self, wait: float = DEFAULT_POLL_TIMEOUT) -> ZaloUpdate | None:
        """Wait up to ``wait`` seconds for the next event (Zalo hands out one per call).

        None when the poll ended empty. Not retried here: the polling loop decides how long
        to wait before the next poll.
        """
        result = await self.call(
            "getUpdates",
            # The published parameter table types timeout as a string.
            {"timeout": str(round(wait))},
            seconds=wait + self.timeout,
            retry=NO_RETRY,
        )
        return parse_update(result)

    async def set_webhook(self, url: str, secret_token: str) -> WebhookInfo:
        return self._webhook_info(
            await self.call("setWebhook", {"url": url, "secret_token": secret_token})
        )

    async def delete_webhook(self) -> WebhookInfo:
        return self._webhook_info(await self.call("deleteWebhook"))

    async def get_webhook_info(self) -> WebhookInfo:
        return self._webhook_info(await self.call("getWebhookInfo"))

    async def send_message(self, chat_id: str, text: str) -> list[SentMessage]:
        """Send ``text``, in several messages when it is longer than Zalo allows."""
        sent = []
        for part in split_text(text, MAX_TEXT_LENGTH):
            result = await self.call("sendMessage", {"chat_id": chat_id, "text": part})
            sent.append(self._sent(result))
        return sent

    async def send_photo(self, chat_id: str, photo: str, caption: str | None = None) -> SentMessage:
        """Send the picture at URL ``photo``; a caption over the limit is cut, not split."""
        body: dict[str, Any] = {"chat_id": chat_id, "photo": photo}
        if caption:
            body["caption"] = caption[:MAX_TEXT_LENGTH]
        return self._sent(await self.call("sendPhoto", body, seconds=PHOTO_TIMEOUT))

    async def send_sticker(self, chat_id: str, sticker: str) -> SentMessage:
        return self._sent(await self.call("sendSticker", {"chat_id": chat_id, "sticker": sticker}))

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    # -- transport ---------------------------------------------------------------------------

    async def call(
        self,
        method: str,
        body: dict[str, Any] | None = None,
        *,
        seconds: float | None = None,
        retry: RetryPolicy | None = None,
    ) -> Any:
        """POST ``method`` and return its ``result``.

        Raises ZaloApiError (refused for good), ZaloTokenRejected (401), ZaloQuotaExceeded
        (429, not retried here: it names no wait), ZaloMaybeSent (a send that timed out after
        it went out, never sent again blindly) or ZaloUnavailable (network errors, 5xx, 403 and
        408 still failing after the retries). ``seconds`` overrides the client's timeout (a
        long poll and sendPhoto need more), ``retry`` its retry policy.
        """
        return await self.request(
            "POST",
            self._prefix + method,
            where=method,
            is_send=method in SENDS,
            retry=retry,
            seconds=seconds,
            json=body or {},
        )

    def answer(self, where: str, response: httpx.Response, payload: Any) -> Any:
        """The ``result``; None for an empty poll; TryAgain for 5xx, 403 and 408."""
        code = _error_code(response.status_code, payload)
        if code == EMPTY_POLL_ERROR_CODE and where == "getUpdates":
            return None
        if code == QUOTA_EXCEEDED:
            raise ZaloQuotaExceeded(f"Zalo {where}: quota exceeded")
        if code == TOKEN_REJECTED:
            raise ZaloTokenRejected(f"Zalo {where}: the bot token was refused")
        if response.status_code >= 500 or code in PASSING_ERROR_CODES:
            raise TryAgain(f"HTTP {response.status_code}" if code is None else f"error {code}")
        return _result(where, response.status_code, payload)

    @staticmethod
    def _webhook_info(result: Any) -> WebhookInfo:
        result = result if isinstance(result, dict) else {}
        updated = result.get("updated_at")
        return WebhookInfo(
            str(result.get("url") or ""), updated if isinstance(updated, int) else None
        )

    @staticmethod
    def _sent(result: Any) -> SentMessage:
        result = result if isinstance(result, dict) else {}
        date = result.get("date")
        return SentMessage(
            str(result.get("message_id", "")), date if isinstance(date, int) else None
        )


def _error_code(status: int, payload: Any) -> int | None:
    """The error an answer reports (its ``error_code``, else a 4xx/5xx status), or None."""
    if isinstance(payload, dict) and payload.get("ok") is False:
        code = payload.get("error_code")
        return code if isinstance(code, int) else status
    return status if status >= 400 else None


def _result(method: str, status: int, payload: Any) -> Any:
    """The ``result`` of an answer that is not worth retrying, or the error it reports."""
    if not isinstance(payload, dict):
        raise ZaloApiError(status, f"{method}: the answer is not a JSON object")
    if "ok" not in payload and "message" in payload:
        return payload  # a bare update from getUpdates
    if payload.get("ok") is True:
        return payload.get("result")
    code = payload.get("error_code")
    description = payload.get("description") or payload.get("message") or "no description"
    raise ZaloApiError(code if isinstance(code, int) else status, str(description))
