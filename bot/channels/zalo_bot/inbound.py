"""Zalo updates turned into the engine's transport-neutral ``Inbound`` messages."""

from __future__ import annotations

from dataclasses import replace

from bot.channels.zalo_bot.updates import (
    IMAGE_RECEIVED,
    STICKER_RECEIVED,
    TEXT_RECEIVED,
    VOICE_RECEIVED,
    ZaloUpdate,
)
from conversations.replies import Inbound, MediaItem

CHANNEL = "zalo"


def to_inbound(update: ZaloUpdate) -> Inbound:
    """What the user said: text, a photo (its URL, with its caption), a
    voice message (its URL), or the kind of message we cannot read."""
    message = update.message
    base = Inbound(
        CHANNEL,
        chat_id=message.chat_id,
        user_id=message.user_id,
        display_name=message.display_name,
        update_key=update.delivery_key,
    )
    event = update.event_name
    if event == TEXT_RECEIVED:
        return _with(base, text=message.text or "")
    if event == IMAGE_RECEIVED and message.photo:
        # The caption is the user's words about the photo: kept with it, never read as a
        # command or an answer of its own.
        return _with(base, media=MediaItem("photo", message.photo, caption=message.caption or None))
    if event == STICKER_RECEIVED:
        return _with(base, unsupported="sticker")
    if event == VOICE_RECEIVED and message.voice:
        return _with(base, media=MediaItem("voice", message.voice))
    return _with(base, unsupported=_kind(event))


def _with(base: Inbound, **fields: object) -> Inbound:
    return replace(base, **fields)  # type: ignore[arg-type]


def _kind(event_name: str) -> str:
    """``message.video.received`` -> ``video``: a short name of what was sent."""
    kind = event_name.removeprefix("message.").removesuffix(".received")
    return kind if kind and kind != event_name else "unsupported"
