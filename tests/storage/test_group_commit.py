"""Group commit: several callers' work in one transaction on SQLite, each still all-or-nothing."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import members
from storage.database import Database
from storage.group_commit import GroupCommit, writer_for
from storage.tables import utcnow


class Refused(Exception):
    """What the failing piece of work raises."""


def _member_named(name: str, *, fail: bool = False):  # type: ignore[no-untyped-def]
    async def work(session: AsyncSession) -> str:
        await session.execute(members.insert().values(display_name=name, created_at=utcnow()))
        if fail:
            raise Refused(name)
        return name

    return work


async def _stored_names(database: Database) -> set[str]:
    async with database.transaction() as session:
        return set((await session.execute(select(members.c.display_name))).scalars())


async def test_work_waiting_at_the_same_moment_is_stored_and_answered_each(
    database: Database,
) -> None:
    writer = GroupCommit(database)
    names = [f"member {index}" for index in range(12)]
    answers = await asyncio.gather(*(writer.run(_member_named(name)) for name in names))
    assert answers == names
    assert await _stored_names(database) == set(names)
    assert writer.grouped == len(names)
    if database.is_sqlite:
        # The first waits alone; all who came meanwhile share one commit.
        assert writer.groups < len(names)
    else:
        assert writer.groups == len(names)


async def test_one_failing_piece_of_work_fails_alone(database: Database) -> None:
    writer = GroupCommit(database)
    works = [_member_named(f"member {index}", fail=index == 3) for index in range(8)]
    outcomes = await asyncio.gather(*(writer.run(work) for work in works), return_exceptions=True)
    assert isinstance(outcomes[3], Refused)
    assert [outcome for index, outcome in enumerate(outcomes) if index != 3] == [
        f"member {index}" for index in range(8) if index != 3
    ]
    assert await _stored_names(database) == {f"member {index}" for index in range(8) if index != 3}


async def test_a_caller_that_went_away_before_its_turn_stores_nothing(database: Database) -> None:
    if not database.is_sqlite:
        pytest.skip("only SQLite's work waits for a writer")
    writer = GroupCommit(database)
    first = asyncio.ensure_future(writer.run(_member_named("first")))
    gone = asyncio.ensure_future(writer.run(_member_named("gone")))
    await asyncio.sleep(0)  # both wait; the writer has not started the second
    gone.cancel()
    assert await first == "first"
    assert await _stored_names(database) == {"first"}


async def test_a_short_write_somebody_waits_for_goes_ahead_of_the_queued_work(
    database: Database,
) -> None:
    if not database.is_sqlite:
        pytest.skip("only SQLite's work waits for a writer")
    writer = writer_for(database)
    assert writer_for(database) is writer  # one per database: no two fight for the lock
    order: list[str] = []
    may_go = asyncio.Event()

    async def busy(session: AsyncSession) -> None:
        await may_go.wait()  # the writer is in the middle of a group

    def noting(name: str):  # type: ignore[no-untyped-def]
        async def work(session: AsyncSession) -> str:
            order.append(name)
            return await _member_named(name)(session)

        return work

    under_way = asyncio.ensure_future(writer.run(busy))
    await asyncio.sleep(0)
    queued = [asyncio.ensure_future(writer.run(noting(f"message {i}"))) for i in range(5)]
    urgent = asyncio.ensure_future(writer.run(noting("webhook"), first=True))
    await asyncio.sleep(0)
    may_go.set()
    await asyncio.gather(under_way, urgent, *queued)
    assert order[0] == "webhook"
    assert await _stored_names(database) == {"webhook", *(f"message {i}" for i in range(5))}


async def test_a_group_under_way_commits_early_for_a_short_write_somebody_waits_for(
    database: Database,
) -> None:
    if not database.is_sqlite:
        pytest.skip("only SQLite's work waits for a writer")
    writer = GroupCommit(database)
    order: list[str] = []
    alone_may_go, a_started, a_may_go = asyncio.Event(), asyncio.Event(), asyncio.Event()

    def noting(
        name: str, started: asyncio.Event | None = None, may_go: asyncio.Event | None = None
    ):  # type: ignore[no-untyped-def]
        async def work(session: AsyncSession) -> str:
            if started is not None:
                started.set()
            if may_go is not None:
                await may_go.wait()
            order.append(name)
            return await _member_named(name)(session)

        return work

    alone = asyncio.ensure_future(writer.run(noting("alone", may_go=alone_may_go)))
    await asyncio.sleep(0)
    group = [
        asyncio.ensure_future(writer.run(noting("a", a_started, a_may_go))),
        asyncio.ensure_future(writer.run(noting("b"))),
        asyncio.ensure_future(writer.run(noting("c"))),
    ]
    await asyncio.sleep(0)
    alone_may_go.set()
    await asyncio.wait_for(a_started.wait(), 60)  # the group of a, b and c is under way
    urgent = asyncio.ensure_future(writer.run(noting("webhook"), first=True))
    await asyncio.sleep(0)
    a_may_go.set()
    await asyncio.gather(alone, urgent, *group)
    assert order == ["alone", "a", "webhook", "b", "c"]
    assert await _stored_names(database) == {"alone", "a", "webhook", "b", "c"}


async def test_short_writes_go_in_the_order_they_came_while_others_keep_coming(
    database: Database,
) -> None:
    """A webhook's store waits for none that came after it (none waits for ever)."""
    if not database.is_sqlite:
        pytest.skip("only SQLite's work waits for a writer")
    writer = GroupCommit(database)
    order: list[str] = []
    started, may_go = asyncio.Event(), asyncio.Event()

    def noting(name: str, *, hold: bool = False):  # type: ignore[no-untyped-def]
        async def work(session: AsyncSession) -> str:
            if hold:
                started.set()
                await may_go.wait()
            order.append(name)
            return await _member_named(name)(session)

        return work

    stores = [asyncio.ensure_future(writer.run(noting("store 1", hold=True), first=True))]
    stores += [asyncio.ensure_future(writer.run(noting(f"store {i}"), first=True)) for i in (2, 3)]
    message = asyncio.ensure_future(writer.run(noting("message")))
    await asyncio.wait_for(started.wait(), 60)  # the group of stores 1-3 is under way
    stores += [asyncio.ensure_future(writer.run(noting(f"store {i}"), first=True)) for i in (4, 5)]
    await asyncio.sleep(0)
    may_go.set()
    await asyncio.gather(message, *stores)
    assert order == [*(f"store {i}" for i in range(1, 6)), "message"]
