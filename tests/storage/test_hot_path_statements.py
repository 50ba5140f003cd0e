"""The hot path's combined statements keep the guarantees of the statements they replace.

- ``lock_and_claim``: a second transaction for the same user waits for the first one's lock,
  and then finds the update claimed (a duplicate delivery is not processed twice);
- ``store_replies`` with the conversation's save: the batch is stored with the state, and a
  save that missed (another message saved first) stores nothing.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from storage._sql import pending_replies
from storage.conversations import (
    ConcurrentUpdate,
    conversation_update,
    load_conversation,
    save_conversation,
)
from storage.database import Database
from storage.people.members import find_or_create_member
from storage.reply_path.replies import store_replies
from storage.reply_path.updates import lock_and_claim

NOW = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)


async def _member(database: Database, user: str = "3003") -> tuple[int, int]:
    async with database.transaction() as session:
        member = await find_or_create_member(
            session, channel="zalo", platform_user_id=user, chat_id=user, display_name="Chi"
        )
        await save_conversation(
            session, member.id, flow="tip", step="place", data={}, expected_version=None, now=NOW
        )
    return member.id, member.identity_id


async def _waiting_for_advisory_lock(database: Database) -> None:
    """Return once some session waits for an advisory lock (PostgreSQL's own lock table)."""
    waiting = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
    while True:
        async with database.engine.connect() as connection:
            if await connection.scalar(waiting):
                return
        await asyncio.sleep(0)


async def test_lock_and_claim_claims_once(database: Database) -> None:
    async with database.transaction() as session:
        first = await lock_and_claim(
            session, channel="zalo", platform_user_id="u1", update_key="k1", now=NOW
        )
    async with database.transaction() as session:
        again = await lock_and_claim(
            session, channel="zalo", platform_user_id="u1", update_key="k1", now=NOW
        )
        other = await lock_and_claim(
            session, channel="zalo", platform_user_id="u1", update_key="k2", now=NOW
        )
    assert (first, again, other) == (True, False, True)


async def test_lock_and_claim_waits_for_the_users_earlier_update(database: Database) -> None:
    if database.is_sqlite:
        pytest.skip("SQLite has one writer at a time: no per-user lock")
    order: list[str] = []
    async with database.transaction() as holder:
        assert await lock_and_claim(
            holder, channel="zalo", platform_user_id="u7", update_key="k7", now=NOW
        )

        async def second_delivery() -> bool:
            async with database.transaction() as session:
                claimed = await lock_and_claim(
                    session, channel="zalo", platform_user_id="u7", update_key="k7", now=NOW
                )
                order.append("second")
                return claimed

        waiter = asyncio.create_task(second_delivery())
        await _waiting_for_advisory_lock(database)
        assert not waiter.done()
        order.append("first commits")
    # The same update delivered again while the first was being applied: it waited for the
    # lock, then found the update claimed by the committed first delivery.
    assert await waiter is False
    assert order == ["first commits", "second"]


async def test_replies_stored_with_the_state(database: Database) -> None:
    member_id, identity_id = await _member(database)
    async with database.transaction() as session:
        saving = conversation_update(
            member_id,
            flow="tip",
            step="describe",
            data={"a": "Hà Nội"},
            expected_version=1,
            now=NOW,
        )
        batch_id = await store_replies(
            session,
            identity_id=identity_id,
            channel="zalo",
            update_key="k1",
            locale="vi",
            payload=[{"text": "Xin mô tả sự việc"}],
            now=NOW,
            saving=saving,
        )
    async with database.transaction() as session:
        loaded = await load_conversation(session, member_id)
        stored = (
            await session.execute(
                select(pending_replies.c.id, pending_replies.c.payload).where(
                    pending_replies.c.identity_id == identity_id
                )
            )
        ).all()
    assert loaded is not None
    assert (loaded.step, loaded.data, loaded.version) == ("describe", {"a": "Hà Nội"}, 2)
    assert [tuple(row) for row in stored] == [(batch_id, [{"text": "Xin mô tả sự việc"}])]


async def test_a_missed_save_stores_no_replies(database: Database) -> None:
    member_id, identity_id = await _member(database, "3004")
    stale = conversation_update(
        member_id, flow="tip", step="describe", data={}, expected_version=5, now=NOW
    )
    with pytest.raises(ConcurrentUpdate):
        async with database.transaction() as session:
            await store_replies(
                session,
                identity_id=identity_id,
                channel="zalo",
                update_key="k2",
                locale="vi",
                payload=[{"text": "x"}],
                now=NOW,
                saving=stale,
            )
    async with database.transaction() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(pending_replies)
            .where(pending_replies.c.identity_id == identity_id)
        )
        loaded = await load_conversation(session, member_id)
    assert count == 0
    assert loaded is not None and (loaded.step, loaded.version) == ("place", 1)
