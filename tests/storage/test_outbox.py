"""The outbox stores each message once and hands it to one sender at a time, losing none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import identities, outbox
from storage.database import Database
from storage.delivery.outbox import (
    REMINDER,
    TIP_NOTICE,
    ClaimedMessage,
    NewMessage,
    claim_due,
    count_by_status,
    enqueue,
    enqueue_many,
    mark_sent,
    reachable_identity,
    retry_later,
)
from storage.people.members import find_or_create_member
from storage.people.preferences import reminders_enabled, set_reminders
from storage.retention import FINISHED_OUTBOX, erase_expired

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)


async def _identity(database: Database, user_id: int = 1001) -> tuple[int, int]:
    async with database.transaction() as session:
        member = await find_or_create_member(
            session,
            channel="telegram",
            platform_user_id=str(user_id),
            chat_id=str(user_id),
            display_name=None,
        )
    return member.id, member.identity_id


def _message(identity_id: int, member_id: int, **changes: object) -> NewMessage:
    values: dict[str, object] = {
        "channel": "telegram",
        "kind": REMINDER,
        "not_before": NOW,
        "identity_id": identity_id,
        "member_id": member_id,
        "text": "Nhắc việc",
        "dedup_key": "reminder:1",
    }
    values.update(changes)
    return NewMessage(**values)  # type: ignore[arg-type]


async def _one_queued(database: Database) -> tuple[int, int]:
    """A member's identity with one reminder queued for it: (member id, identity id)."""
    member_id, identity_id = await _identity(database)
    async with database.transaction() as session:
        await enqueue(session, _message(identity_id, member_id), now=NOW)
    return member_id, identity_id


async def _claim(
    session: AsyncSession, *, now: datetime = NOW, limit: int = 1, channel: str = "telegram"
) -> list[ClaimedMessage]:
    """What a sender of ``channel`` claims at ``now``, with the tests' lease."""
    return await claim_due(session, channel=channel, now=now, lease=LEASE, limit=limit)


async def test_a_message_enqueued_twice_with_one_key_is_stored_once(database: Database) -> None:
    member_id, identity_id = await _identity(database)
    async with database.transaction() as session:
        assert await enqueue(session, _message(identity_id, member_id), now=NOW)
    async with database.transaction() as session:
        assert not await enqueue(session, _message(identity_id, member_id), now=NOW)
        await enqueue_many(
            session,
            [
                _message(identity_id, member_id),
                _message(identity_id, member_id, dedup_key="reminder:2"),
                _message(identity_id, member_id, dedup_key="reminder:2"),
            ],
            now=NOW,
        )
    async with database.session() as session:
        keys = (await session.execute(select(outbox.c.dedup_key))).scalars().all()
    assert sorted(keys) == ["reminder:1", "reminder:2"]


async def test_enqueue_rolls_back_with_its_cause(database: Database) -> None:
    member_id, identity_id = await _identity(database)

    class CauseFailed(Exception):
        pass

    try:
        async with database.transaction() as session:
            await enqueue(session, _message(identity_id, member_id), now=NOW)
            raise CauseFailed
    except CauseFailed:
        pass
    async with database.session() as session:
        assert await count_by_status(session) == {}


async def test_claim_takes_due_rows_best_first_and_only_once(database: Database) -> None:
    member_id, identity_id = await _identity(database)
    async with database.transaction() as session:
        await enqueue(session, _message(identity_id, member_id, dedup_key="a"), now=NOW)
        await enqueue(
            session,
            _message(identity_id, member_id, dedup_key="b", kind=TIP_NOTICE, priority=10),
            now=NOW,
        )
        later = NOW + timedelta(hours=1)
        await enqueue(
            session, _message(identity_id, member_id, dedup_key="c", not_before=later), now=NOW
        )
    async with database.transaction() as session:
        first = await _claim(session, limit=10)
    async with database.transaction() as session:
        again = await _claim(session, limit=10)
        other_channel = await _claim(session, limit=10, channel="zalo")
    assert [m.kind for m in first] == [TIP_NOTICE, REMINDER]
    assert first[0].chat_id == "1001" and first[0].attempts == 1
    assert again == [] and other_channel == []


async def test_an_expired_lease_makes_the_row_claimable_again(database: Database) -> None:
    await _one_queued(database)
    async with database.transaction() as session:
        (crashed,) = await _claim(session)
    async with database.transaction() as session:
        assert await _claim(session, now=NOW + LEASE - timedelta(seconds=1)) == []
    async with database.transaction() as session:
        (reclaimed,) = await _claim(session, now=NOW + LEASE)
        # The crashed sender's late outcome no longer applies: the row is someone else's now.
        await mark_sent(session, [crashed.id], crashed.lease_until, now=NOW + LEASE)
    assert reclaimed.id == crashed.id and reclaimed.attempts == 2
    async with database.session() as session:
        assert await count_by_status(session) == {"sending": 1}


async def test_waiting_out_a_rate_limit_uses_no_attempt(database: Database) -> None:
    await _one_queued(database)
    async with database.transaction() as session:
        (message,) = await _claim(session)
        later = NOW + timedelta(seconds=3)
        await retry_later(
            session, message, not_before=later, error="RetryAfter", count_attempt=False
        )
    async with database.transaction() as session:
        assert await _claim(session) == []
        (again,) = await _claim(session, now=later)
    assert again.attempts == 1


async def test_rows_to_a_blocked_identity_are_not_handed_out(database: Database) -> None:
    member_id, identity_id = await _identity(database)
    async with database.transaction() as session:
        await enqueue(session, _message(identity_id, member_id), now=NOW)
        await session.execute(update(identities).values(active=False))
    async with database.transaction() as session:
        assert await _claim(session, limit=5) == []
    async with database.session() as session:
        assert await count_by_status(session) == {"blocked": 1}


async def test_a_member_who_turned_reminders_off_gets_none(database: Database) -> None:
    member_id, identity_id = await _identity(database)
    async with database.transaction() as session:
        assert await reminders_enabled(session, member_id)
        await enqueue(session, _message(identity_id, member_id), now=NOW)
        await enqueue(
            session, _message(identity_id, member_id, dedup_key="tip", kind=TIP_NOTICE), now=NOW
        )
        await set_reminders(session, member_id, False, now=NOW)
    async with database.transaction() as session:
        assert not await reminders_enabled(session, member_id)
        assert await reachable_identity(session, member_id, kind=REMINDER) is None
        assert await reachable_identity(session, member_id, kind=TIP_NOTICE) == (
            identity_id,
            "telegram",
        )
        claimed = await _claim(session, limit=5)
    assert [m.kind for m in claimed] == [TIP_NOTICE]
    async with database.transaction() as session:
        await set_reminders(session, member_id, True, now=NOW)
        assert await reachable_identity(session, member_id, kind=REMINDER) is not None


async def test_sent_rows_lose_their_text_and_are_purged_later(database: Database) -> None:
    await _one_queued(database)
    async with database.transaction() as session:
        (message,) = await _claim(session)
        await mark_sent(session, [message.id], message.lease_until, now=NOW)
    async with database.transaction() as session:
        row = (await session.execute(select(outbox))).one()
        assert row.status == "sent" and row.text is None
        # A sent row keeps only its day: no time a tip's could be matched to.
        today = datetime(2026, 11, 24, tzinfo=UTC)
        assert row.finished_at == row.not_before == today
        assert await erase_expired(session, FINISHED_OUTBOX, today) == 0
        assert await erase_expired(session, FINISHED_OUTBOX, today + timedelta(seconds=1)) == 1
