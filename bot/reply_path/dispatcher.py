"""Sends stored reply batches: each chat's in order, none lost to a 429 or an outage.

A channel ``submit``s a batch right after the processor committed it. One worker per chat
sends that chat's batches one after another through the channel's ``BatchSender``; a batch
that went out (or whose user blocked the bot) is deleted from ``pending_replies``. When the
platform fails (429, 5xx, a network cut) the batch stays stored and in the chat's queue: the
worker waits — a 429's ``retry_after`` exactly, other failures with growing pauses cut short
as soon as a send to anybody succeeds again — and tries again, however long it takes. A batch
older than ``max_age`` is dropped with a log line rather than sent into a conversation that has
moved on. ``start`` sends what an earlier run left unsent.

Deletions of sent batches are written together, one transaction for all that finished while
the previous one was being written: a busy bot pays about one write per burst, not per reply,
and nothing waits for it (a crash in that window sends those replies once more, the unavoidable
cost of a platform with no idempotency key).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum
from typing import Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.reply_path import Batch, stored_batch
from bot.retrying import RetryPolicy
from conversations.localtime import utcnow
from storage.database import Database
from storage.group_commit import writer_for
from storage.people.members import mark_identity_inactive
from storage.reply_path.replies import (
    finish_replies,
    forget_unsent_replies,
    record_progress,
    unsent_replies,
)

log = logging.getLogger(__name__)

DEFAULT_MAX_AGE = timedelta(hours=24)
# Pauses after a failed send that gave no retry_after: 1, 2, 4 ... up to 60 s, for ever.
DEFAULT_BACKOFF = RetryPolicy(attempts=1, first_delay=1.0, multiplier=2.0, max_delay=60.0)
# Stored batches read per query on start.
RECOVERY_PAGE = 500
# Deleted batch ids remembered against late redeliveries (ids only grow: an old one is done).
REMEMBERED_GONE = 10_000

Progress = Callable[[int], Awaitable[None]]
PartT = TypeVar("PartT")
Prelude = Callable[[], Awaitable[None]]


class Sent(Enum):
    DONE = "done"  # every part went out (a part the platform refused for good is skipped)
    BLOCKED = "blocked"  # the user blocked the bot: nothing more goes to them
    RETRY = "retry"  # the platform failed; try again later from ``parts_sent``


@dataclass(frozen=True)
class SendResult:
    outcome: Sent
    parts_sent: int = 0
    retry_after: float | None = None  # the platform's own wait, when it gave one


class BatchSender(Protocol):
    """A channel's way to send one batch to its chat, starting at ``batch.parts_sent``.

    Calls ``progress(n)`` after the n-th part when more parts follow, so that a batch cut
    off half way resumes after what went. Never raises for a platform failure: it answers
    ``Sent.RETRY``.
    """

    async def send_batch(self, batch: Batch, progress: Progress) -> SendResult: ...


async def send_parts(
    batch: Batch,
    parts: Sequence[PartT],
    send: Callable[[PartT], Awaitable[SendResult | None]],
    progress: Progress,
) -> SendResult:
    """The loop of every ``BatchSender``: ``parts`` (the platform messages that show ``batch``)
    sent one after another from ``batch.parts_sent`` on, the count recorded after each so that
    a batch cut off half way resumes after what went.

    ``send`` answers None when its part is done (it went, or can never go and is skipped), or
    the result that ends the batch here (a retry, a blocked user; its ``parts_sent`` is set to
    the parts that went)."""
    sent = batch.parts_sent
    for part in parts[sent:]:
        stop = await send(part)
        if stop is not None:
            return replace(stop, parts_sent=sent)
        sent += 1
        if sent < len(parts):
            await progress(sent)
    return SendResult(Sent.DONE, sent)


@dataclass
class _Queued:
    batch: Batch
    prelude: Prelude | None = None
    done: asyncio.Future[None] | None = None
    attempts: int = 0


class ReplyDispatcher:
    """Per-chat ordered, durable sending of reply batches for one channel."""

    def __init__(
        self,
        database: Database,
        channel: str,
        sender: BatchSender,
        *,
        max_age: timedelta = DEFAULT_MAX_AGE,
        backoff: RetryPolicy = DEFAULT_BACKOFF,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.channel = channel
        self.sender = sender
        self.max_age = max_age
        self.backoff = backoff
        self.clock = clock
        self._queues: dict[str, deque[_Queued]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._known: set[int] = set()  # stored ids queued, being sent or being deleted
        # Ids deleted lately: a redelivery whose transaction read the row just before the
        # deletion committed must not send it again.
        self._gone: OrderedDict[int, None] = OrderedDict()
        self._recovered = asyncio.Event()
        self._troubled = 0  # workers waiting for the platform
        self._finished: list[int] = []
        self._blocked: set[str] = set()  # users who blocked the bot, to mark inactive
        self._flushing: asyncio.Task[None] | None = None

    # -- intake ------------------------------------------------------------------------------

    def submit(self, batch: Batch, prelude: Prelude | None = None) -> None:
        """Send ``batch`` after everything already queued for its chat.

        ``prelude`` runs once just before (Telegram answers the tapped button there). A stored
        batch already queued (a redelivered update) is not queued twice.
        """
        self._enqueue(_Queued(batch, prelude))

    async def deliver(self, batch: Batch) -> None:
        """Submit ``batch`` and wait until it went (or waits for the platform to recover)."""
        done = asyncio.get_running_loop().create_future()
        if not self._enqueue(_Queued(batch, done=done)):
            done.set_result(None)
        await asyncio.shield(done)

    def _enqueue(self, queued: _Queued) -> bool:
        batch = queued.batch
        if not batch.replies and queued.prelude is None:
            return False
        if batch.id is not None:
            if batch.id in self._known or batch.id in self._gone:
                return False
            self._known.add(batch.id)
        chat = batch.chat_id
        self._queues.setdefault(chat, deque()).append(queued)
        if chat not in self._workers:
            self._workers[chat] = asyncio.create_task(
                self._work(chat), name=f"replies-{self.channel}"
            )
        return True

    async def start(self) -> int:
        """Queue what earlier runs stored and did not send; the number of batches queued."""
        queued = 0
        after = 0
        while True:
            async with self.database.transaction() as session:
                page = await unsent_replies(
                    session, channel=self.channel, after_id=after, limit=RECOVERY_PAGE
                )
            for stored in page:
                after = stored.id
                queued += self._enqueue(_Queued(stored_batch(stored)))
            if len(page) < RECOVERY_PAGE:
                break
        if queued:
            log.info("%s: sending %d stored reply batches left unsent", self.channel, queued)
        return queued

    async def discard(self, chat_id: str) -> None:
        """Forget what earlier runs left unsent to ``chat_id``: for a chat that shows its
        pending question again when it opens (the console), instead of repeating it."""
        async with self.database.transaction() as session:
            await forget_unsent_replies(session, channel=self.channel, chat_id=chat_id)

    # -- sending -----------------------------------------------------------------------------

    async def _work(self, chat: str) -> None:
        queue = self._queues[chat]
        try:
            while queue:
                queued = queue[0]
                if await self._send(queued):
                    # Its id stays known until its deletion is committed: a redelivery that
                    # reads the row meanwhile must not queue it again.
                    queue.popleft()
                    if queued.done is not None and not queued.done.done():
                        queued.done.set_result(None)
        finally:
            # No await between the last look at the queue and here: a batch submitted
            # meanwhile would have found this worker alive and been taken by it.
            del self._queues[chat]
            del self._workers[chat]

    async def _send(self, queued: _Queued) -> bool:
        """One attempt at the batch; True when it is finished (sent, refused or too old)."""
        batch = queued.batch
        if self.clock() - batch.created_at > self.max_age:
            log.warning(
                "%s: dropped a reply batch stored %s ago, too old to send",
                self.channel,
                self.clock() - batch.created_at,
            )
            self._finish(batch)
            return True
        if queued.prelude is not None:
            prelude, queued.prelude = queued.prelude, None
            try:
                await prelude()
            except Exception:  # only the tapped button's tidying: the replies still go
                log.exception("%s: preparing a reply failed", self.channel)
        if not batch.replies:
            return True
        try:
            result = await self.sender.send_batch(batch, self._progress_of(batch))
        except Exception:
            # A fault of ours, not the platform's: try again later like an outage, so that
            # the reply is not lost; max_age ends it if it never goes.
            log.exception("%s: sending a reply batch failed", self.channel)
            result = SendResult(Sent.RETRY, batch.parts_sent)
        if result.outcome is Sent.RETRY:
            queued.batch = replace(batch, parts_sent=result.parts_sent)
            queued.attempts += 1
            await self._wait_for_platform(queued.attempts, result.retry_after)
            return False
        if self._troubled:
            self._recovered.set()  # the platform answers again: stalled chats, try now
            self._recovered = asyncio.Event()
        if result.outcome is Sent.BLOCKED:
            self._blocked.add(batch.user_id)
        self._finish(batch)
        return True

    def _progress_of(self, batch: Batch) -> Progress:
        async def progress(parts_sent: int) -> None:
            if batch.id is None:
                return
            async with self.database.transaction() as session:
                await record_progress(session, batch.id, parts_sent)

        return progress

    async def _wait_for_platform(self, attempts: int, retry_after: float | None) -> None:
        if retry_after is not None:
            # The platform said how long: earlier would only draw another 429.
            await asyncio.sleep(retry_after)
            return
        recovered = self._recovered
        self._troubled += 1
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(recovered.wait(), self.backoff.delay(attempts))
        finally:
            self._troubled -= 1

    # -- recording ---------------------------------------------------------------------------

    def _finish(self, batch: Batch) -> None:
        if batch.id is not None:
            self._finished.append(batch.id)
        if self._to_record() and self._flushing is None:
            self._flushing = asyncio.create_task(self._flush(), name=f"replies-{self.channel}-done")

    def _to_record(self) -> bool:
        return bool(self._finished or self._blocked)

    async def _flush(self) -> None:
        try:
            while self._to_record():
                ids, self._finished = self._finished, []
                blocked, self._blocked = self._blocked, set()

                async def record(
                    session: AsyncSession, ids: list[int] = ids, blocked: set[str] = blocked
                ) -> None:
                    await finish_replies(session, ids)
                    for user_id in blocked:
                        await mark_identity_inactive(
                            session, channel=self.channel, platform_user_id=user_id
                        )

                try:
                    # With the messages' own writes (SQLite: one writer, no fight for its
                    # lock), ahead of the messages waiting, with the other short writes: the
                    # shorter the wait, the fewer replies a crash sends twice.
                    await writer_for(self.database).run(record, first=True)
                    self._known.difference_update(ids)
                    self._gone.update(dict.fromkeys(ids))
                    while len(self._gone) > REMEMBERED_GONE:
                        self._gone.popitem(last=False)
                except Exception:
                    # Not recorded: these replies would be sent again after a restart, which
                    # is better than losing track; try with the next ones.
                    log.exception("%s: recording sent replies failed", self.channel)
                    self._finished[:0] = ids
                    self._blocked |= blocked
                    await asyncio.sleep(1.0)
        finally:
            self._flushing = None

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def pending(self) -> int:
        """Batches queued or being sent."""
        return sum(len(queue) for queue in self._queues.values())

    async def drain(self, seconds: float | None = None) -> bool:
        """Wait until every queued batch went and was recorded; False after ``seconds``."""
        loop = asyncio.get_running_loop()
        deadline = None if seconds is None else loop.time() + seconds
        while self._workers or self._flushing is not None:
            waiting = [*self._workers.values()]
            if self._flushing is not None:
                waiting.append(self._flushing)
            left = None if deadline is None else deadline - loop.time()
            if left is not None and left <= 0:
                return False
            await asyncio.wait(waiting, timeout=left)
        return True

    async def stop(self, grace: float = 10.0) -> None:
        """Let queued batches go for up to ``grace`` seconds; what is left stays stored."""
        await self.drain(grace)
        for task in list(self._workers.values()):
            task.cancel()
        for task in list(self._workers.values()):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._flushing is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._flushing
        self._known.clear()
