"""Transport-neutral messages: what a user sent (Inbound) and what the bot answers (Reply).

Channels turn platform updates into an ``Inbound`` and render each ``Reply`` in their own way:
choices become an inline keyboard on Telegram and a numbered list on Zalo and the console.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

MediaKind = Literal["photo", "video", "voice", "document"]


@dataclass(frozen=True)
class Location:
    """A point the user shared from their phone's map."""

    latitude: float
    longitude: float


@dataclass(frozen=True)
class MediaItem:
    """A file the user sent; we keep the platform's file id and metadata, never the bytes."""

    kind: MediaKind
    file_id: str
    file_unique_id: str | None = None
    mime_type: str | None = None
    size_bytes: int | None = None
    file_name: str | None = None
    duration_seconds: int | None = None
    # The words the user sent with the file (a photo's caption): part of what they said
    # about it, never read as a command or an answer of its own.
    caption: str | None = None


@dataclass(frozen=True)
class Inbound:
    """One normalised message from any channel.

    Exactly one of ``text``, ``option``, ``location``, ``media`` or ``unsupported`` is usually set.
    ``option`` is the id of a tapped button and ``option_ref`` the question it belonged to, so a
    tap on an old keyboard cannot change an answer that was already given. ``update_key`` is the
    platform's id of the delivery (Telegram update id, Zalo message id): a delivery seen before
    is not processed again. ``language`` is the language the user's app is set to, where the
    platform tells (Telegram's ``language_code``): a new member is answered in it when the bot
    speaks it, instead of being asked first. ``edited`` marks a message the user changed after
    sending it (Telegram): it is not read again, only answered once that it was not.
    ``buttons`` says that the channel shows a question's options as buttons without numbers,
    which stay under a question answered by typing (Telegram): a wrong answer is explained
    without numbers and the question is not sent again under it.
    """

    channel: str
    chat_id: str
    user_id: str
    display_name: str | None = None
    text: str | None = None
    option: str | None = None
    option_ref: str | None = None
    location: Location | None = None
    media: MediaItem | None = None
    unsupported: str | None = None
    update_key: str | None = None
    language: str | None = None
    edited: bool = False
    buttons: bool = False


@dataclass(frozen=True)
class Option:
    """One answer offered to the user; ``label`` is already translated."""

    id: str
    label: str


@dataclass(frozen=True)
class Text:
    """Plain text."""

    text: str


@dataclass(frozen=True)
class Choices:
    """A question with options; ``ref`` names the question so stale taps can be recognised.

    ``allow_text`` tells channels that typed answers are welcome too (e.g. a date or a code).
    Channels that number the options start at ``numbered_from``: a menu offers a pending
    draft as 0, above its items, so that the items keep their numbers.
    """

    text: str
    options: tuple[Option, ...]
    ref: str
    allow_text: bool = False
    numbered_from: int = 1


@dataclass(frozen=True)
class AskLocation:
    """A question answered by sharing a location, by typing an address, or by an option."""

    text: str
    options: tuple[Option, ...] = field(default_factory=tuple)
    ref: str = ""


@dataclass(frozen=True)
class Document:
    """A file made for the user (an export); ``text`` is its caption. Channels that cannot
    send files show the caption only."""

    text: str
    filename: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Media:
    """A stored file forwarded to the user (a tip's photo, say), by the id its platform gave it.

    ``channel`` is where the file came from: a Telegram file id can be re-sent by our Telegram
    bot only, a Zalo photo is a URL any platform can fetch. ``text`` is the caption;
    ``elsewhere`` is the line a channel shows when it cannot show a file of ``channel``, and
    ``lost`` the line shown when the platform refuses the file (expired, deleted).
    """

    kind: MediaKind
    file_id: str
    channel: str
    text: str
    elsewhere: str
    lost: str


Reply = Text | Choices | AskLocation | Document | Media


# C0 controls except tab and line feed, DEL and the C1 block: nothing a person types, and
# PostgreSQL refuses NUL in text outright (a draft holding one could never be stored).
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Invisible characters that copying from a web page or a keyboard app leaves in a word, so that
# "ma\u200btuy" would match nothing: soft hyphen, zero-width (non-)joiners, word joiner, the
# byte-order mark, and direction marks and embeddings. A joiner between two emoji builds one
# picture (a family) and is kept.
_INVISIBLE = re.compile(
    "[\u00ad\u200c\u200e\u200f\u2060\ufeff\u202a-\u202e\u2066-\u2069]"
    "|\u200d(?=[\\w\\s]|$)|(?:^|(?<=[\\w\\s]))\u200d"
)
# A zero-width space stands between two words: it becomes a space there, and nothing elsewhere.
_ZERO_WIDTH_SPACE_BETWEEN_WORDS = re.compile("(?<=\\S)\u200b+(?=\\S)")


def _printable(value: str | None) -> str | None:
    if value is None:
        return value
    cleaned = _CONTROL_CHARACTERS.sub("", value)
    cleaned = _INVISIBLE.sub("", cleaned)
    return _ZERO_WIDTH_SPACE_BETWEEN_WORDS.sub(" ", cleaned).replace("\u200b", "")


def printable(message: Inbound) -> Inbound:
    """``message`` without control and invisible characters in what the user wrote (text,
    name, file name, caption): what is matched and stored is what the person sees."""
    text, name = _printable(message.text), _printable(message.display_name)
    media = message.media
    if media is not None:
        file_name, caption = _printable(media.file_name), _printable(media.caption)
        if (file_name, caption) != (media.file_name, media.caption):
            media = replace(media, file_name=file_name, caption=caption or None)
    if (text, name, media) == (message.text, message.display_name, message.media):
        return message
    return replace(message, text=text, display_name=name, media=media)
