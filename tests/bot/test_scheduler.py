"""The scheduler runs the rules on a clock; rules say who is due, the outbox keeps it once."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import MemberMessage
from bot.delivery.quiet_hours import LOCAL_ZONE
from bot.scheduler import DeliveryScheduler, Rule
from storage._sql import outbox
from storage.database import Database
from storage.delivery.outbox import DIGEST, REMINDER
from storage.people.members import mark_identity_inactive
from storage.people.preferences import set_reminders
from tests.bot.delivery.harness import FakeClock, RecordingTransport, add_member, local, sender


def remind_at_nine(member_ids: list[int]) -> Rule:
    """A rule: every member is reminded once a day, from 09:00 local time."""

    async def due(now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
        local_now = now.astimezone(LOCAL_ZONE)
        if local_now.hour < 9:
            return []
        day = local_now.date().isoformat()
        return [
            MemberMessage(m, REMINDER, f"test:{day}:{m}", text=f"Nhắc {day}") for m in member_ids
        ]

    return due


async def _queued(database: Database) -> list[tuple[int | None, str | None]]:
    async with database.session() as session:
        rows = await session.execute(
            select(outbox.c.member_id, outbox.c.dedup_key).order_by(outbox.c.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_a_rule_fires_at_its_local_time_once_however_often_it_ticks(
    database: Database,
) -> None:
    member = await add_member(database, 1001)
    clock = FakeClock(local(2026, 11, 24, 8, 58))
    scheduler = DeliveryScheduler(database, rules=[remind_at_nine([member.id])], clock=clock.now)
    queued = []
    for _ in range(5):  # 08:58 .. 09:02
        queued.append(await scheduler.tick())
        clock.advance(60)
    assert queued == [0, 0, 1, 0, 0]
    clock.current = local(2026, 11, 25, 9, 0)
    assert await scheduler.tick() == 1
    assert await _queued(database) == [
        (member.id, f"test:2026-11-24:{member.id}"),
        (member.id, f"test:2026-11-25:{member.id}"),
    ]


async def test_a_member_with_reminders_off_gets_no_reminder(database: Database) -> None:
    wants = await add_member(database, 1001)
    does_not = await add_member(database, 1002)
    async with database.transaction() as session:
        await set_reminders(session, does_not.id, False)
    clock = FakeClock(local(2026, 11, 24, 9, 0))
    rule = remind_at_nine([wants.id, does_not.id])
    assert await DeliveryScheduler(database, rules=[rule], clock=clock.now).tick() == 1
    transport = RecordingTransport()
    await sender(database, transport, clock).deliver_due()
    assert dict(transport.sent) == {"1001": ["Nhắc 2026-11-24"]}


async def test_a_blocked_member_is_skipped(database: Database) -> None:
    member = await add_member(database, 1001)
    async with database.transaction() as session:
        await mark_identity_inactive(session, channel="telegram", platform_user_id="1001")
    clock = FakeClock(local(2026, 11, 24, 9, 0))
    scheduler = DeliveryScheduler(database, rules=[remind_at_nine([member.id])], clock=clock.now)
    assert await scheduler.tick() == 0


async def test_a_failing_rule_does_not_stop_the_others(database: Database) -> None:
    member = await add_member(database, 1001)

    async def broken(now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
        raise RuntimeError("bug in a rule")

    clock = FakeClock(local(2026, 11, 24, 9, 0))
    rules = [broken, remind_at_nine([member.id])]
    assert await DeliveryScheduler(database, rules=rules, clock=clock.now).tick() == 1


async def test_a_late_evening_digest_waits_for_the_morning(database: Database) -> None:
    member = await add_member(database, 1001)

    async def digest(now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
        return [MemberMessage(member.id, DIGEST, "digest:1", text="Tóm tắt")]

    clock = FakeClock(local(2026, 11, 24, 23, 30))
    scheduler = DeliveryScheduler(database, daily_jobs=[digest], clock=clock.now)
    assert await scheduler.run_daily() == 1
    async with database.session() as session:
        not_before = (await session.execute(select(outbox.c.not_before))).scalar_one()
    assert not_before == local(2026, 11, 25, 7, 0)


async def test_the_apscheduler_ticks_at_start_and_wakes_the_senders(database: Database) -> None:
    member = await add_member(database, 1001)
    woken = asyncio.Event()
    clock = FakeClock(local(2026, 11, 24, 9, 0))
    scheduler = DeliveryScheduler(
        database, rules=[remind_at_nine([member.id])], clock=clock.now, on_queued=woken.set
    )
    scheduler.start()
    try:
        await asyncio.wait_for(woken.wait(), 5)
    finally:
        await scheduler.stop()
    assert len(await _queued(database)) == 1
