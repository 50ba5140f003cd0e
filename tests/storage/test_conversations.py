"""Conversation state: saved after every step, never silently overwritten by a concurrent save."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from storage._sql import members
from storage.conversations import (
    ConcurrentUpdate,
    load_conversation,
    load_member_and_conversation,
    save_conversation,
)
from storage.database import Database
from storage.people.members import find_or_create_member
from storage.tables import utcnow

ANSWERS: dict[str, Any] = {
    "category": "ma tuý",
    "description": "Nhóm thanh niên tụ tập, nghi mua bán ma tuý ở bãi đất trống cạnh đình làng.",
    "place": {"text": "Thôn Đoài, xã Phù Đổng", "lat": 21.05, "lon": 105.95},
    "anonymous": True,
    "media": [{"kind": "photo", "file_id": "AgAC"}],
    "_engine": {"reminded": False, "back_stack": ["category", "description"]},
}


async def _member_id(database: Database, user: str = "2002") -> int:
    async with database.transaction() as session:
        member = await find_or_create_member(
            session, channel="zalo", platform_user_id=user, chat_id=user, display_name="Bình"
        )
    return member.id


async def test_save_and_load_round_trip_vietnamese_json(database: Database) -> None:
    member_id = await _member_id(database)
    now = datetime(2025, 5, 1, 8, 30, tzinfo=UTC)
    async with database.transaction() as session:
        assert await load_conversation(session, member_id) is None
        version = await save_conversation(
            session,
            member_id,
            flow="tip",
            step="place",
            data=ANSWERS,
            expected_version=None,
            now=now,
        )
    assert version == 1
    async with database.transaction() as session:
        loaded = await load_conversation(session, member_id)
    assert loaded is not None
    assert (loaded.flow, loaded.step, loaded.data, loaded.version) == ("tip", "place", ANSWERS, 1)
    # Kept to the day, never before the save: a draft's lifetime is never cut short.
    assert loaded.updated_at == datetime(2025, 5, 2, tzinfo=UTC)
    assert loaded.updated_at.tzinfo is not None


async def test_each_save_bumps_the_version(database: Database) -> None:
    member_id = await _member_id(database)
    version: int | None = None
    for step in ("category", "description", "place"):
        async with database.transaction() as session:
            version = await save_conversation(
                session,
                member_id,
                flow="tip",
                step=step,
                data={"step": step},
                expected_version=version,
                now=utcnow(),
            )
    assert version == 3
    async with database.transaction() as session:
        version = await save_conversation(
            session,
            member_id,
            flow=None,
            step=None,
            data={},
            expected_version=version,
            now=utcnow(),
        )
        loaded = await load_conversation(session, member_id)
    assert loaded is not None
    assert (loaded.flow, loaded.step, loaded.data, loaded.version) == (None, None, {}, 4)


async def test_stale_version_raises_concurrent_update(database: Database) -> None:
    member_id = await _member_id(database)
    async with database.transaction() as session:
        await save_conversation(
            session, member_id, flow="tip", step="a", data={}, expected_version=None, now=utcnow()
        )
    async with database.transaction() as session:
        await save_conversation(
            session, member_id, flow="tip", step="b", data={}, expected_version=1, now=utcnow()
        )
    async with database.transaction() as session:
        with pytest.raises(ConcurrentUpdate):
            await save_conversation(
                session, member_id, flow="tip", step="c", data={}, expected_version=1, now=utcnow()
            )
        # The transaction is still usable after the refusal.
        loaded = await load_conversation(session, member_id)
    assert loaded is not None
    assert (loaded.step, loaded.version) == ("b", 2)


async def test_creating_an_existing_conversation_raises_concurrent_update(
    database: Database,
) -> None:
    member_id = await _member_id(database)
    async with database.transaction() as session:
        await save_conversation(
            session, member_id, flow="tip", step="a", data={}, expected_version=None, now=utcnow()
        )
    async with database.transaction() as session:
        with pytest.raises(ConcurrentUpdate):
            await save_conversation(
                session,
                member_id,
                flow="tip",
                step="x",
                data={},
                expected_version=None,
                now=utcnow(),
            )
        loaded = await load_conversation(session, member_id)
    assert loaded is not None
    assert loaded.step == "a"


async def test_concurrent_steps_of_one_user_are_never_lost(database: Database) -> None:
    """Messages processed at once: each either saves on top of the latest or is told to retry."""
    member_id = await _member_id(database)

    async def handle_one_message() -> int:
        attempts = 0
        while True:
            attempts += 1
            try:
                async with database.transaction() as session:
                    loaded = await load_conversation(session, member_id)
                    count = loaded.data["count"] if loaded else 0
                    await asyncio.sleep(0)
                    await save_conversation(
                        session,
                        member_id,
                        flow="counter",
                        step="n",
                        data={"count": count + 1},
                        expected_version=loaded.version if loaded else None,
                        now=utcnow(),
                    )
                return attempts
            except ConcurrentUpdate:
                continue

    await asyncio.gather(*(handle_one_message() for _ in range(15)))
    async with database.session() as session:
        loaded = await load_conversation(session, member_id)
    assert loaded is not None
    assert (loaded.data, loaded.version) == ({"count": 15}, 15)


async def test_load_member_and_conversation_in_one_go(database: Database) -> None:
    async with database.transaction() as session:
        member, conversation = await load_member_and_conversation(
            session, channel="telegram", platform_user_id="42", chat_id="42", display_name="An"
        )
        assert conversation is None
        await save_conversation(
            session,
            member.id,
            flow="tip",
            step="category",
            data=ANSWERS,
            expected_version=None,
            now=utcnow(),
        )
    async with database.transaction() as session:
        again, conversation = await load_member_and_conversation(
            session, channel="telegram", platform_user_id="42", chat_id="42", display_name="An"
        )
    assert again == member
    assert conversation is not None
    assert (conversation.flow, conversation.data, conversation.version) == ("tip", ANSWERS, 1)


async def test_load_member_and_conversation_concurrent_first_messages(
    database: Database,
) -> None:
    async def first_message() -> int:
        async with database.transaction() as session:
            member, _ = await load_member_and_conversation(
                session, channel="zalo", platform_user_id="z9", chat_id="z9", display_name=None
            )
        return member.id

    ids = await asyncio.gather(*(first_message() for _ in range(20)))
    assert len(set(ids)) == 1


async def _waiting_for_a_transaction(database: Database) -> None:
    """Return once some session waits for another's transaction to end (an insert of a key
    that transaction inserted: PostgreSQL's own lock table)."""
    waiting = text("SELECT count(*) FROM pg_locks WHERE locktype = 'transactionid' AND NOT granted")
    while True:
        async with database.engine.connect() as connection:
            if await connection.scalar(waiting):
                return
        await asyncio.sleep(0)


async def test_a_first_message_that_lost_the_race_finds_the_winners_conversation(
    database: Database,
) -> None:
    # A member created by this transaction has no conversation to read back; one created by
    # a concurrent first message may have one already, and it is read.
    if database.is_sqlite:
        pytest.skip("SQLite has one writer at a time: no race for a new member")
    user = {"channel": "zalo", "platform_user_id": "z7", "chat_id": "z7", "display_name": None}

    async def second_message() -> tuple[Any, Any]:
        async with database.transaction() as session:
            return await load_member_and_conversation(session, **user)

    async with database.transaction() as session:
        winner, none_yet = await load_member_and_conversation(session, **user)
        await save_conversation(
            session,
            winner.id,
            flow="tip",
            step="category",
            data=ANSWERS,
            expected_version=None,
            now=utcnow(),
        )
        late = asyncio.create_task(second_message())
        # The second message's identity waits for this transaction's.
        await _waiting_for_a_transaction(database)
    member, conversation = await late
    assert none_yet is None
    assert member.id == winner.id
    assert conversation is not None
    assert (conversation.flow, conversation.data, conversation.version) == ("tip", ANSWERS, 1)
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(members)) == 1


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(
    max_examples=40,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.dictionaries(st.text(max_size=12), json_values, max_size=5))
async def test_any_json_answers_round_trip(sqlite_database: Database, data: dict[str, Any]) -> None:
    async with sqlite_database.transaction() as session:
        member = await find_or_create_member(
            session, channel="console", platform_user_id="me", chat_id="me", display_name=None
        )
        existing = await load_conversation(session, member.id)
        await save_conversation(
            session,
            member.id,
            flow="x",
            step="y",
            data=data,
            expected_version=existing.version if existing else None,
            now=utcnow(),
        )
    async with sqlite_database.session() as session:
        loaded = await load_conversation(session, member.id)
    assert loaded is not None
    assert loaded.data == data
