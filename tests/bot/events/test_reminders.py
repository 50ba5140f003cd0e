"""Registered participants are reminded once, the day before, honouring quiet hours."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.events.rules import remind_event_participants
from bot.scheduler import RULES, DeliveryScheduler
from storage._sql import outbox
from storage.areas import area_by_code, insert_areas
from storage.database import Database
from storage.events import NewEvent, cancel_registration, insert_event, register
from storage.people.preferences import set_reminders
from tests.bot.delivery.harness import add_member, local
from tests.bot.harness import place


async def add_event(database: Database, starts: datetime, ends: datetime) -> int:
    async with database.transaction() as session:
        if await area_by_code(session, "17662") is None:
            await insert_areas(session, [place("17662", "Xã Đô Lương", "commune", None)])
        area = await area_by_code(session, "17662")
        assert area is not None
        return await insert_event(
            session,
            NewEvent(
                title="Tập huấn phòng cháy",
                description="Tập huấn",
                place_text="Nhà văn hoá",
                starts_at=starts,
                ends_at=ends,
                area_id=area.id,
                template=None,
                created_by=None,
            ),
            now=starts,
        )


async def queued(database: Database) -> list[dict[str, object]]:
    async with database.session() as session:
        result = await session.execute(select(outbox).order_by(outbox.c.id))
        return [dict(row._mapping) for row in result]


async def test_participants_are_reminded_once_the_day_before(database: Database) -> None:
    going = await add_member(database, 101, locale="vi")
    cancelled = await add_member(database, 102, locale="vi")
    silent = await add_member(database, 103, locale="en")
    tomorrow = await add_event(database, local(2026, 12, 5, 8), local(2026, 12, 5, 11))
    later = await add_event(database, local(2026, 12, 6, 8), local(2026, 12, 6, 11))
    registered_at = local(2026, 11, 30, 10)
    async with database.transaction() as session:
        for event_id in (tomorrow, later):
            for member in (going, cancelled, silent):
                await register(session, event_id, member.id, now=registered_at)
        await cancel_registration(session, tomorrow, cancelled.id, now=registered_at)
        await set_reminders(session, silent.id, False, now=registered_at)

    now = local(2026, 12, 4, 6, 30)  # the day before, still in the quiet hours
    first = DeliveryScheduler(database, rules=RULES, clock=lambda: now)
    second = DeliveryScheduler(database, rules=RULES, clock=lambda: now)
    assert await first.tick() + await second.tick() + await first.tick() == 1

    (message,) = await queued(database)
    assert message["member_id"] == going.id
    assert message["kind"] == "reminder"
    assert message["dedup_key"] == f"reminder:event:{tomorrow}:member:{going.id}"
    assert message["message_key"] == "events.reminder"
    assert message["not_before"] == local(2026, 12, 4, 9, 0)
    assert message["params"] == {
        "title": "Tập huấn phòng cháy",
        "when": "08:00 – 11:00 05/12/2026",
        "place": "Nhà văn hoá",
    }


async def test_a_late_registration_is_reminded_at_once_or_after_the_quiet_hours(
    database: Database,
) -> None:
    member = await add_member(database, 201, locale="vi")
    event_id = await add_event(database, local(2026, 12, 5, 7, 30), local(2026, 12, 5, 9))
    async with database.transaction() as session:
        await register(session, event_id, member.id, now=local(2026, 12, 4, 22, 0))

    async with database.transaction() as session:
        afternoon = await remind_event_participants(local(2026, 12, 4, 15, 0), session)
    assert [message.due for message in afternoon] == [local(2026, 12, 4, 15, 0)]

    night = DeliveryScheduler(database, rules=RULES, clock=lambda: local(2026, 12, 4, 22, 15))
    assert await night.tick() == 1
    (message,) = await queued(database)
    assert message["not_before"] == local(2026, 12, 5, 7, 0)


async def test_nobody_is_reminded_of_an_event_two_days_ahead(database: Database) -> None:
    member = await add_member(database, 301, locale="vi")
    event_id = await add_event(database, local(2026, 12, 6, 8), local(2026, 12, 6, 11))
    async with database.transaction() as session:
        await register(session, event_id, member.id, now=local(2026, 12, 1, 8))
        assert await remind_event_participants(local(2026, 12, 4, 23, 59), session) == []
        (due,) = await remind_event_participants(local(2026, 12, 5, 0, 0), session)
    assert due.member_id == member.id
