"""Telegram updates as the engine's ``Inbound`` messages, and what kind of update each one is.

Only the kind of an update is ever logged (``message``, ``callback_query``): its text, the
sender's id and their phone number stay out of the logs.
"""

from __future__ import annotations

import datetime as dtm
import warnings
from dataclasses import replace

from telegram import CallbackQuery, Message, Update, User
from telegram.constants import ChatType, MessageAttachmentType, UpdateType
from telegram.warnings import PTBDeprecationWarning

from bot.channels.telegram.buttons import Tap
from conversations.replies import Inbound, Location, MediaItem, MediaKind

CHANNEL = "telegram"

# Attachments the tip flow stores, by the message attribute that holds them. A round video
# note and a live photo are videos; an audio file is a recording like a voice note.
MEDIA_ATTRIBUTES: tuple[tuple[str, MediaKind], ...] = (
    ("video", "video"),
    ("video_note", "video"),
    ("live_photo", "video"),
    ("voice", "voice"),
    ("audio", "voice"),
)
# Attachments that are answers in their own right (a location), or stored media.
_UNDERSTOOD = frozenset(
    {"photo", "document", "location", "venue", *(name for name, _ in MEDIA_ATTRIBUTES)}
)
# Telegram sends a GIF with both ``animation`` and ``document`` set: it is not a document.
_NOT_DOCUMENTS = frozenset({"animation"})


def update_kind(update: Update) -> str:
    """The name of the update's payload (``message``, ``callback_query`` ...) for logs."""
    for kind in UpdateType:
        if getattr(update, kind.value, None) is not None:
            return str(kind.value)
    return "unknown"


def telegram_locale(user: User | None) -> str:
    """The locale for messages sent outside a conversation, from the Telegram app's language."""
    code = (user.language_code or "") if user is not None else ""
    return "en" if code.lower().startswith("en") else "vi"


def is_private(message: Message) -> bool:
    return message.chat.type == ChatType.PRIVATE


def message_inbound(message: Message, update_key: str) -> Inbound | None:
    """What a user's message in a private chat says; None for service messages (a pin, a
    changed auto-delete timer ...) that are nobody's answer."""
    user = message.from_user
    if user is None:
        return None
    base = Inbound(
        CHANNEL,
        chat_id=str(message.chat.id),
        user_id=str(user.id),
        display_name=user.full_name,
        update_key=update_key,
        language=user.language_code,
        buttons=True,
    )
    if message.text is not None:
        return replace(base, text=message.text)
    point = message.location or (message.venue.location if message.venue else None)
    if point is not None:
        return replace(base, location=Location(point.latitude, point.longitude))
    media = media_of(message)
    if media is not None:
        # The caption is the user's words about the file: kept with it, never read as a
        # command or an answer of its own.
        return replace(base, media=replace(media, caption=message.caption or None))
    kind = unsupported_kind(message)
    if kind is not None:
        return replace(base, unsupported=kind)
    return None


def edited_inbound(message: Message) -> Inbound | None:
    """A user's edit of a message in a private chat, keyed by the message: however often it
    is edited (and however often Telegram delivers the edits), it is answered once. None for a
    live location moving on, which Telegram sends as edits too but nobody typed."""
    if message.location is not None:
        return None
    inbound = message_inbound(message, f"edited:{message.chat.id}:{message.message_id}")
    return None if inbound is None else replace(inbound, edited=True)


def tap_inbound(query: CallbackQuery, tap: Tap, update_key: str) -> Inbound:
    """A tapped inline button of the bot's question in the private chat with ``query.from_user``."""
    user = query.from_user
    chat_id = query.message.chat.id if query.message is not None else user.id
    return Inbound(
        CHANNEL,
        chat_id=str(chat_id),
        user_id=str(user.id),
        display_name=user.full_name,
        option=tap.option,
        option_ref=tap.ref,
        update_key=update_key,
        language=user.language_code,
        buttons=True,
    )


def media_of(message: Message) -> MediaItem | None:
    """The message's photo (largest size), video, voice note or document, as file ids."""
    if message.photo:
        largest = max(
            message.photo, key=lambda size: (size.width * size.height, size.file_size or 0)
        )
        return MediaItem(
            "photo",
            largest.file_id,
            file_unique_id=largest.file_unique_id,
            # Telegram re-encodes every photo it delivers as JPEG.
            mime_type="image/jpeg",
            size_bytes=largest.file_size,
        )
    for attribute, kind in MEDIA_ATTRIBUTES:
        item = getattr(message, attribute, None)
        if item is not None:
            return MediaItem(
                kind,
                item.file_id,
                file_unique_id=item.file_unique_id,
                mime_type=getattr(item, "mime_type", None),
                size_bytes=item.file_size,
                file_name=getattr(item, "file_name", None),
                duration_seconds=_seconds(item),
            )
    if message.document is not None and not any(message[name] for name in _NOT_DOCUMENTS):
        document = message.document
        return MediaItem(
            "document",
            document.file_id,
            file_unique_id=document.file_unique_id,
            mime_type=document.mime_type,
            size_bytes=document.file_size,
            file_name=document.file_name,
        )
    return None


def unsupported_kind(message: Message) -> str | None:
    """The kind of a user's content the bot cannot take (``sticker``, ``poll`` ...), if any."""
    for kind in MessageAttachmentType:
        name = str(kind.value)
        if name not in _UNDERSTOOD and message[name]:
            return name
    return None


def _seconds(item: object) -> int | None:
    # PTB 22 warns on reading a duration as int until PTB_TIMEDELTA is set; either form is read.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = getattr(item, "duration", None)
    if isinstance(value, dtm.timedelta):
        return int(value.total_seconds())
    return int(value) if value is not None else None
