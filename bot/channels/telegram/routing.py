"""What the bot does with each kind of Telegram update.

Private messages and button taps go through the channel's runtime (``bot.channels.runtime``):
the engine stores the replies with the new state, and the reply dispatcher sends each chat's
batches in order (``bot.reply_path``). The update is done once the commit is: a webhook is answered
without waiting for Telegram to take the replies. Groups get one polite pointer to the private
chat; a user who blocks the bot is marked so; a user who edits a message is told once that
edits are not read (the conversation stays where it was); channel posts and anything else are
ignored.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, ChatMemberUpdated, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.channels.runtime import ChannelRuntime
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
from bot.reply_path import Batch
from bot.reply_path.dispatcher import Prelude
from conversations.i18n import N_, Catalogues

log = logging.getLogger(__name__)


class UpdateRouter:
    """Handles every update the Application receives (one PTB ``TypeHandler`` calls it)."""

    def __init__(
        self,
        runtime: ChannelRuntime,
        catalogues: Catalogues,
        codec: ButtonCodec,
        sender: ReplySender,
    ) -> None:
        self.runtime = runtime
        self.processor = runtime.processor
        self.catalogues = catalogues
        self.codec = codec
        self.sender = sender
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
        await self.runtime.answer(inbound)

    async def _on_edited_message(self, message: Message) -> None:
        inbound = edited_inbound(message)
        if inbound is not None:
            await self.runtime.answer(inbound)

    async def _on_tap(self, query: CallbackQuery, update_key: str) -> None:
        message = query.message
        if message is not None and message.chat.type != ChatType.PRIVATE:
            await self._answer(query)  # we never put buttons in groups; just stop the spinner
            return
        inbound = tap_inbound(query, self.codec.decode(query.data), update_key)
        await self.runtime.answer(inbound, lambda batch: self._tap_prelude(query, batch))

    def _tap_prelude(self, query: CallbackQuery, batch: Batch) -> Prelude | None:
        if not batch.replies:
            # A repeated delivery already answered: its tap was answered the first time, and
            # Telegram refuses a second answer.
            return None

        async def stop_spinner_and_close() -> None:
            await self.sender.take_tap(query, batch, taken=not batch.stale_tap)

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
