"""``run_together``, the hot path's statements past the session's execution layer (on SQLite
one trip to the driver's thread, on PostgreSQL straight on the asyncpg adapter), behaves as
the session would: the same values back, in the same transaction, and a driver's error raised
as SQLAlchemy raises it.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, select, text
from sqlalchemy.exc import IntegrityError

from storage._sql import conversations, pending_replies, run_together
from storage.conversations import conversation_update, save_conversation
from storage.database import Database
from storage.people.members import find_or_create_member
from storage.reply_path.updates import lock_user
from tests.storage.test_hot_path_statements import _waiting_for_advisory_lock

NOW = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)
DATA = {"answers": {"place": "Ngõ 12, đường Lê Lợi"}, "photos": 2}

_conversation = select(
    conversations.c.flow, conversations.c.data, conversations.c.version, conversations.c.updated_at
).where(conversations.c.member_id == bindparam("member_id"))
_reply = pending_replies.insert().returning(pending_replies.c.id)


async def _member_with_conversation(database: Database, user: str = "4004") -> tuple[int, int]:
    async with database.transaction() as session:
        member = await find_or_create_member(
            session, channel="zalo", platform_user_id=user, chat_id=user, display_name=None
        )
        await save_conversation(
            session, member.id, flow="tip", step="place", data=DATA, expected_version=None, now=NOW
        )
    return member.id, member.identity_id


def _reply_values(identity_id: int) -> dict[str, object]:
    return {
        "identity_id": identity_id,
        "channel": "zalo",
        "update_key": None,
        "locale": "vi",
        "payload": [{"t": "text", "text": "Đã ghi nhận."}],
        "parts_sent": 0,
        "created_at": NOW,
        "removal_owed": False,
    }


async def test_rows_come_back_as_the_session_gives_them(database: Database) -> None:
    member_id, _ = await _member_with_conversation(database)
    async with database.transaction() as session:
        expected = tuple((await session.execute(_conversation, {"member_id": member_id})).one())
    async with database.transaction() as session:
        (loaded,) = await run_together(session, [(_conversation, {"member_id": member_id})])
    assert loaded.rows == [expected]
    flow, data, version, updated_at = loaded.rows[0]
    assert (flow, data, version) == ("tip", DATA, 1)
    assert updated_at.tzinfo is not None


async def test_a_missed_save_changes_nothing_and_says_so(database: Database) -> None:
    member_id, _ = await _member_with_conversation(database)
    stale = conversation_update(
        member_id, flow="tip", step="when", data={}, expected_version=7, now=NOW
    )
    fresh = conversation_update(
        member_id, flow="tip", step="when", data={}, expected_version=1, now=NOW
    )
    async with database.transaction() as session:
        missed, saved = await run_together(session, [stale, fresh])
    assert (missed.rowcount, saved.rowcount) == (0, 1)


async def test_statements_run_in_the_sessions_transaction(database: Database) -> None:
    member_id, identity_id = await _member_with_conversation(database)

    class Abandoned(Exception):
        pass

    async def abandoned() -> None:
        # The first statement of the transaction, then one through the session: both undone.
        async with database.transaction() as session:
            saving = conversation_update(
                member_id, flow="tip", step="when", data={}, expected_version=1, now=NOW
            )
            await run_together(session, [saving, (_reply, _reply_values(identity_id))])
            await session.execute(text("SELECT 1"))
            raise Abandoned

    with pytest.raises(Abandoned):
        await abandoned()
    async with database.transaction() as session:
        (loaded,) = await run_together(session, [(_conversation, {"member_id": member_id})])
        count = await session.scalar(select(pending_replies.c.id).limit(1))
    assert loaded.rows[0][2] == 1  # still the version saved before
    assert count is None


async def test_a_driver_error_is_raised_as_sqlalchemy_raises_it(database: Database) -> None:
    if database.is_sqlite:
        pytest.skip("PostgreSQL's path past the session translates the driver's errors")
    _, identity_id = await _member_with_conversation(database)
    values = _reply_values(identity_id)

    async def unknown_identity() -> None:
        async with database.transaction() as session:
            await run_together(session, [(_reply, {**values, "identity_id": identity_id + 999})])

    with pytest.raises(IntegrityError):
        await unknown_identity()
    # The connection went back to the pool in order: the next transaction works.
    async with database.transaction() as session:
        (stored,) = await run_together(session, [(_reply, values)])
    assert stored.rowcount == 1 and isinstance(stored.rows[0][0], int)


async def test_lock_user_waits_for_the_users_earlier_transaction(database: Database) -> None:
    if database.is_sqlite:
        pytest.skip("SQLite has one writer at a time: no per-user lock")
    order: list[str] = []
    async with database.transaction() as holder:
        await lock_user(holder, channel="console", platform_user_id="u9")

        async def second() -> None:
            async with database.transaction() as session:
                await lock_user(session, channel="console", platform_user_id="u9")
                order.append("second")

        waiting = asyncio.create_task(second())
        await _waiting_for_advisory_lock(database)
        order.append("first")
    await waiting
    assert order == ["first", "second"]
