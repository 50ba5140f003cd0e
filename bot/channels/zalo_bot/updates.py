"""Zalo updates as typed values: what getUpdates returns and what the webhook receives.

An update is ``{"event_name": ..., "message": {...}}``. A webhook body is always wrapped in an
``{"ok": true, "result": ...}`` envelope; getUpdates has been seen answering both shapes, so
both are accepted. A photo is ``photo_url`` (older samples: ``photo``) with a ``caption``; anything
without a usable message is treated as "nothing happened" rather than as an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TEXT_RECEIVED = "message.text.received"
IMAGE_RECEIVED = "message.image.received"
STICKER_RECEIVED = "message.sticker.received"
UNSUPPORTED_RECEIVED = "message.unsupported.received"
VOICE_RECEIVED = "message.voice.received"  # in the newer docs, with ``voice_url``

PRIVATE_CHAT = "PRIVATE"
GROUP_CHAT = "GROUP"


@dataclass(frozen=True)
class ZaloMessage:
    """One message a user sent to the bot. Ids are opaque strings (hex on the real platform)."""

    message_id: str
    chat_id: str
    chat_type: str
    user_id: str
    display_name: str | None = None
    date_ms: int | None = None
    text: str | None = None
    photo: str | None = None
    caption: str | None = None  # the user's words about the photo
    voice: str | None = None  # the recording's URL
    is_bot: bool = False


@dataclass(frozen=True)
class ZaloUpdate:
    """One event delivered by getUpdates or the webhook."""

    event_name: str
    message: ZaloMessage

    @property
    def delivery_key(self) -> str:
        """Identifies the delivery for de-duplication: PLATFORMS.md says (event_name, id)."""
        return f"{self.message.message_id}:{self.event_name}"


def unwrap(payload: Any) -> Any:
    """The update inside an ``{"ok": ..., "result": ...}`` envelope, or ``payload`` itself."""
    if isinstance(payload, dict) and "result" in payload and "message" not in payload:
        return payload["result"]
    return payload


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def parse_update(payload: Any) -> ZaloUpdate | None:
    """The update in ``payload`` (bare or in an envelope), or None when there is none."""
    payload = unwrap(payload)
    if not isinstance(payload, dict):
        return None
    message = payload.get("message")
    if not isinstance(message, dict):
        return None
    chat = message.get("chat")
    sender = message.get("from")
    if not isinstance(chat, dict) or not isinstance(sender, dict):
        return None
    message_id, chat_id, user_id = message.get("message_id"), chat.get("id"), sender.get("id")
    if message_id in (None, "") or chat_id in (None, "") or user_id in (None, ""):
        return None
    date = message.get("date")
    return ZaloUpdate(
        event_name=str(payload.get("event_name") or _guess_event(message)),
        message=ZaloMessage(
            message_id=str(message_id),
            chat_id=str(chat_id),
            chat_type=str(chat.get("chat_type") or PRIVATE_CHAT).upper(),
            user_id=str(user_id),
            display_name=_optional_str(sender.get("display_name") or sender.get("first_name")),
            date_ms=int(date) if isinstance(date, int | float) else None,
            text=_optional_str(message.get("text")),
            photo=_optional_str(message.get("photo") or message.get("photo_url")),
            caption=_optional_str(message.get("caption")),
            voice=_optional_str(message.get("voice_url") or message.get("voice")),
            is_bot=bool(sender.get("is_bot", False)),
        ),
    )


def _guess_event(message: dict[str, Any]) -> str:
    """The event of a message that came without ``event_name`` (the documented sample of
    getUpdates has none), judged by the fields it carries."""
    if message.get("photo") or message.get("photo_url"):
        return IMAGE_RECEIVED
    if message.get("sticker"):
        return STICKER_RECEIVED
    if message.get("text") is not None:
        return TEXT_RECEIVED
    return UNSUPPORTED_RECEIVED
