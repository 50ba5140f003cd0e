"""A month on the clock: leaders reminded, late areas reported, officers digested, all once."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.delivery.quiet_hours import LOCAL_ZONE
from bot.events.rules import remind_event_participants
from bot.monthly_reports.rules import OfficerDigest, report_rules
from bot.scheduler import DeliveryScheduler, Rule
from conversations.calendar import ReportCalendar
from conversations.monthly_reports import REPORT_FIELDS
from storage._sql import outbox
from storage.areas import area_by_code, insert_areas
from storage.database import Database
from storage.events import NewEvent, insert_event, register
from storage.monthly_reports import NewReport, insert_report
from storage.people.preferences import set_reminders
from storage.people.roles import grant_role
from storage.tips import NewTip, insert_tip
from tests.bot.delivery.harness import FakeClock, add_member, local
from tests.bot.harness import TREE as BOT_TREE
from tests.bot.harness import place

# The bot tests' tree, with three more areas: two in Đô Lương, one in Lương Sơn.
TREE = [
    *BOT_TREE,
    place("17662-002", "Thôn Tây", "thon", "17662"),
    place("17662-003", "Thôn Nam", "thon", "17662"),
    place("17641-001", "Thôn Bắc", "thon", "17641"),
]
CALENDAR = ReportCalendar()


async def holder(database: Database, user_id: int, role: str, code: str) -> int:
    member = await add_member(database, user_id)
    async with database.transaction() as session:
        area = await area_by_code(session, code)
        assert area is not None
        await grant_role(session, member_id=member.id, role=role, area_id=area.id, granted_by=None)
        return member.id


async def file(database: Database, code: str, period: str, when: datetime) -> None:
    async with database.transaction() as session:
        area = await area_by_code(session, code)
        assert area is not None
        values = dict.fromkeys(REPORT_FIELDS, 0) | {"notable_events": None, "proposals": None}
        report = NewReport(area.id, period, CALENDAR.deadline(period), False, 1, values)
        await insert_report(session, report, now=when)


async def tip_in(database: Database, code: str, tip_code: str, when: datetime) -> None:
    async with database.transaction() as session:
        area = await area_by_code(session, code)
        assert area is not None
        await insert_tip(
            session,
            NewTip(
                code=tip_code,
                category="theft",
                description="Có người lạ cạy cửa nhà bên cạnh lúc nửa đêm",
                place_text=None,
                latitude=None,
                longitude=None,
                place_unknown=True,
                occurred_date=None,
                occurred_time=None,
                occurred_unknown=True,
                anonymous=True,
                member_id=None,
                contact_phone=None,
                sender_route=None,
                locale="vi",
                received_at=when,
                area_id=area.id,
            ),
        )


async def event_with(database: Database, *, participant: int, starts: datetime) -> None:
    async with database.transaction() as session:
        area = await area_by_code(session, "17662")
        assert area is not None
        event = NewEvent(
            title="Hội nghị Công an lắng nghe ý kiến Nhân dân",
            description="Tại nhà văn hoá xã",
            place_text="Nhà văn hoá xã Đô Lương",
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            area_id=area.id,
            template=None,
            created_by=None,
        )
        event_id = await insert_event(session, event, now=local(2026, 11, 25, 10))
        await register(session, event_id, participant, now=local(2026, 11, 26, 10))


@pytest.fixture
async def commune(database: Database) -> dict[str, int]:
    async with database.transaction() as session:
        await insert_areas(session, TREE)
    return {
        "east": await holder(database, 101, "leader", "17662-001"),
        "west": await holder(database, 102, "leader", "17662-002"),
        "north": await holder(database, 103, "leader", "17641-001"),
        "officer": await holder(database, 201, "officer", "17662"),
        "other_officer": await holder(database, 202, "officer", "17641"),
    }


def scheduler(database: Database, clock: FakeClock, *, events: bool = False) -> DeliveryScheduler:
    rules: list[Rule] = report_rules(CALENDAR)
    if events:
        rules.append(remind_event_participants)
    return DeliveryScheduler(
        database,
        rules=rules,
        daily_jobs=[OfficerDigest(CALENDAR)],
        clock=clock.now,
    )


async def live_through(
    database: Database, clock: FakeClock, until: datetime
) -> dict[str, datetime]:
    """Tick every 10 minutes and run the morning jobs at 07:00, as ``antq run`` does; when each
    outbox message was queued, by dedup key (a row keeps only the day: it names a person)."""
    ticking = scheduler(database, clock, events=True)
    queued_at: dict[str, datetime] = {}
    while clock.current < until:
        await ticking.tick()
        if clock.current.astimezone(LOCAL_ZONE).strftime("%H:%M") == "07:00":
            await ticking.run_daily()
        for _, dedup_key, _, _ in await keys(database):
            queued_at.setdefault(dedup_key, clock.current)
        clock.advance(600)
    return queued_at


async def keys(database: Database) -> list[tuple[int, str, str, datetime]]:
    async with database.session() as session:
        rows = await session.execute(
            select(
                outbox.c.member_id, outbox.c.dedup_key, outbox.c.message_key, outbox.c.created_at
            ).order_by(outbox.c.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_a_month_on_the_clock_reminds_reports_and_digests_once(
    database: Database, commune: dict[str, int]
) -> None:
    await file(database, "17662-002", "2026-11", local(2026, 11, 28, 20))  # Thôn Tây filed
    await tip_in(database, "17662", "K7Q2M9XD", local(2026, 12, 3, 10))
    await event_with(database, participant=commune["west"], starts=local(2026, 12, 7, 8))
    clock = FakeClock(local(2026, 11, 30, 0, 0))
    queued_at = await live_through(database, clock, local(2026, 12, 8, 12, 0))
    queued = await keys(database)
    by_member: dict[int, list[str]] = {}
    for member_id, _, message_key, _ in queued:
        by_member.setdefault(member_id, []).append(message_key)
    reminders = ["reminder.report_due", "reminder.report_due", "reminder.report_due_today"]
    assert by_member[commune["east"]] == [*reminders, "reminder.report_late"]
    assert by_member[commune["north"]] == [*reminders, "reminder.report_late"]
    # Thôn Tây filed: never reminded of the update; reminded once of the event it joined.
    assert by_member[commune["west"]] == ["events.reminder"]
    officer = by_member[commune["officer"]]
    assert officer.count("reminder.late_areas") == 1  # the day after the deadline
    assert officer.count("digest.new_tips") == 1  # the morning after the tip came in
    assert officer.count("digest.late_areas") == 3  # 6, 7 and 8 December
    assert "digest.new_tips" not in by_member[commune["other_officer"]]
    sent_at = {
        (member_id, key): queued_at[key].astimezone(LOCAL_ZONE) for member_id, key, _, _ in queued
    }
    east = commune["east"]
    due_days = sorted(
        moment.date()
        for (member_id, key), moment in sent_at.items()
        if member_id == east and ":d-" in key
    )
    assert due_days == [date(2026, 12, 2), date(2026, 12, 4), date(2026, 12, 5)]
    assert all(
        moment.hour == 9 and moment.minute < 10
        for (member_id, key), moment in sent_at.items()
        if member_id == east
    )


async def test_the_late_notice_names_the_late_areas_of_the_officers_commune(
    database: Database, commune: dict[str, int]
) -> None:
    clock = FakeClock(local(2026, 12, 6, 9, 0))
    await scheduler(database, clock).tick()
    async with database.session() as session:
        params = (
            await session.execute(
                select(outbox.c.params).where(
                    outbox.c.member_id == commune["officer"],
                    outbox.c.message_key == "reminder.late_areas",
                )
            )
        ).scalar_one()
    assert params["count"] == 3 and params["commune"] == "Xã Đô Lương"
    assert set(params["areas"].split(", ")) == {"Thôn Đông", "Thôn Tây", "Thôn Nam"}


async def test_a_leader_with_reminders_off_is_not_reminded(
    database: Database, commune: dict[str, int]
) -> None:
    async with database.transaction() as session:
        await set_reminders(session, commune["east"], False)
    clock = FakeClock(local(2026, 12, 2, 9, 30))
    await scheduler(database, clock).tick()
    reminded = {member_id for member_id, *_ in await keys(database)}
    assert commune["north"] in reminded and commune["east"] not in reminded


async def test_before_nine_nobody_is_reminded(database: Database, commune: dict[str, int]) -> None:
    clock = FakeClock(local(2026, 12, 2, 8, 59))
    assert await scheduler(database, clock).tick() == 0


async def test_two_processes_ticking_together_queue_each_reminder_once(
    database: Database, commune: dict[str, int]
) -> None:
    clock = FakeClock(local(2026, 12, 5, 9, 0))
    first, second = scheduler(database, clock), scheduler(database, clock)
    results = await asyncio.gather(
        first.tick(), second.tick(), first.tick(), return_exceptions=True
    )
    assert not [result for result in results if isinstance(result, BaseException)]
    queued = await keys(database)
    assert len(queued) == len({key for _, key, _, _ in queued}) == 3  # one per unfiled area
    assert sum(result for result in results if isinstance(result, int)) == 3


async def test_a_quiet_morning_sends_officers_no_digest(
    database: Database, commune: dict[str, int]
) -> None:
    clock = FakeClock(local(2026, 11, 20, 7, 0))  # nothing late, no new tip
    assert await scheduler(database, clock).run_daily() == 0
    assert await keys(database) == []


async def test_a_member_turns_reminders_off_and_on_by_chat(database: Database) -> None:
    from storage._sql import identities
    from storage.people.preferences import reminders_enabled
    from tests.bot.harness import Phone, make_processor
    from tests.conversations.harness import Clock, t

    phone = Phone(make_processor(database, Clock()), user_id="555")
    await phone.send(text="/start")
    await phone.send(text="1")  # Vietnamese
    await phone.send(text="/nhacnho")
    assert t("reminders.now_on") in phone.text and t("reminders.ask") in phone.text
    await phone.send(text="tat")
    assert t("reminders.turned_off") in phone.text
    async with database.session() as session:
        member_id = await session.scalar(
            select(identities.c.member_id).where(identities.c.platform_user_id == "555")
        )
        assert member_id is not None
        assert await reminders_enabled(session, member_id) is False
    await phone.send(text="/nhacnho")
    assert t("reminders.now_off") in phone.text
    await phone.send(text="1")
    async with database.session() as session:
        assert await reminders_enabled(session, member_id) is True
