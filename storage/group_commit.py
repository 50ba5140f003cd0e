"""Group commit: on SQLite, the work of several callers waiting at the same moment written in
one transaction and committed once.

SQLite has one writer at a time. Each caller opening its own transaction pays a commit, a
session and a connection of the pool, and waits for the write lock in SQLite's busy handler,
which sleeps in steps of milliseconds while the lock is free again. Here one task per process
writes: it takes every piece of work waiting (up to ``MAX_GROUP``), runs them one after the
other in one transaction and commits; each caller gets its own result once the commit is done.
A piece of work is all-or-nothing as before: when one of a group raises (or the commit fails),
the transaction is rolled back and every piece of that group runs again alone, in a
transaction of its own, so that only the one that fails fails. On PostgreSQL, where writers
run side by side, each piece of work simply has a transaction of its own. Either way the
transactions run on connections held between them (``storage.held``): on SQLite's one writer
that halved what a transaction costs besides its statements, which is most of a message's
cost when few wait together (at 70 % of the saturated rate, about 3–6 messages per commit).

A piece of work must not open another transaction of the same database (the writer holds the
write lock), and may run more than once, as it may already after a ``Conflict``.

Every writer of a process shares the database's one ``GroupCommit`` (``writer_for``): two of
them would only fight for SQLite's lock, and the one that waits in the busy handler loses to
the one that starts its next transaction at once. A short write that somebody waits for (a
webhook answered once its update is stored) goes ``first``, ahead of the queued messages,
in a group of the short writes alone, in the order they came; and a group under way commits
after its current piece of work: it waits for one message, not for a whole group.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from storage.database import Database

__all__ = ["MAX_GROUP", "GroupCommit", "writer_for"]

# Enough to take most of the saving (one commit for many messages) while keeping the time the
# last of a group waits for the others short.
MAX_GROUP = 32

Result = TypeVar("Result")
Work = Callable[[AsyncSession], Awaitable[Result]]


@dataclass
class _Job(Generic[Result]):
    work: Work[Result]
    done: asyncio.Future[Result]


class GroupCommit:
    """Runs pieces of work in transactions, grouped on SQLite (see the module)."""

    def __init__(self, database: Database, *, max_group: int = MAX_GROUP) -> None:
        self.database = database
        self.max_group = max_group
        # The short writes that went ``first``, and the other work, each in arrival order.
        self._first: list[_Job[Any]] = []
        self._waiting: list[_Job[Any]] = []
        self._writer: asyncio.Task[None] | None = None
        # Groups committed and pieces of work in them, for the bench and the tests.
        self.groups = 0
        self.grouped = 0
        self._semaphore: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    async def run(self, work: Work[Result], *, first: bool = False) -> Result:
        """``work(session)`` in a transaction, committed before this returns; ``first``: in
        the next group, ahead of the work already waiting, with the other short writes."""
        if not self.database.is_sqlite:
            # No more transactions at once than the pool keeps connections for: the others
            # wait here, in turn, instead of for a connection (the pool gives up after 30 s),
            # and the pool's overflow stays free for short writes and reads.
            # Each on a connection held between transactions (``storage.held``).
            async with self._slots(), self.database.held.transaction() as session:
                result = await work(session)
            self.groups += 1
            self.grouped += 1
            return result
        job: _Job[Result] = _Job(work, asyncio.get_running_loop().create_future())
        (self._first if first else self._waiting).append(job)
        if self._writer is None or self._writer.done():
            # Started on demand and ended when nothing waits: no task outlives the work.
            self._writer = asyncio.create_task(self._write())
        return await job.done

    def _slots(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._semaphore is None or self._semaphore[0] is not loop:
            size = getattr(self.database.engine.pool, "size", None)
            self._semaphore = (loop, asyncio.Semaphore(size() if callable(size) else 10))
        return self._semaphore[1]

    async def _write(self) -> None:
        while self._first or self._waiting:
            # The short writes somebody waits for, alone: their group commits right after
            # them, without the messages queued behind.
            short = bool(self._first)
            queue = self._first if short else self._waiting
            taken = queue[: self.max_group]
            del queue[: self.max_group]
            group = [job for job in taken if not job.done.done()]
            try:
                if len(group) == 1:
                    await self._alone(group[0])
                elif group:
                    await self._together(group, short=short)
            except BaseException:
                # The writer itself was stopped: its callers must not wait forever.
                for job in (*group, *self._first, *self._waiting):
                    if not job.done.done():
                        job.done.cancel()
                self._first.clear()
                self._waiting.clear()
                raise
            if self._first or self._waiting:
                # The loop's turn: a webhook's request reaches its short write meanwhile.
                await asyncio.sleep(0)

    async def _together(self, group: list[_Job[Any]], *, short: bool = False) -> None:
        results: list[Any] = []
        try:
            async with self.database.held.transaction() as session:
                for job in group:
                    if results and not short and self._first:
                        break  # somebody waits for a short write: commit what is done
                    results.append(await job.work(session))
        except Exception:
            # Nothing of the group was stored: each piece again alone, so that only the one
            # that fails fails (and a conflict is retried by its caller as before).
            for job in group:
                await self._alone(job)
            return
        # Cut short: the rest go first when the short writes are done, in their order.
        self._waiting[:0] = group[len(results) :]
        group = group[: len(results)]
        self.groups += 1
        self.grouped += len(group)
        for job, result in zip(group, results, strict=True):
            if not job.done.done():
                job.done.set_result(result)

    async def _alone(self, job: _Job[Any]) -> None:
        if job.done.done():  # its caller went away meanwhile
            return
        try:
            async with self.database.held.transaction() as session:
                result = await job.work(session)
        except Exception as error:
            if not job.done.done():
                job.done.set_exception(error)
            return
        self.groups += 1
        self.grouped += 1
        if not job.done.done():
            job.done.set_result(result)


_writers: weakref.WeakKeyDictionary[Database, GroupCommit] = weakref.WeakKeyDictionary()


def writer_for(database: Database) -> GroupCommit:
    """The process's one ``GroupCommit`` of ``database``."""
    writer = _writers.get(database)
    if writer is None:
        writer = _writers[database] = GroupCommit(database)
    return writer
