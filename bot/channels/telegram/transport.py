"""The outbox's way to Telegram: python-telegram-bot's ``Bot.send_message``, with Telegram's
errors told as the ``bot.delivery.errors`` tree.

Give it a plain ``telegram.Bot`` (no ``AIORateLimiter``, as ``open_transport`` does): the sender
keeps to the rate itself and wants to see a 429 rather than have the library sleep on it while
the row's lease runs. Its own connection, too, so that stopping the channel never pulls one from
under a send.
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.channels.telegram.buttons import ButtonCodec
from bot.channels.telegram.rendering import split_text
from bot.delivery.errors import (
    PermanentFailure,
    RateLimited,
    RecipientBlocked,
    TemporaryFailure,
)
from bot.delivery.transports import Close
from bot.settings import Settings
from conversations.commands import COMMAND_TAP


def _chat(chat_id: str) -> int | str:
    # Private chats and groups have numeric ids; a public channel may be "@name".
    return int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id


def _seconds(error: RetryAfter) -> float:
    # PTB 22 warns that the int becomes a timedelta one day; both are handled here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        retry_after = error.retry_after
    if isinstance(retry_after, timedelta):
        return retry_after.total_seconds()
    return float(retry_after)


# Telegram's limit on a photo's caption; a longer text follows the photo as messages.
MAX_CAPTION = 1024


class TelegramTransport:
    """Sends outbox texts through a ``telegram.Bot``; long texts go in several messages."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send_text(self, chat_id: str, text: str) -> None:
        for part in split_text(text):
            await self._send_one(_chat(chat_id), part)

    async def send_photo(self, chat_id: str, file_id: str, text: str) -> None:
        """The photo with the text as its caption when it fits; else the photo, then the text."""
        chat = _chat(chat_id)
        if len(text) <= MAX_CAPTION:
            await self._call(self.bot.send_photo(chat, file_id, caption=text))
            return
        await self._call(self.bot.send_photo(chat, file_id))
        await self.send_text(chat_id, text)

    async def send_buttons(self, chat_id: str, text: str, buttons: list[tuple[str, str]]) -> None:
        """The text with a button a row for each (label, command): a tap sends the command
        (callback data ``1|cmd|/traloi MÃ``, readable in any process, after any restart)."""
        codec = ButtonCodec()
        markup = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(label, callback_data=codec.encode(COMMAND_TAP, command))]
                for label, command in buttons
            ]
        )
        *first, last = split_text(text) or [text]
        chat = _chat(chat_id)
        for part in first:
            await self._send_one(chat, part)
        await self._call(self.bot.send_message(chat, last, reply_markup=markup))

    async def _send_one(self, chat: int | str, text: str) -> None:
        await self._call(self.bot.send_message(chat, text))

    async def _call(self, request: Awaitable[object]) -> None:
        try:
            await request
        except Forbidden as error:
            raise RecipientBlocked(type(error).__name__) from error
        except RetryAfter as error:
            raise RateLimited(type(error).__name__, _seconds(error)) from error
        except (BadRequest, ChatMigrated) as error:
            # Asking again would get the same answer (chat not found, text refused).
            raise PermanentFailure(type(error).__name__) from error
        except InvalidToken as error:
            # An operator's mistake: keep the message until the token is fixed.
            raise TemporaryFailure(type(error).__name__) from error
        except (NetworkError, TelegramError) as error:
            raise TemporaryFailure(type(error).__name__) from error


async def open_transport(
    settings: Settings, max_connections: int
) -> tuple[TelegramTransport, Close]:
    """A transport on its own ``telegram.Bot`` with ``max_connections``, and how to close it."""
    token = settings.telegram_token
    assert token is not None
    bot = Bot(
        token.get_secret_value(),
        base_url=settings.telegram_base_url,
        request=HTTPXRequest(connection_pool_size=max_connections),
    )
    await bot.initialize()
    return TelegramTransport(bot), bot.shutdown
