"""Zalo updates turned into the engine's transport-neutral ``Inbound`` messages."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace

from bot.channels.zalo.updates import (
    IMAGE_RECEIVED,
    STICKER_RECEIVED,
    TEXT_RECEIVED,
    VOICE_RECEIVED,
    ZaloUpdate,
)
from conversations.replies import Inbound, MediaItem

log = logging.getLogger(__name__)

CHANNEL = "zalo"
# The attachments table keeps file ids of up to 256 characters; Zalo sends a photo as a URL,
# which could be longer. Such a URL is kept as a digest so the tip is still stored.
MAX_FILE_ID_LENGTH = 256


def to_inbound(update: ZaloUpdate) -> Inbound:
    """What the user said: text, a photo (its URL), or the kind of message we cannot read."""
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
        return _with(base, media=MediaItem("photo", _file_id(message.photo)))
    if event == STICKER_RECEIVED:
        return _with(base, unsupported="sticker")
    if event == VOICE_RECEIVED:
        return _with(base, unsupported="voice")
    return _with(base, unsupported=_kind(event))


def _with(base: Inbound, **fields: object) -> Inbound:
    return replace(base, **fields)  # type: ignore[arg-type]


def _file_id(photo_url: str) -> str:
    if len(photo_url) <= MAX_FILE_ID_LENGTH:
        return photo_url
    log.warning(
        "a zalo photo URL is longer than %d characters; kept as a digest", MAX_FILE_ID_LENGTH
    )
    return "zalo-url-sha256:" + hashlib.sha256(photo_url.encode()).hexdigest()


def _kind(event_name: str) -> str:
    """``message.video.received`` -> ``video``: a short name of what was sent."""
    kind = event_name.removeprefix("message.").removesuffix(".received")
    return kind if kind and kind != event_name else "unsupported"
