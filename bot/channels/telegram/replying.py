"""Sending the engine's replies to one private chat, and tidying up keyboards on the way.

A reply keyboard (the "share my location" button) stays on the user's screen until a message
tells the app to remove it, so the first message after it carries ``ReplyKeyboardRemove``.
A message carries one keyboard only, and Telegram never lets a message sent with a reply
keyboard or its removal be edited into one with buttons: when the first message is itself a
question with an inline keyboard, a short language-neutral acknowledgement carries the removal.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from telegram import Bot, InputFile, ReplyKeyboardMarkup, ReplyKeyboardRemove
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.channels.telegram.buttons import ButtonCodec
from bot.channels.telegram.rendering import FILE_MARK, Outgoing, merge_texts, render
from conversations.i18n import N_, Catalogues
from conversations.replies import Reply

log = logging.getLogger(__name__)

# Keyboards already removed, remembered so that two taps on one keyboard edit it once only
# (a second edit would be refused by Telegram as "message is not modified").
_REMEMBERED_CLOSED = 4096

# Sent only to take a reply keyboard away when no other message can; an emoji reads the same
# in every language.
ANSWER_NOTED = "✅"

OnBlocked = Callable[[str], Awaitable[None]]


class ReplySender:
    """Sends replies in order to private chats; stops at 403 and reports the user as blocked."""

    def __init__(
        self, bot: Bot, codec: ButtonCodec, catalogues: Catalogues, on_blocked: OnBlocked
    ) -> None:
        self.bot = bot
        self.codec = codec
        self.catalogues = catalogues
        self.on_blocked = on_blocked
        self._reply_keyboard_shown: set[int] = set()
        self._closed: OrderedDict[tuple[int, int], None] = OrderedDict()

    async def send(self, chat_id: int, user_id: str, replies: list[Reply], locale: str) -> None:
        """Send ``replies``; on 403 tell ``on_blocked`` and send nothing more to this chat."""
        share_label = self.catalogues.text(locale, N_("telegram.share_location"))
        rendered = [item for reply in replies for item in render(reply, self.codec, share_label)]
        for outgoing in merge_texts(rendered):
            try:
                await self._send_one(chat_id, outgoing)
            except Forbidden:
                log.info("a telegram user blocked the bot; marking the identity inactive")
                self._reply_keyboard_shown.discard(chat_id)
                await self.on_blocked(user_id)
                return
            except TelegramError as error:
                # Retries already happened below us (retries.py); the rest would arrive
                # out of context, so this reply ends here.
                log.warning("sending a telegram reply failed: %s", type(error).__name__)
                return

    async def send_text(self, chat_id: int, text: str) -> None:
        """One plain message outside a conversation (e.g. to a group); failures are logged."""
        try:
            await self.bot.send_message(chat_id, text)
        except TelegramError as error:
            log.warning("sending a telegram notice failed: %s", type(error).__name__)

    async def show_typing(self, chat_id: int) -> None:
        """ "typing…" in the chat while a message is being worked on; a failure is harmless."""
        try:
            await self.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as error:
            log.debug("typing indicator failed: %s", type(error).__name__)

    async def close_question(self, chat_id: int, message_id: int) -> None:
        """Remove the inline keyboard of an answered question so it cannot be tapped again."""
        key = (chat_id, message_id)
        if key in self._closed:
            return
        self._closed[key] = None
        while len(self._closed) > _REMEMBERED_CLOSED:
            self._closed.popitem(last=False)
        try:
            await self.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
        except TelegramError as error:
            # Too old to edit, or deleted by the user: the engine still ignores stale taps.
            log.debug("removing an answered keyboard failed: %s", type(error).__name__)

    async def _send_one(self, chat_id: int, outgoing: Outgoing) -> None:
        if outgoing.document is not None:
            await self._send_document(chat_id, outgoing)
            return
        if outgoing.media is not None:
            await self._send_media(chat_id, outgoing)
            return
        markup = outgoing.markup
        if chat_id in self._reply_keyboard_shown and not isinstance(markup, ReplyKeyboardMarkup):
            if markup is None:
                await self.bot.send_message(
                    chat_id, outgoing.text, reply_markup=ReplyKeyboardRemove()
                )
                self._reply_keyboard_shown.discard(chat_id)
                return
            # The question needs its inline keyboard, so the removal travels on a short
            # acknowledgement of its own.
            await self.bot.send_message(chat_id, ANSWER_NOTED, reply_markup=ReplyKeyboardRemove())
            self._reply_keyboard_shown.discard(chat_id)
        await self.bot.send_message(chat_id, outgoing.text, reply_markup=markup)
        if isinstance(markup, ReplyKeyboardMarkup):
            self._reply_keyboard_shown.add(chat_id)

    async def _send_document(self, chat_id: int, outgoing: Outgoing) -> None:
        document = outgoing.document
        assert document is not None
        removal = ReplyKeyboardRemove() if chat_id in self._reply_keyboard_shown else None
        await self.bot.send_document(
            chat_id,
            InputFile(document.data, filename=document.filename),
            caption=outgoing.text or None,
            reply_markup=removal,
        )
        self._reply_keyboard_shown.discard(chat_id)

    async def _send_media(self, chat_id: int, outgoing: Outgoing) -> None:
        """A stored file again, by its file id (or a Zalo photo by its URL). A file Telegram
        no longer has, or a picture it cannot fetch, becomes a line saying so: the rest of the
        answer (the buttons under it, say) still goes out."""
        media = outgoing.media
        assert media is not None
        send = {
            "photo": self.bot.send_photo,
            "video": self.bot.send_video,
            "voice": self.bot.send_voice,
            "document": self.bot.send_document,
        }[media.kind]
        removal = ReplyKeyboardRemove() if chat_id in self._reply_keyboard_shown else None
        try:
            await send(chat_id, media.file_id, caption=outgoing.text or None, reply_markup=removal)
        except BadRequest as error:
            log.info("a stored %s could not be sent again: %s", media.kind, type(error).__name__)
            await self._send_one(chat_id, Outgoing(FILE_MARK + media.lost))
            return
        self._reply_keyboard_shown.discard(chat_id)
