"""Transactions on connections held between them (``storage.held``, the hot path's on both
databases): each one committed or rolled back as ``Database.transaction()`` would, and a
connection kept only while it is sound."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from storage._sql import members, run_together
from storage.database import Database
from storage.held import HOLD_SECONDS, HeldConnections
from storage.reply_path.updates import lock_user
from storage.tables import MemberRow
from tests.storage.test_hot_path_statements import _waiting_for_advisory_lock

NOW = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)
_new_member = members.insert().returning(members.c.id)
_backend = select(func.pg_backend_pid())


def _member(name: str) -> dict[str, object]:
    return {"display_name": name, "locale": "vi", "created_at": NOW}


async def _names(database: Database) -> set[str]:
    async with database.transaction() as session:
        return set((await session.execute(select(members.c.display_name))).scalars())


async def _backend_of(held: HeldConnections) -> int:
    async with held.transaction() as session:
        ((pid,),) = (await run_together(session, [(_backend, {})]))[0].rows
    return int(pid)


async def test_driver_statements_alone_are_committed_on_the_kept_connection(
    database: Database,
) -> None:
    async with database.held.transaction() as session:
        await run_together(session, [(_new_member, _member("An"))])
        first = session.bind
    async with database.held.transaction() as session:
        await run_together(session, [(_new_member, _member("Bình"))])
        second = session.bind
    assert await _names(database) == {"An", "Bình"}
    assert first is second


async def test_work_of_the_orm_and_of_the_session_is_committed(database: Database) -> None:
    async with database.held.transaction() as session:
        session.add(MemberRow(display_name="Chi", locale="vi", created_at=NOW))
        await session.execute(members.insert().values(_member("Dũng")))
        await run_together(session, [(_new_member, _member("Giang"))])
    assert await _names(database) == {"Chi", "Dũng", "Giang"}


async def test_an_error_rolls_everything_back_and_the_next_transaction_starts_clean(
    database: Database,
) -> None:
    async def failing() -> None:
        async with database.held.transaction() as session:
            await run_together(session, [(_new_member, _member("Hà"))])
            await session.execute(members.insert().values(_member("Khánh")))
            raise LookupError("the work failed")

    with pytest.raises(LookupError):
        await failing()
    async with database.held.transaction() as session:
        await run_together(session, [(_new_member, _member("Lan"))])
    assert await _names(database) == {"Lan"}


async def test_a_connection_the_server_dropped_is_replaced(
    database_url: str, database: Database
) -> None:
    if database.is_sqlite:
        pytest.skip("an SQLite connection has no server to drop it")
    dropped = await _backend_of(database.held)
    admin = Database(database_url)
    try:
        async with admin.transaction() as session:
            await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dropped})
    finally:
        await admin.dispose()
    with pytest.raises(DBAPIError) as raised:
        await _backend_of(database.held)
    assert raised.value.connection_invalidated
    assert await _backend_of(database.held) != dropped


async def test_a_transaction_cancelled_midway_leaves_nothing_behind(database: Database) -> None:
    if database.is_sqlite:
        pytest.skip("SQLite has one writer at a time: no per-user lock to wait for")
    async with database.transaction() as holder:
        await lock_user(holder, channel="console", platform_user_id="u1")

        async def waiting_for_the_lock() -> None:
            async with database.held.transaction() as session:
                await run_together(session, [(_new_member, _member("Minh"))])
                await lock_user(session, channel="console", platform_user_id="u1")

        cancelled = asyncio.create_task(waiting_for_the_lock())
        await _waiting_for_advisory_lock(database)
        cancelled.cancel()
        with pytest.raises(asyncio.CancelledError):
            await cancelled
    async with database.held.transaction() as session:
        await run_together(session, [(_new_member, _member("Nga"))])
    assert await _names(database) == {"Nga"}
    # The cancelled one's connection went back to the pool: only the one held now is out.
    assert database.engine.pool.checkedout() == 1  # type: ignore[attr-defined]


async def test_a_connection_goes_back_to_the_pool_after_a_while(database: Database) -> None:
    now = [0.0]
    held = HeldConnections(database.engine, clock=lambda: now[0])
    try:
        async with held.transaction() as session:
            first = session.bind
        now[0] += HOLD_SECONDS / 2
        async with held.transaction() as session:
            assert session.bind is first
        now[0] += HOLD_SECONDS
        async with held.transaction() as session:
            assert session.bind is not first
        assert first.closed
    finally:
        await held.close()


async def test_closing_gives_the_held_connections_back_to_the_pool(database: Database) -> None:
    async with database.held.transaction() as session:
        kept = session.bind
    assert database.engine.pool.checkedout() == 1  # type: ignore[attr-defined]
    await database.held.close()
    assert database.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    assert kept.closed


async def test_dispose_closes_the_held_connections(database: Database) -> None:
    async with database.held.transaction() as session:
        kept = session.bind
    await database.dispose()
    assert kept.closed
