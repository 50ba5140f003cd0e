"""One rate budget per bot token, shared by every process on PostgreSQL.

``SharedRateLimiter`` is the process's ``RateLimiter`` (its own priorities, pauses and chat
gaps) that also takes every send's slot from the database (``storage.delivery.send_budget``): the
chat's slot first (an outbox message defers a chat that is not free, a reply waits for it),
then one of the channel's. So N processes behind one token
send together at the platform's rate and never above it, and a reply still goes first: it may
claim a slot up to ``REPLY_HORIZON`` ahead, an outbox message only one of the next two.

As in ``bot.delivery.limits``, slots keep the sends evenly spaced and a second guard keeps the
platform's window: a send starts only a second after the send ``per_second`` places before it
(in any process) was answered. The chat gap gets ``CHAT_MARGIN`` more than the platform's,
being counted from the claim. If the database does not answer, a send keeps to this process's
own limiter (and says so once in the log) rather than stop.

A chat's slot row holds the chat id (personal data: an anonymous tipster's too) and the exact
time of a send, so it goes with the send: once the send was answered and its gap has passed,
it is forgotten; a process that stops forgets at once the chats it still holds.

SQLite is one process: it keeps the plain ``RateLimiter``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Coroutine
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.delivery.limits import (
    DEFAULT_CHAT_BURST,
    WINDOW,
    ZALO_LIMITS,
    ChannelLimits,
    Clock,
    RateLimiter,
    Sleep,
    Ticket,
    platform_limiters,
    telegram_limits,
)
from bot.observability import metrics
from storage.database import Database
from storage.delivery.send_budget import (
    claim_chat_slot,
    claim_chat_slot_if_free,
    claim_send_slot,
    ensure_budget,
    forget_chats,
    forget_chats_passed,
    prune,
    push_back,
    send_answered_wait,
    settle_send,
)

log = logging.getLogger(__name__)

# Slots a little closer than the rate would lose nothing (the window guard holds), a little
# wider keep the guard from waiting: 99 % of the platform's rate.
SAFETY = 0.99
CHAT_MARGIN = 0.1
# While the send ``per_second`` places back is unanswered, look again this often; a send not
# answered within ``UNSETTLED_FOR`` seconds no longer holds the window: its process died, or
# its answer could not be recorded, and the whole bot must not wait long for it.
_POLL = 0.005
UNSETTLED_FOR = 5.0
# How far ahead a reply may claim a slot of the shared budget, and an outbox message (in
# slots): a slot claimed only once it is free would lose a wake-up and a round trip each time.
REPLY_HORIZON = 1.0
OUTBOX_HORIZON_SLOTS = 2
# The log of sends is pruned once every this many sends, and chats whose gap passed (those a
# stopped process left) at least this often (seconds).
_PRUNE_EVERY = 5_000
_PRUNE_CHATS_EVERY = 60.0


class SharedRateLimiter(RateLimiter):
    """A ``RateLimiter`` whose sends also take their slot from the database budget."""

    def __init__(
        self,
        limits: ChannelLimits,
        database: Database,
        channel: str,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        super().__init__(limits, clock=clock, sleep=sleep)
        self.database = database
        self.channel = channel
        self.spacing = 1.0 / (limits.per_second * SAFETY)
        self.chat_gap = limits.chat_gap + CHAT_MARGIN if limits.chat_gap > 0 else 0.0
        self.chat_burst = max(1, limits.chat_burst)
        self.capacity = max(1, int(limits.per_second * WINDOW))
        self._seqs: dict[int, int] = {}  # id(ticket) -> its send's number in the budget
        self._connection: AsyncConnection | None = None
        self._using = asyncio.Lock()
        self._failing = False
        self._pruned_at = self._clock()
        self._background: set[asyncio.Task[None]] = set()
        # Chats whose slot row this process claimed and has not forgotten yet, with the number
        # of the latest claim; those whose send was answered, to forget once their gap passed.
        self._claims = itertools.count(1)
        self._held: dict[str, int] = {}
        self._settled: dict[str, int] = {}
        self._forgetter: asyncio.Task[None] | None = None

    async def acquire(self, chat_id: str, *, urgent: bool = False) -> Ticket:
        ticket = await super().acquire(chat_id, urgent=urgent)
        try:
            seq = await self._take_shared_slot(chat_id, urgent=urgent)
        except Exception as error:  # the database is away: this process's own limits hold
            if not self._failing:
                log.warning(
                    "%s: the shared send budget is unreachable (%s); sending at this "
                    "process's own rate",
                    self.channel,
                    type(error).__name__,
                )
            self._failing = True
        else:
            self._failing = False
            self._seqs[id(ticket)] = seq
        ticket.at = self._clock()  # it leaves now, not when the local token was taken
        return ticket

    async def claim_chat(self, chat_id: str) -> float:
        """The chat's slot in every process: a reply or outbox message another process sent
        this chat a moment ago defers this one too."""
        wait = await super().claim_chat(chat_id)
        if wait > 0 or self.chat_gap <= 0:
            return wait
        try:
            wait = await self._run(
                claim_chat_slot_if_free,
                self.channel,
                chat_id,
                gap=self.chat_gap,
                burst=self.chat_burst,
            )
        except Exception:  # acquire will say the budget is away; this process's gap held
            return 0.0
        if wait == 0:
            self._held[chat_id] = next(self._claims)
        return wait

    def settle(self, ticket: Ticket) -> None:
        super().settle(ticket)
        seq = self._seqs.pop(id(ticket), None)
        if seq is not None:
            self._in_background(self._settle(seq))
        claim = self._held.get(ticket.chat_id)
        if claim is not None:
            self._settled[ticket.chat_id] = claim
            if self._forgetter is None or self._forgetter.done():
                self._forgetter = asyncio.get_running_loop().create_task(self._forget_settled())

    def pause(self, seconds: float) -> None:
        """The platform answered 429: every process holds back (the budget moves on)."""
        super().pause(seconds)
        self._in_background(self._push_back(seconds))

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def close(self) -> None:
        """Forget the chats this process still holds (a gap of theirs not yet passed is given
        up: the process sends nothing more) and release the connection."""
        if self._forgetter is not None:
            self._forgetter.cancel()
            await asyncio.gather(self._forgetter, return_exceptions=True)
            async with self._using:  # a statement cut off may have left it unusable
                await self._drop_connection()
        held = sorted(self._held)
        self._held.clear()
        self._settled.clear()
        if held:
            try:
                await self._run(forget_chats, self.channel, held)
            except Exception as error:  # the next process's prune forgets them
                log.warning("%s: could not forget the chats sent to: %s", self.channel, error)
        async with self._using:
            await self._drop_connection()

    async def _forget_settled(self) -> None:
        """Forget the chats whose send was answered once their gap has passed, a batch per
        gap in one statement (``forget_chats_passed``); a chat whose row a later claim moved
        on is tried again, or left to that claim's own send."""
        while self._settled:
            await self._sleep(self.chat_gap)
            batch, self._settled = self._settled, {}
            try:
                forgotten = await self._run(forget_chats_passed, self.channel, sorted(batch))
            except Exception as error:  # they stay held: the close or a prune forgets them
                log.warning("%s: could not forget the chats sent to: %s", self.channel, error)
                continue
            for chat, claim in batch.items():
                if self._held.get(chat) != claim:
                    continue  # claimed again here: that send forgets it
                if chat in forgotten:
                    del self._held[chat]
                else:
                    self._settled.setdefault(chat, claim)

    async def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):  # it may be broken already
                await connection.close()

    async def _take_shared_slot(self, chat_id: str, *, urgent: bool) -> int:
        """Wait for this send's turn in the shared budget; its number there."""
        if urgent and self.chat_gap > 0:
            # The outbox claimed its chat already (claim_chat), deferring a busy one.
            wait = await self._run(
                claim_chat_slot, self.channel, chat_id, gap=self.chat_gap, burst=self.chat_burst
            )
            self._held[chat_id] = next(self._claims)
            if wait > 0:
                metrics.budget_waited(self.channel, wait)
                await self._sleep(wait)
        horizon = REPLY_HORIZON if urgent else OUTBOX_HORIZON_SLOTS * self.spacing
        while True:
            claim = await self._run(
                claim_send_slot,
                self.channel,
                spacing=self.spacing,
                horizon=horizon,
                capacity=self.capacity,
                unsettled_for=UNSETTLED_FOR,
            )
            if claim.seq is not None:
                break
            await self._sleep(max(claim.busy_for - horizon, self.spacing / 4))
        seq = claim.seq
        window_wait = claim.window_wait
        if claim.back_unanswered:
            while (answered := await self._answered_wait(seq - self.capacity)) is None:
                await self._sleep(_POLL)
            window_wait = answered
        # ``wait`` and ``window_wait`` were both measured when the claim began.
        wait = max(claim.wait, window_wait)
        if wait > 0:
            metrics.budget_waited(self.channel, wait)
            await self._sleep(wait)
        if seq % _PRUNE_EVERY == 0 or self._clock() - self._pruned_at > _PRUNE_CHATS_EVERY:
            self._pruned_at = self._clock()
            await self._run(prune, self.channel, below_seq=seq - _PRUNE_EVERY)
        return seq

    async def _answered_wait(self, seq: int) -> float | None:
        return await self._run(send_answered_wait, self.channel, seq, unsettled_for=UNSETTLED_FOR)

    async def _settle(self, seq: int) -> None:
        try:
            await self._run(settle_send, self.channel, seq)
        except Exception as error:  # unanswered, it holds the window UNSETTLED_FOR at most
            log.warning("%s: could not record a send as answered: %s", self.channel, error)

    async def _push_back(self, seconds: float) -> None:
        try:
            await self._run(push_back, self.channel, seconds)
        except Exception as error:  # this process pauses anyway
            log.warning("%s: could not pause the shared budget: %s", self.channel, error)

    async def _run(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        """Run one budget statement on this limiter's own autocommit connection."""
        async with self._using:
            if self._connection is None:
                connection = await self.database.engine.connect()
                self._connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await ensure_budget(self._connection, self.channel)
            try:
                return await statement(self._connection, *args, **kwargs)
            except Exception:
                await self._drop_connection()  # a new one next time
                raise


def shared_platform_limiters(
    database: Database, chat_burst: int = DEFAULT_CHAT_BURST
) -> dict[str, RateLimiter]:
    """The platforms' limiters for a process that shares its database with others: Telegram
    and Zalo take from the database budget, the console (one terminal) does not."""
    limiters = platform_limiters(chat_burst)
    if database.is_sqlite:
        return limiters
    limiters["telegram"] = SharedRateLimiter(telegram_limits(chat_burst), database, "telegram")
    limiters["zalo"] = SharedRateLimiter(ZALO_LIMITS, database, "zalo")
    return limiters
