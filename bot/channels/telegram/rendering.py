"""How transport-neutral replies look on Telegram: texts within limits and keyboards.

Choices become an inline keyboard under the question; a location question becomes a reply
keyboard with a "share my location" button (plus the question's options as buttons, whose
labels the engine understands when they come back as text). A forwarded file goes by its
Telegram file id, or a Zalo photo by its URL; anything else becomes a line saying where to see
it. Nothing here talks to the network.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.channels import texts
from bot.channels.telegram.buttons import ButtonCodec
from bot.channels.texts import FILE_MARK
from conversations.replies import AskLocation, Choices, Document, Media, Option, Reply

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
# Labels up to this length sit two or three to a row; longer ones get a row each so that
# Telegram does not cut them off.
SHORT_LABEL = 16

# Telegram needs some text under a keyboard; used only if the engine ever sends none.
KEYBOARD_ONLY_TEXT = "⬇️"

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup

TELEGRAM = "telegram"
ZALO = "zalo"
ZALO_OA = "zalo_oa"


@dataclass(frozen=True)
class Outgoing:
    """One Telegram message to send: its text and the keyboard it carries, if any."""

    text: str
    markup: Markup | None = None
    document: Document | None = None  # sent as a file, ``text`` as its caption
    media: Media | None = None  # a stored file sent again by its id or URL, ``text`` its caption


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units), never less than ``len(text)``."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT_LENGTH) -> list[str]:
    """``text`` in pieces Telegram takes (``bot.channels.texts.split_text``, its length counted
    as Telegram does)."""
    return texts.split_text(text, limit, length=telegram_length)


def _rows(
    buttons: list[InlineKeyboardButton], labels: list[str]
) -> list[list[InlineKeyboardButton]]:
    if not all(len(label) <= SHORT_LABEL for label in labels):
        return [[button] for button in buttons]
    per_row = 3 if len(buttons) == 3 else 2
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def inline_keyboard(
    options: tuple[Option, ...], ref: str, codec: ButtonCodec
) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(option.label, callback_data=codec.encode(ref, option.id))
        for option in options
    ]
    return InlineKeyboardMarkup(_rows(buttons, [option.label for option in options]))


def location_keyboard(options: tuple[Option, ...], share_label: str) -> ReplyKeyboardMarkup:
    rows = [[KeyboardButton(share_label, request_location=True)]]
    rows += [[KeyboardButton(option.label)] for option in options]
    # one_time: the keyboard folds away once a button is used; the next message removes it.
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)


def caption(text: str) -> str:
    """``text`` cut to what Telegram accepts under a file."""
    if telegram_length(text) > MAX_CAPTION_LENGTH:
        return split_text(text, MAX_CAPTION_LENGTH)[0]
    return text


def sendable(media: Media) -> bool:
    """Can our bot send this file to a Telegram chat? A Telegram file id, which only the bot
    that received it can use, or a Zalo photo (Bot Platform or OA), which is a URL Telegram
    fetches itself."""
    return media.channel == TELEGRAM or (media.channel in (ZALO, ZALO_OA) and media.kind == "photo")


def render(reply: Reply, codec: ButtonCodec, share_label: str) -> list[Outgoing]:
    """The messages that show ``reply``; a keyboard goes with the last piece of the text."""
    if isinstance(reply, Document):
        return [Outgoing(caption(reply.text), document=reply)]
    if isinstance(reply, Media):
        if sendable(reply):
            return [Outgoing(caption(reply.text), media=reply)]
        return [Outgoing(piece) for piece in split_text(FILE_MARK + reply.elsewhere)]
    markup: Markup | None = None
    if isinstance(reply, Choices) and reply.options:
        markup = inline_keyboard(reply.options, reply.ref, codec)
    elif isinstance(reply, AskLocation):
        markup = location_keyboard(reply.options, share_label)
    pieces = split_text(reply.text)
    if not pieces:
        if markup is None:
            return []
        pieces = [KEYBOARD_ONLY_TEXT]
    messages = [Outgoing(piece) for piece in pieces[:-1]]
    messages.append(Outgoing(pieces[-1], markup))
    return messages


def merge_texts(outgoing: list[Outgoing], *, removal_pending: bool = False) -> list[Outgoing]:
    """Plain texts joined to the message that follows them, as long as one message can hold
    both: "Đã nhận" and the next question arrive as one message, one request instead of two
    (fewer requests against the ~30 a second, and a tidier chat on a small screen).

    With ``removal_pending`` (a reply keyboard shows), the first plain text is not joined to a
    question with buttons: it goes on its own and takes the reply keyboard away, which the
    question's buttons cannot."""
    merged: list[Outgoing] = []
    for item in outgoing:
        last = merged[-1] if merged else None
        keep_apart = removal_pending and isinstance(item.markup, InlineKeyboardMarkup)
        if keep_apart and last is not None and last.markup is None:
            removal_pending = False  # that text, sent alone, carries the removal
        if (
            not keep_apart
            and last is not None
            and last.markup is None
            and last.document is None
            and last.media is None
            and item.document is None
            and item.media is None
            and telegram_length(last.text) + 2 + telegram_length(item.text) <= MAX_TEXT_LENGTH
        ):
            merged[-1] = Outgoing(f"{last.text}\n\n{item.text}", item.markup)
        else:
            merged.append(item)
    return merged
