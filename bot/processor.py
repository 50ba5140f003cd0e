"""Turns one inbound message into replies: load, run the engine, store, in one transaction.

The conversation state, the effects (a stored tip, a changed language) and the replies to send
are written together, so a crash at any point leaves either the old state and no replies, or
the new state with the replies that explain it (sent by the channel after the commit; see
``bot.reply_path``). An update delivered again finds its stored replies instead of running the
flow twice. One user's updates are applied one at a time in every process (a lock per user in
the process, and in the database on PostgreSQL), in the platform's order: one older than the
last applied is answered as late and moves nothing back. A user past the inbound limit is told
once to slow down and not read for a while (``bot.inbound_limits``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.base import Executable

from bot.effect_context import EffectContext
from bot.effects import EFFECT_HANDLERS, require_handlers
from bot.inbound_limits import InboundLimiter, Verdict
from bot.locks import KeyedLocks
from bot.places import load_grants
from bot.records import DatabaseRecords
from bot.reply_path import Batch, ScreenRule, no_reply_keyboard, stored_batch
from bot.reply_path.codec import encode_replies
from bot.sealing import Sealer
from bot.targets import YearSettings
from conversations.effects import Effect
from conversations.engine import MENU, Engine, Outcome
from conversations.i18n import N_, Catalogues
from conversations.localtime import utcnow
from conversations.ports import Member, SavedConversation
from conversations.privacy import EraseMe
from conversations.replies import Choices, Inbound, Reply, Text, printable
from storage.conversations import (
    conversation_update,
    load_member_and_conversation,
    save_conversation,
)
from storage.database import Database
from storage.errors import Conflict, is_transient
from storage.group_commit import writer_for
from storage.people.members import mark_identity_inactive
from storage.reply_path.replies import replies_for_update, store_replies
from storage.reply_path.updates import advance_update_order, lock_and_claim, lock_user

log = logging.getLogger(__name__)

# A retry happens when another process saved the same conversation first, or (once in ~10^12)
# when a new tip code collides; a handful of attempts is plenty.
MAX_ATTEMPTS = 5
# A busy database (a lock held past SQLite's busy_timeout) is tried once more.
MAX_BUSY_RETRIES = 1
# Channels whose update keys are numbers in the platform's order, an older one refused as
# late. None now: the inbox (``bot.inbox``) and the Telegram poller apply each user's updates
# in the platform's order, and one that still comes late is applied as it comes, so that
# nobody is asked to send a message again.
ORDERED_CHANNELS: frozenset[str] = frozenset()


def update_order(message: Inbound) -> int | None:
    """The platform's order number of ``message``, where its channel numbers updates in order."""
    key = message.update_key
    if message.channel in ORDERED_CHANNELS and key is not None and key.isdigit():
        return int(key)
    return None


def with_effect_replies(said: list[Reply], effect_replies: list[Reply]) -> tuple[Reply, ...]:
    """The flow's replies with what its effects said (a file made, a tipster told) placed
    before the menu that closes the conversation, so that the result comes first."""
    if said and isinstance(said[-1], Choices) and said[-1].ref == MENU:
        return (*said[:-1], *effect_replies, said[-1])
    return (*said, *effect_replies)


class MessageProcessor:
    """Runs messages through the engine against the database, one at a time per user."""

    def __init__(
        self,
        database: Database,
        engine: Engine,
        sealer: Sealer,
        catalogues: Catalogues,
        *,
        clock: Callable[[], datetime] = utcnow,
        inbound: InboundLimiter | None = None,
        year: YearSettings | None = None,
    ) -> None:
        require_handlers()
        self.database = database
        self.engine = engine
        self.sealer = sealer
        self.catalogues = catalogues
        # The plan's targets and yearly deadlines handlers judge by (the plan's defaults without).
        self.year = year or YearSettings()
        self.clock = clock
        self.locks = KeyedLocks()
        self.writer = writer_for(database)
        # The per-user inbound limit (``antq run`` sets it from the settings; none without).
        self.inbound = inbound

    async def process(self, message: Inbound, screen: ScreenRule = no_reply_keyboard) -> Batch:
        """The replies to ``message``, stored; on an internal error, a polite apology that is
        not (never raises). A user past the inbound limit is told once to slow down, and their
        messages are dropped during the cool-down (``bot.inbound_limits``).

        ``screen`` is the channel's rule for what the chat shows after the replies: decided
        here, with them, and stored for the next batch (``bot.reply_path.ScreenRule``)."""
        inbound = self.inbound
        if inbound is None:
            return await self._run(message, screen, opening=False)
        user = (message.channel, message.user_id)
        verdict = inbound.admit(user)
        if verdict is Verdict.DROP:
            return self._unstored(message)
        if verdict is Verdict.NOTICE:
            log.info("a %s user went past the inbound limit; not read for a while", message.channel)
            notice = Text(self.catalogues.text(inbound.locale_of(user), N_("input.too_fast")))
            return self._unstored(message, (notice,))
        batch = await self._run(message, screen, opening=False)
        inbound.note_locale(user, batch.locale)
        return batch

    async def open_chat(self, message: Inbound) -> Batch:
        """What to show when a chat window opens: the pending question, or the welcome."""
        return await self._run(message, no_reply_keyboard, opening=True)

    async def _run(self, message: Inbound, screen: ScreenRule, *, opening: bool) -> Batch:
        message = printable(message)
        async with self.locks.hold((message.channel, message.user_id)):
            busy_retries = MAX_BUSY_RETRIES
            for _ in range(MAX_ATTEMPTS):
                try:
                    return await self._process_once(message, screen, opening=opening)
                except Conflict:
                    # Another transaction wrote first; run the message again, reading afresh.
                    continue
                except Exception as error:
                    if is_transient(error) and busy_retries > 0:
                        # Nothing was stored (the transaction rolled back); the user's
                        # message is worth another wait rather than an apology.
                        busy_retries -= 1
                        log.warning(
                            "the database was busy; trying a %s message again", message.channel
                        )
                        continue
                    # Exception texts never carry values: the engine is built with
                    # hide_parameters, and we log neither the message nor the user.
                    log.exception("processing a %s message failed", message.channel)
                    break
        apology = Text(self.catalogues.text(None, N_("error.internal")))
        return self._unstored(message, (apology,))

    async def mark_blocked(self, channel: str, user_id: str) -> None:
        """The user blocked the bot: send them nothing more until they write again."""
        async with self.database.transaction() as session:
            await mark_identity_inactive(session, channel=channel, platform_user_id=user_id)

    def _unstored(self, message: Inbound, replies: tuple[Reply, ...] = ()) -> Batch:
        return Batch(None, message.channel, message.chat_id, message.user_id, self.clock(), replies)

    async def _process_once(self, message: Inbound, screen: ScreenRule, *, opening: bool) -> Batch:
        # To the minute: every row this message writes (the conversation, the claimed update,
        # a tip, its notices, the replies) carries the same coarse time, so that a tip's time
        # cannot be matched to one sender's conversation by an exact timestamp.
        now = self.clock().replace(second=0, microsecond=0)

        async def work(session: AsyncSession) -> Batch:
            return await self._process_in(session, message, screen, now, opening=opening)

        # On SQLite, with the messages of other users waiting at the same moment: one
        # transaction, one commit (storage.group_commit); this message's state, effects and
        # replies are stored together or not at all, as in a transaction of its own.
        return await self.writer.run(work)

    async def _process_in(
        self,
        session: AsyncSession,
        message: Inbound,
        screen: ScreenRule,
        now: datetime,
        *,
        opening: bool,
    ) -> Batch:
        # One user's updates one at a time in every process: another process's update of
        # this user waits here until this transaction ends.
        # With an update key, the lock and the claim are one statement (one round trip).
        if message.update_key is None:
            await lock_user(session, channel=message.channel, platform_user_id=message.user_id)
        elif not await lock_and_claim(
            session,
            channel=message.channel,
            platform_user_id=message.user_id,
            update_key=message.update_key,
            now=now,
        ):
            # Delivered again: the first delivery's replies, if some have not gone yet.
            stored = await replies_for_update(
                session, channel=message.channel, update_key=message.update_key
            )
            return self._unstored(message) if stored is None else stored_batch(stored)
        row, conversation = await load_member_and_conversation(
            session,
            channel=message.channel,
            platform_user_id=message.user_id,
            chat_id=message.chat_id,
            display_name=message.display_name,
            now=now,
        )
        order = update_order(message)
        late = order is not None and not await advance_update_order(
            session, channel=message.channel, platform_user_id=message.user_id, order=order
        )
        if message.edited or late:
            # An answer changed after the flow moved on is not read again, nor one that
            # arrived after a later message was applied: the conversation stays where it
            # is (never moves back), and the user is told to write anew.
            key = N_("input.late") if late else N_("input.edited")
            said = Text(self.catalogues.text(row.locale, key))
            return await self._stored(
                session,
                message,
                row.identity_id,
                (said,),
                now,
                locale=row.locale,
                removal_owed=row.reply_keyboard,
                screen=screen,
            )
        grants = await load_grants(session, row.id) if row.holds_roles else ()
        member = Member(row.id, row.locale, grants, row.consent_version)
        saved = None
        if conversation is not None:
            saved = SavedConversation(
                conversation.flow, conversation.step, conversation.data, conversation.updated_at
            )
        records = DatabaseRecords(session, self.sealer)
        outcome: Outcome
        if opening:
            outcome = await self.engine.open(member, saved, message, records, now)
        else:
            outcome = await self.engine.handle(member, saved, message, records, now)
        effect_replies: list[Reply] = []
        for effect in outcome.effects:
            await self._apply(session, message, member, effect, now, effect_replies)
        if any(isinstance(effect, EraseMe) for effect in outcome.effects):
            # Nothing of the member is left to save a conversation or replies against:
            # the answer goes out once, unstored (a crash before it is sent loses only
            # the confirmation, never the erasure). No menu: the person is gone.
            said = [r for r in outcome.replies if not (isinstance(r, Choices) and r.ref == MENU)]
            return self._unstored(message, (*said, *effect_replies))
        state = outcome.state
        unchanged = saved is not None and (state.flow, state.step, state.data) == (
            saved.flow,
            saved.step,
            saved.data,
        )
        save = not (opening and unchanged)
        expected_version = conversation.version if conversation else None
        replies = with_effect_replies(outcome.replies, effect_replies)
        if save and (expected_version is None or not replies):
            await save_conversation(
                session,
                member.id,
                flow=state.flow,
                step=state.step,
                data=state.data,
                expected_version=expected_version,
                now=now,
            )
            save = False
        if not replies:
            return self._unstored(message)
        saving = None
        if save and expected_version is not None:
            # The usual message: the state saved in the same trip as its replies.
            saving = conversation_update(
                member.id,
                flow=state.flow,
                step=state.step,
                data=state.data,
                expected_version=expected_version,
                now=now,
            )
        return await self._stored(
            session,
            message,
            row.identity_id,
            replies,
            now,
            locale=outcome.locale,
            removal_owed=row.reply_keyboard,
            screen=screen,
            stale_tap=outcome.stale_tap,
            saving=saving,
        )

    async def _stored(
        self,
        session: AsyncSession,
        message: Inbound,
        identity_id: int,
        replies: tuple[Reply, ...],
        now: datetime,
        *,
        locale: str | None,
        removal_owed: bool,
        screen: ScreenRule,
        stale_tap: bool = False,
        saving: tuple[Executable, dict[str, Any]] | None = None,
    ) -> Batch:
        """``replies`` stored in the message's transaction, as the batch to send after it.

        ``removal_owed``: the chat shows a reply keyboard before them (as the identity
        remembers it); the identity keeps what the chat shows once they went, by the channel's
        ``screen`` rule, for the next batch. ``saving``: the conversation's save, written with
        them (``storage.conversations.conversation_update``)."""
        batch_id = await store_replies(
            session,
            identity_id=identity_id,
            channel=message.channel,
            update_key=message.update_key,
            locale=locale,
            payload=encode_replies(list(replies)),
            now=now,
            removal_owed=removal_owed,
            reply_keyboard=screen(removal_owed, replies),
            saving=saving,
        )
        return Batch(
            batch_id,
            message.channel,
            message.chat_id,
            message.user_id,
            now,
            replies,
            locale,
            removal_owed=removal_owed,
            stale_tap=stale_tap,
        )

    async def _apply(
        self,
        session: AsyncSession,
        message: Inbound,
        member: Member,
        effect: Effect,
        now: datetime,
        replies: list[Reply],
    ) -> None:
        context = EffectContext(
            session,
            member,
            message,
            now,
            self.sealer,
            replies,
            catalogues=self.catalogues,
            year=self.year,
        )
        await EFFECT_HANDLERS[type(effect)](context, effect)
