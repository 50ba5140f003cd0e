"""Reads that need no write transaction (console pages, the scheduler's rules with nothing to
do) complete while the bot's writer holds the database.

On SQLite every write transaction begins BEGIN IMMEDIATE and waits for the writer (then fails
with "database is locked" after the busy timeout); these reads run in ``Database.reading``
instead. Each test holds a write transaction open (a task waiting on an event) and asserts
the read finished before the writer let go.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import MemberMessage
from bot.scheduler import DeliveryScheduler, scheduled_rules
from bot.settings import Settings
from storage._sql import tips, web_sessions
from storage.database import Database, WriteInReadTransaction
from tests.bot.tips.harness import OFFICER_A, new_tip
from tests.bot.web.harness import signed_in
from tests.conversations.harness import CATALOGUES, Clock


class _RolledBack(Exception):
    pass


@asynccontextmanager
async def writer_holding(database: Database) -> AsyncIterator[None]:
    """A write transaction that has written (on SQLite: holds the write lock) until the
    block ends; the change it made is not committed before then."""
    holding = asyncio.Event()
    release = asyncio.Event()

    async def hold() -> None:
        async with database.transaction() as session:
            await session.execute(update(tips).values(category="held by the writer"))
            holding.set()
            await release.wait()
            raise _RolledBack  # nothing of it stays

    task = asyncio.create_task(hold())
    await holding.wait()
    try:
        yield
    finally:
        release.set()
        with pytest.raises(_RolledBack):
            await task


async def test_the_tip_queue_page_answers_while_the_writer_holds_the_database(
    commune: Database,
) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    async with signed_in(commune, clock, OFFICER_A) as web:
        async with writer_holding(commune):
            queue = await web.get("/web/tips")
        assert queue.status_code == 200
        assert "/web/tips/" + code in queue.text
        assert "held by the writer" not in queue.text  # the writer's change is not seen


async def test_a_read_page_of_a_revoked_session_ends_it(commune: Database) -> None:
    clock = Clock()
    async with signed_in(commune, clock, OFFICER_A) as web:
        async with commune.transaction() as session:
            await session.execute(text("DELETE FROM member_roles"))
        page = await web.get("/web/tips")
    assert page.status_code == 303
    async with commune.transaction() as session:
        ended = await session.scalar(
            select(func.count()).select_from(web_sessions).where(web_sessions.c.ended_at.is_(None))
        )
    assert ended == 0


async def test_the_scheduler_s_ticks_with_nothing_due_run_while_the_writer_holds(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    every_minute, every_morning = scheduled_rules(settings, CATALOGUES)
    clock = Clock()
    scheduler = DeliveryScheduler(
        database, rules=every_minute, daily_jobs=every_morning, clock=clock
    )
    # The first tick of the day claims the day's reminder occasions (a write, once a day);
    # every tick after it, with nothing due, only reads.
    await scheduler.tick()
    clock.advance(minutes=1)
    with caplog.at_level(logging.ERROR, logger="bot.scheduler"):
        async with writer_holding(database):
            assert await scheduler.tick() == 0
    assert [r.getMessage() for r in caplog.records if "failed" in r.getMessage()] == []


async def test_a_rule_that_writes_runs_again_in_a_write_transaction(database: Database) -> None:
    runs: list[str] = []

    async def bookkeeping(now: datetime, session: AsyncSession) -> list[MemberMessage]:
        runs.append("run")
        await session.execute(update(tips).values(category="kept"))
        return []

    assert await DeliveryScheduler(database, rules=[bookkeeping], clock=Clock()).tick() == 0
    # Stopped at its write in the read transaction, then run whole in a write transaction.
    assert runs == ["run", "run"]


async def test_a_read_transaction_refuses_a_write(database: Database) -> None:
    with pytest.raises(WriteInReadTransaction):
        async with database.reading() as session:
            await session.execute(update(tips).values(category="x"))
