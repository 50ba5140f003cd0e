"""What the bot does with each kind of Telegram update.

Private messages and button taps go through the engine, which stores the replies with the new
state; the chat's batch is then handed to the reply dispatcher, which sends each chat's batches
in order (``bot.reply_path``). The update is done once the commit is: a webhook is answered
without waiting for Telegram to take the replies. Groups get one polite pointer to the private
chat; a user who blocks the bot is marked so; a user who edits a message is told once that
edits are not read (the conversation stays where it was); channel posts and anything else are
ignored.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import CallbackQuery, ChatMemberUpdated, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.channels.telegram.buttons import ButtonCodec
from bot.channels.telegram.replying import ReplySender
from bot.channels.telegram.updates import (
    CHANNEL,
    edited_inbound,
    is_private,
    message_inbound,
    tap_inbound,
    telegram_locale,
    update_kind,
)
from bot.locks import KeyedLocks
from bot.processor import MessageProcessor
from bot.reply_path import Batch
from bot.reply_path.dispatcher import ReplyDispatcher
from conversations.i18n import N_, Catalogues
from conversations.replies import Inbound

log = logging.getLogger(__name__)


# Seconds an answer may take before the chat shows "typing…": a blink is not worth a request
# (under load it would add one to every answer, when requests are what is short).
DEFAULT_TYPING_AFTER = 1.0
# With more answers than this under way at once, a slow answer is slow because the bot is busy:
# "typing…" would add a request to each of them just when requests are what is short.
TYPING_WHEN_AT_MOST = 8


class UpdateRouter:
    """Handles every update the Application receives (one PTB ``TypeHandler`` calls it)."""

    def __init__(
        self,
        processor: MessageProcessor,
        catalogues: Catalogues,
        codec: ButtonCodec,
        sender: ReplySender,
        replies: ReplyDispatcher,
        *,
        typing_after: float = DEFAULT_TYPING_AFTER,
    ) -> None:
        self.processor = processor
        self.replies = replies
        self.typing_after = typing_after
        self.catalogues = catalogues
        self.codec = codec
        self.sender = sender
        self.chats = KeyedLocks()
        self._working = 0  # answers being worked on
        # Groups told once (per process) that the bot works in private chats only.
        self._groups_told: set[int] = set()

    async def handle(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        update_key = str(update.update_id)
        if update.callback_query is not None:
            await self._on_tap(update.callback_query, update_key)
        elif update.message is not None:
            if is_private(update.message):
                await self._on_private_message(update.message, update_key)
            else:
                await self._on_group_message(update.message)
        elif update.edited_message is not None:
            if is_private(update.edited_message):
                await self._on_edited_message(update.edited_message)
        elif update.my_chat_member is not None:
            await self._on_membership(update.my_chat_member)
        else:
            log.debug("ignoring a telegram %s update", update_kind(update))

    async def _on_private_message(self, message: Message, update_key: str) -> None:
        inbound = message_inbound(message, update_key)
        if inbound is None:
            log.debug("ignoring a telegram service message")
            return
        await self._converse(message.chat.id, inbound)

    async def _on_edited_message(self, message: Message) -> None:
        inbound = edited_inbound(message)
        if inbound is not None:
            await self._converse(message.chat.id, inbound)

    async def _on_tap(self, query: CallbackQuery, update_key: str) -> None:
        message = query.message
        if message is not None and message.chat.type != ChatType.PRIVATE:
            await self._answer(query)  # we never put buttons in groups; just stop the spinner
            return
        inbound = tap_inbound(query, self.codec.decode(query.data), update_key)
        chat_id = message.chat.id if message is not None else query.from_user.id
        await self._converse(chat_id, inbound, query)

    async def _converse(
        self, chat_id: int, inbound: Inbound, query: CallbackQuery | None = None
    ) -> None:
        async with self.chats.hold(chat_id):
            working = asyncio.ensure_future(self.processor.process(inbound))
            self._working += 1
            try:
                # "typing…" only when the answer is not ready at once (most take milliseconds)
                # and the bot is not busy: each request counts against its limits at Telegram.
                done, _ = await asyncio.wait({working}, timeout=self.typing_after)
                if not done and self._working <= TYPING_WHEN_AT_MOST:
                    await self.sender.show_typing(chat_id)
                batch = await working
            finally:
                self._working -= 1
            # Submitted under the chat's lock, so batches queue in the order of the messages.
            # Nothing to send means a repeated delivery already answered: its tap was answered
            # the first time, and Telegram refuses a second answer.
            prelude = self._tap_prelude(query, batch) if query and batch.replies else None
            self.replies.submit(batch, prelude)

    def _tap_prelude(self, query: CallbackQuery, batch: Batch) -> Callable[[], Awaitable[None]]:
        async def stop_spinner_and_close() -> None:
            await self._answer(query)
            await self.sender.close_question(query, batch.locale, taken=not batch.stale_tap)

        return stop_spinner_and_close

    async def _answer(self, query: CallbackQuery) -> None:
        try:
            await query.answer()
        except TelegramError as error:
            log.debug("answering a callback query failed: %s", type(error).__name__)

    async def _on_group_message(self, message: Message) -> None:
        chat_id = message.chat.id
        if message.chat.type == ChatType.CHANNEL or chat_id in self._groups_told:
            return
        self._groups_told.add(chat_id)
        text = self.catalogues.text(
            telegram_locale(message.from_user),
            N_("telegram.private_only"),
            link=f"https://t.me/{message.get_bot().username}",
        )
        await self.sender.send_text(chat_id, text)

    async def _on_membership(self, change: ChatMemberUpdated) -> None:
        if change.chat.type != ChatType.PRIVATE:
            return
        if change.new_chat_member.status == ChatMemberStatus.BANNED:
            log.info("a telegram user blocked the bot; marking the identity inactive")
            await self.processor.mark_blocked(CHANNEL, str(change.from_user.id))
