"""Sending stored reply batches to one private chat, with as few requests as the chat allows.

A reply keyboard (the "share my location" button) stays on the user's screen until a message
tells the app to remove it. A message carries one keyboard only, and Telegram never lets a
message sent with a reply keyboard or its removal be edited into one with buttons; so the
removal travels on the next message that has no buttons of its own (never on a message of its
own). Whether a batch owes that removal is decided when the batch is stored, by
``keyboard_after`` (the channel's ``bot.reply_path.ScreenRule``), in the processor's
transaction: the sender only follows ``Batch.removal_owed`` and remembers nothing.

A tapped question is edited in place to show what was chosen, which also takes its buttons
away. When the answer's first message is a plain text or a question with buttons (what an
edit can carry), that one edit may carry it too (``merge_taps``), under the chosen answer: the
person sees the same words and buttons, in one message, for one request less. The tap's
spinner is stopped by an answerCallbackQuery sent at the same moment as the edit
(``take_tap``). A question answered by typing keeps its buttons: taking them away would cost
one more request on every typed answer, and a late tap on them is harmless (the engine
recognises a stale button and asks the current question again; that tap then takes the old
buttons away).
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import warnings
from collections import OrderedDict
from dataclasses import dataclass

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.channels.telegram.buttons import ButtonCodec
from bot.channels.telegram.rendering import (
    FILE_MARK,
    MAX_TEXT_LENGTH,
    Outgoing,
    merge_texts,
    render,
    telegram_length,
)
from bot.reply_path import Batch
from bot.reply_path.dispatcher import Progress, SendResult, Sent, send_parts
from conversations.i18n import N_, Catalogues
from conversations.replies import Reply

log = logging.getLogger(__name__)

# Questions already closed, so that two taps on one keyboard edit it once only (a second
# edit would be refused as "message is not modified").
_REMEMBERED_CLOSED = 4096


@dataclass(frozen=True)
class _Tap:
    """A tapped question whose closing edit carries the answer's first message."""

    query: CallbackQuery
    message: Message
    closed_text: str  # the question with the chosen answer under it


class ReplySender:
    """Sends batches in order to private chats (``bot.reply_path.dispatcher.BatchSender``)."""

    def __init__(
        self, bot: Bot, codec: ButtonCodec, catalogues: Catalogues, *, merge_taps: bool = False
    ) -> None:
        self.bot = bot
        # Whether a tap's answer may ride on the question's closing edit (off until the
        # benchmarks' simulated people read an edited question as the next one).
        self.merge_taps = merge_taps
        self.codec = codec
        self.catalogues = catalogues
        self._closed: OrderedDict[tuple[int, int], None] = OrderedDict()
        # Stored batches (chat, batch id) whose first message goes as the tap's edit.
        self._taps: dict[tuple[str, int], _Tap] = {}

    async def take_tap(self, query: CallbackQuery, batch: Batch, *, taken: bool) -> None:
        """Just before ``batch`` (the answer to a tap on ``query``) goes: stop the spinner and
        close the question. When the question's closing edit can carry the batch's first
        message, it is left to ``send_batch`` to send both as one edit (with the spinner's
        answer at the same moment); else both go now, at once."""
        tap = self._mergeable(query, batch) if taken and self.merge_taps else None
        if tap is not None and batch.id is not None:
            self._taps[(batch.chat_id, batch.id)] = tap
            return
        await asyncio.gather(
            answer_quietly(query), self.close_question(query, batch.locale, taken=taken)
        )

    def _mergeable(self, query: CallbackQuery, batch: Batch) -> _Tap | None:
        message = query.message
        if not isinstance(message, Message) or not message.text or batch.removal_owed:
            return None
        key = (message.chat.id, message.message_id)
        label = _tapped_label(message, query.data)
        parts = self.outgoing(batch)
        if key in self._closed or label is None or batch.parts_sent or not parts:
            return None
        first = parts[0]
        if first.document is not None or first.media is not None:
            return None
        if first.markup is not None and not isinstance(first.markup, InlineKeyboardMarkup):
            return None
        chosen = self.catalogues.text(batch.locale, N_("telegram.chosen"), answer=label)
        closed = _with_answer(message.text, chosen)
        if telegram_length(closed) + 2 + telegram_length(first.text) > MAX_TEXT_LENGTH:
            return None
        self._remember_closed(key)
        return _Tap(query, message, closed)

    def _remember_closed(self, key: tuple[int, int]) -> None:
        self._closed[key] = None
        while len(self._closed) > _REMEMBERED_CLOSED:
            self._closed.popitem(last=False)

    def outgoing(self, batch: Batch) -> list[Outgoing]:
        """The platform messages that show the batch, in order. The same batch always gives
        the same messages (a batch cut off half way resumes by their count)."""
        return self._outgoing(batch.replies, batch.locale, batch.removal_owed)

    def _outgoing(
        self, replies: tuple[Reply, ...], locale: str | None, removal_owed: bool
    ) -> list[Outgoing]:
        share_label = self.catalogues.text(locale, N_("telegram.share_location"))
        rendered = [item for reply in replies for item in render(reply, self.codec, share_label)]
        return merge_texts(rendered, removal_pending=removal_owed)

    def keyboard_after(self, shown: bool, replies: tuple[Reply, ...]) -> bool:
        """Whether the chat shows a reply keyboard once ``replies`` went, given whether it
        showed one before (``bot.reply_path.ScreenRule``): the very messages the sender will
        send, followed through."""
        for outgoing in self._outgoing(replies, None, shown):
            shown = shows_keyboard_after(outgoing, shown)
        return shown

    async def send_batch(self, batch: Batch, progress: Progress) -> SendResult:
        chat_id = int(batch.chat_id)
        parts = self.outgoing(batch)
        # What the chat shows when the next part goes: the batch's start, followed through
        # the parts that went before a cut.
        shown = batch.removal_owed
        for outgoing in parts[: batch.parts_sent]:
            shown = shows_keyboard_after(outgoing, shown)

        tap = None
        if batch.id is not None:
            tap = self._taps.pop((batch.chat_id, batch.id), None)

        async def send(outgoing: Outgoing) -> SendResult | None:
            nonlocal shown, tap
            try:
                if tap is not None:
                    merged, tap = tap, None
                    await self._send_with_tap(chat_id, merged, outgoing, shown)
                else:
                    await self._send_one(chat_id, outgoing, shown)
            except BadRequest as error:
                # This message can never go (the chat is gone, say); the rest may.
                log.warning("telegram refused a reply: %s", type(error).__name__)
            except Forbidden:
                log.info("a telegram user blocked the bot; marking the identity inactive")
                return SendResult(Sent.BLOCKED)
            except RetryAfter as error:
                log.warning("telegram asked to wait before a reply; it stays stored until then")
                return SendResult(Sent.RETRY, retry_after=_retry_after(error))
            except TelegramError as error:
                # NetworkError, TimedOut, a 5xx: retries already happened below us
                # (retries.py); the batch waits in storage for the platform to recover.
                log.warning("sending a telegram reply failed: %s", type(error).__name__)
                return SendResult(Sent.RETRY)
            shown = shows_keyboard_after(outgoing, shown)
            return None

        return await send_parts(batch, parts, send, progress)

    async def _send_with_tap(
        self, chat_id: int, tap: _Tap, outgoing: Outgoing, shown: bool
    ) -> None:
        """The tapped question closed and ``outgoing`` under it, in one edit, the spinner
        stopped at the same moment; a question Telegram no longer lets us edit gets the
        message sent as usual."""
        text = f"{tap.closed_text}\n\n{outgoing.text}"
        edit = tap.message.edit_text(text, reply_markup=outgoing.markup)
        _, edited = await asyncio.gather(answer_quietly(tap.query), edit, return_exceptions=True)
        if isinstance(edited, BadRequest):
            log.debug("a tapped question could not carry the answer: %s", type(edited).__name__)
            await self._send_one(chat_id, outgoing, shown)
        elif isinstance(edited, BaseException):
            raise edited

    async def send_text(self, chat_id: int, text: str) -> None:
        """One plain message outside a conversation (e.g. to a group); failures are logged."""
        try:
            await self.bot.send_message(chat_id, text)
        except TelegramError as error:
            log.warning("sending a telegram notice failed: %s", type(error).__name__)

    async def show_typing(self, chat_id: str) -> None:
        """ "typing…" in the chat while a message is being worked on; a failure is harmless."""
        try:
            await self.bot.send_chat_action(int(chat_id), ChatAction.TYPING)
        except TelegramError as error:
            log.debug("typing indicator failed: %s", type(error).__name__)

    async def close_question(
        self, query: CallbackQuery, locale: str | None, *, taken: bool
    ) -> None:
        """Show on the tapped question what was chosen (``taken``), or else only take its
        buttons away (a tap on an old question); either way it cannot be tapped again."""
        message = query.message
        if not isinstance(message, Message):
            return  # too old for Telegram to show us: nothing to edit
        key = (message.chat.id, message.message_id)
        if key in self._closed:
            return
        self._remember_closed(key)
        label = _tapped_label(message, query.data) if taken else None
        try:
            if label is not None and message.text:
                chosen = self.catalogues.text(locale, N_("telegram.chosen"), answer=label)
                await message.edit_text(_with_answer(message.text, chosen), reply_markup=None)
            else:
                await message.edit_reply_markup(reply_markup=None)
        except TelegramError as error:
            # Too old to edit, or deleted by the user: the engine still ignores stale taps.
            log.debug("closing an answered question failed: %s", type(error).__name__)

    async def _send_one(self, chat_id: int, outgoing: Outgoing, shown: bool) -> None:
        """Send one message to a chat that shows a reply keyboard (``shown``) or not."""
        if outgoing.document is not None:
            await self._send_document(chat_id, outgoing, shown)
            return
        if outgoing.media is not None:
            await self._send_media(chat_id, outgoing, shown)
            return
        markup = outgoing.markup
        if markup is None and shown:
            await self.bot.send_message(chat_id, outgoing.text, reply_markup=ReplyKeyboardRemove())
            return
        # A new reply keyboard, inline buttons (which cannot carry the removal), or nothing.
        await self.bot.send_message(chat_id, outgoing.text, reply_markup=markup)

    async def _send_document(self, chat_id: int, outgoing: Outgoing, shown: bool) -> None:
        document = outgoing.document
        assert document is not None
        await self.bot.send_document(
            chat_id,
            InputFile(document.data, filename=document.filename),
            caption=outgoing.text or None,
            reply_markup=ReplyKeyboardRemove() if shown else None,
        )

    async def _send_media(self, chat_id: int, outgoing: Outgoing, shown: bool) -> None:
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
        removal = ReplyKeyboardRemove() if shown else None
        try:
            await send(chat_id, media.file_id, caption=outgoing.text or None, reply_markup=removal)
        except BadRequest as error:
            log.info("a stored %s could not be sent again: %s", media.kind, type(error).__name__)
            await self._send_one(chat_id, Outgoing(FILE_MARK + media.lost), shown)


async def answer_quietly(query: CallbackQuery) -> None:
    """Stop the tap's spinner; a failure (too old a tap) changes nothing."""
    try:
        await query.answer()
    except TelegramError as error:
        log.debug("answering a callback query failed: %s", type(error).__name__)


def shows_keyboard_after(outgoing: Outgoing, shown: bool) -> bool:
    """Whether a reply keyboard shows once ``outgoing`` went to a chat that showed one or not
    (``shown``): a location question brings one; inline buttons leave the screen as it was
    (they cannot carry the removal); any other message (a text, a file) takes it away."""
    if isinstance(outgoing.markup, ReplyKeyboardMarkup):
        return True
    if isinstance(outgoing.markup, InlineKeyboardMarkup):
        return shown
    return False


def _tapped_label(message: Message, data: str | None) -> str | None:
    """The label of the button whose data came back with the tap."""
    markup = message.reply_markup
    if markup is None or data is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None


def _with_answer(question: str, chosen: str) -> str:
    """The question with the chosen answer under it, within Telegram's length."""
    room = MAX_TEXT_LENGTH - telegram_length(chosen) - 2
    if telegram_length(question) > room:
        # Counted in UTF-16 units like Telegram; cut until it fits, then mark the cut.
        while question and telegram_length(question) > room - 1:
            question = question[: len(question) - max(1, telegram_length(question) - room)]
        question += "…"
    return f"{question}\n\n{chosen}"


def _retry_after(error: RetryAfter) -> float:
    # PTB 22 warns on reading retry_after as int until PTB_TIMEDELTA is set; either is read.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    if isinstance(value, dtm.timedelta):
        return value.total_seconds()
    return float(value)
