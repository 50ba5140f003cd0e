"""The year's reminders on the clock: leaders before the registration deadline, admins before
the grading deadlines (naming the units not graded) and before the report deadlines, once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from bot.movement_year.rules import year_rules
from bot.scheduler import DeliveryScheduler
from conversations.targets import YearCalendar
from storage._sql import identities, outbox, unit_grades
from storage.database import Database
from tests.bot.delivery.harness import FakeClock, local
from tests.bot.movement_year.harness import ADMIN, LEADER, PROVINCE_ADMIN, seed_year


async def live_through(database: Database, start: datetime, until: datetime) -> None:
    clock = FakeClock(start)
    ticking = DeliveryScheduler(
        database, rules=year_rules(YearCalendar()), daily_jobs=[], clock=clock.now
    )
    while clock.current < until:
        await ticking.tick()
        clock.advance(1800)


async def messages(database: Database) -> list[tuple[int, str, dict[str, object]]]:
    async with database.session() as session:
        rows = await session.execute(
            select(outbox.c.member_id, outbox.c.message_key, outbox.c.params).order_by(outbox.c.id)
        )
        return [(row[0], row[1], row[2]) for row in rows]


async def member_id(database: Database, user_id: str) -> int:
    async with database.session() as session:
        row = (
            await session.execute(
                select(identities.c.member_id).where(identities.c.platform_user_id == user_id)
            )
        ).one()
        return int(row[0])


async def test_grading_reminders_name_the_units_not_graded_once(database: Database) -> None:
    ids = await seed_year(database)
    async with database.transaction() as session:
        # Thôn Năm's grade is taken back: it is the one area left to grade.
        await session.execute(delete(unit_grades).where(unit_grades.c.area_id == ids["17662-005"]))
    # 13 to 24 November: 7 days and 1 day before the areas' (20th) and communes' (30th) dates.
    await live_through(database, local(2026, 11, 13, 6), local(2026, 11, 24, 12))
    sent = await messages(database)
    admin, province = await member_id(database, ADMIN), await member_id(database, PROVINCE_ADMIN)
    commune_reminders = [params for who, key, params in sent if who == admin]
    assert [params["days"] for params in commune_reminders] == [7, 1]
    assert all(params["units"] == "Thôn Năm" for params in commune_reminders)
    # The province's commune is not graded: its admin is told 7 days before the 30th.
    province_reminders = [params for who, key, params in sent if who == province]
    assert [(params["days"], params["units"]) for params in province_reminders] == [
        (7, "Xã Đô Lương")
    ]
    assert {key for _, key, _ in sent} == {"reminder.year.grades"}


async def test_a_registered_area_is_not_reminded_to_register(database: Database) -> None:
    await seed_year(database)
    await live_through(database, local(2026, 3, 24, 6), local(2026, 3, 31, 12))
    sent = await messages(database)
    leader = await member_id(database, LEADER)  # Thôn Ba: not registered
    assert [(key, params["days"]) for who, key, params in sent if who == leader] == [
        ("reminder.year.register", 7),
        ("reminder.year.register", 1),
    ]


async def test_admins_are_reminded_of_the_yearly_report(database: Database) -> None:
    await seed_year(database)
    await live_through(database, local(2026, 12, 6, 6), local(2026, 12, 8, 12))
    sent = await messages(database)
    keys = [(key, params["place"]) for _, key, params in sent]
    assert ("reminder.year.year_report", "Xã Đô Lương, Nghệ An") in keys
    assert ("reminder.year.year_report", "Nghệ An") in keys
    assert len(keys) == 2
