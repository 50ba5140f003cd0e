"""The inbox: a webhook is answered once its update is stored, and each user's waiting updates
are applied in the platform's order by whichever process holds the user's turn.

A channel hands ``receive`` the update it was pushed (``Delivery``: whose it is, its key, its
place in the platform's order and its JSON). ``receive`` stores it in one short transaction
and returns: the webhook is answered then, never behind other users' work. The user's turn
then applies what waits for them, oldest first, each through the channel's ``apply`` (the
processor's transaction, its replies stored with the new state), and forgets what it applied.

Several processes behind one address (PostgreSQL) share each user's turn through the database
(``storage.inbox.take_turn``, a lease renewed every pass): a process that finds the turn held
leaves its update to the holder, which looks again before it lets go.

An earlier update may still be on its way through another process (received there, not yet
stored) when the holder looks. Telegram numbers a bot's updates one by one, so with several
processes (PostgreSQL) the holder knows: it applies the user's waiting updates only once
every number below the newest of them (down to the user's update before) has a row, waiting
or applied, anybody's; a number still missing after ``gap_wait`` seconds (an update Telegram
never sent here) is recorded as given up and waited for no more. Where the numbers say
nothing (Zalo's timestamps), the holder waits ``settle`` seconds before each pass instead;
one process alone (SQLite) applies them in the order it stored them, without waiting: there
every other user's update in flight would hold each pass back. An update later still is
applied as it comes, after the ones before it: nobody is asked to send it again.

Crash safety stays the processor's: a delivery is claimed in the transaction that applies it
(``storage.reply_path.updates.claim_update``), so an update applied and not yet forgotten when
the process died is found claimed when it is applied again after the restart (``start``), and
a platform's redelivery of one stored or applied changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from storage.database import Database
from storage.inbox import (
    Waiting,
    give_turn,
    give_up_unknown,
    mark_applied,
    remove,
    store,
    take_turn,
    unknown_below,
    users_waiting,
    waiting,
)

log = logging.getLogger(__name__)

# How long a pass waits for an earlier update still on its way through another process
# (PostgreSQL); one process stores its updates in the order they come.
DEFAULT_SETTLE = 0.05
# A turn not renewed for this long (its process died) is free again; and how often each
# process looks for users whose updates wait with nobody applying them.
DEFAULT_LEASE = 15.0
DEFAULT_SWEEP_EVERY = 5.0
# Channels that number a bot's updates one by one (Telegram's update id): a number missing
# below a waiting update is an update on its way.
NUMBERED_CHANNELS = frozenset({"telegram"})
# How long a missing number is waited for before it is given up; how far below a user's
# first waiting update missing numbers are looked for (when their update before is older);
# how many numbers of applied updates are kept.
DEFAULT_GAP_WAIT = 5.0
GAP_WINDOW = 5_000
KEEP_NUMBERS = 20_000
# The first and the longest pause between looks while a number is missing.
FIRST_PAUSE = 0.005
LONGEST_PAUSE = 0.1

Apply = Callable[[str], Awaitable[None]]
Spawn = Callable[[Coroutine[Any, Any, None]], object]


@dataclass(frozen=True)
class Delivery:
    """One pushed update: whose it is, its key (for duplicates), its place in the platform's
    order of the user's updates, and the platform's JSON."""

    user_key: str
    update_key: str
    position: int
    payload: str


class Inbox:
    """One channel's inbox in one process."""

    def __init__(
        self,
        database: Database,
        channel: str,
        apply: Apply,
        *,
        spawn: Spawn | None = None,
        holder: str = "",
        settle: float | None = None,
        lease: float = DEFAULT_LEASE,
        sweep_every: float = DEFAULT_SWEEP_EVERY,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        numbered: bool | None = None,
        gap_wait: float = DEFAULT_GAP_WAIT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.database = database
        self.channel = channel
        self.apply = apply
        self.shared = not database.is_sqlite
        self.holder = holder
        if numbered is None:
            # Only several processes look for missing numbers (see the module): one alone
            # would hold every pass back for any other user's update in flight.
            numbered = self.shared and channel in NUMBERED_CHANNELS
        self.numbered = numbered
        self.gap_wait = gap_wait
        self._clock = clock
        if settle is None:
            settle = DEFAULT_SETTLE if self.shared and not self.numbered else 0.0
        self.settle = settle
        self.lease = lease
        self.sweep_every = sweep_every
        self._spawn = spawn or _create_task
        self._sleep = sleep
        self._wanted: set[str] = set()
        self._draining: set[str] = set()
        self._sweeper: asyncio.Task[None] | None = None

    async def receive(self, delivery: Delivery) -> None:
        """Store ``delivery`` (once, however often it comes) and start applying the user's
        waiting updates; returns once it is stored."""
        await store(
            self.database,
            channel=self.channel,
            user_key=delivery.user_key,
            update_key=delivery.update_key,
            position=delivery.position,
            payload=delivery.payload,
        )
        self.wake(delivery.user_key)

    def wake(self, user_key: str) -> None:
        """Apply what waits for ``user_key`` (at once, or after the pass under way)."""
        self._wanted.add(user_key)
        if user_key not in self._draining:
            self._draining.add(user_key)
            self._spawn(self._drain(user_key))

    async def start(self) -> None:
        """Apply what earlier runs stored and did not apply; then, every ``sweep_every``
        seconds, look for updates left waiting (by a process that died, or a pass that failed
        when the database was away for a moment)."""
        await self.sweep()
        self._sweeper = asyncio.create_task(self._sweep_forever())

    async def stop(self) -> None:
        sweeper, self._sweeper = self._sweeper, None
        if sweeper is not None:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper

    async def sweep(self) -> None:
        for user_key in await users_waiting(self.database, channel=self.channel):
            self.wake(user_key)

    async def _sweep_forever(self) -> None:
        while True:
            await self._sleep(self.sweep_every)
            try:
                await self.sweep()
            except Exception as error:  # the database is away for a moment: next time
                log.warning("%s inbox: looking for waiting updates failed: %s", self.channel, error)

    async def _drain(self, user_key: str) -> None:
        try:
            while user_key in self._wanted:
                self._wanted.discard(user_key)
                await self._take_turn_and_apply(user_key)
        except Exception:
            # What waits stays stored: the next update or the sweep tries again.
            log.exception("%s inbox: applying a user's updates failed", self.channel)
        finally:
            self._draining.discard(user_key)

    async def _take_turn_and_apply(self, user_key: str) -> None:
        if not self.shared:
            await self._apply_waiting(user_key)
            return
        if not await self._take_turn(user_key):
            return  # the holder looks again before it lets go
        try:
            await self._apply_waiting(user_key)
        finally:
            await give_turn(
                self.database, channel=self.channel, user_key=user_key, holder=self.holder
            )
        # Stored while the turn was ours by a process that then left it to us: ours again.
        if await waiting(self.database, channel=self.channel, user_key=user_key):
            self._wanted.add(user_key)

    async def _take_turn(self, user_key: str) -> bool:
        return await take_turn(
            self.database,
            channel=self.channel,
            user_key=user_key,
            holder=self.holder,
            lease=self.lease,
        )

    async def _apply_waiting(self, user_key: str) -> None:
        while True:
            rows = await waiting(self.database, channel=self.channel, user_key=user_key)
            if not rows:
                return
            if self.numbered:
                rows = await self._in_order(user_key, rows)
            elif self.settle > 0:
                # An earlier update may still be on its way through another process.
                await self._sleep(self.settle)
                rows = await waiting(self.database, channel=self.channel, user_key=user_key)
            applied: list[int] = []
            try:
                for row in rows:
                    try:
                        await self.apply(row.payload)
                    except Exception:
                        # The channel's handler answers its own failures; one that escapes
                        # must not hold the user's later updates back forever.
                        log.exception("%s inbox: applying an update failed", self.channel)
                    applied.append(row.id)
            finally:
                await self._forget(applied)
            if self.shared and not await self._take_turn(user_key):
                return  # the lease ran out and another process took over

    async def _in_order(self, user_key: str, rows: list[Waiting]) -> list[Waiting]:
        """The user's waiting updates once no number below the newest of them is missing
        (or a missing one was given up): none of theirs can still come before them."""
        give_up_at: float | None = None
        pause = FIRST_PAUSE
        while rows:
            first, last = rows[0].position, rows[-1].position
            unknown = await unknown_below(
                self.database,
                channel=self.channel,
                user_key=user_key,
                first=first,
                last=last,
                window=GAP_WINDOW,
            )
            if unknown.count == 0:
                # Every number below is stored: the user's among them are read now.
                rows = await waiting(self.database, channel=self.channel, user_key=user_key)
                return [row for row in rows if row.position <= last]
            now = self._clock()
            if give_up_at is None:
                give_up_at = now + self.gap_wait
            elif now >= give_up_at:
                given_up = await give_up_unknown(
                    self.database, channel=self.channel, low=unknown.low, position=last
                )
                log.warning(
                    "%s inbox: %d update numbers never came; applying without them",
                    self.channel,
                    given_up,
                )
                continue
            await self._sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)
            rows = await waiting(self.database, channel=self.channel, user_key=user_key)
        return rows  # applied meanwhile by a process that took the turn over

    async def _forget(self, ids: list[int]) -> None:
        if self.numbered:
            await mark_applied(self.database, channel=self.channel, ids=ids, keep=KEEP_NUMBERS)
        else:
            await remove(self.database, ids)


def _create_task(work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
    return asyncio.ensure_future(work)
