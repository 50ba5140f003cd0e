"""The units' reminders on the clock, as the areas get them: a unit's head before the
registration deadline while the unit is not registered, before the 6-month and the yearly
report deadlines while its reach is not reported; once each, and never after it is filed.
A commune admin's grading reminder names the unit not graded beside the areas."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from bot.movement_year.rules import year_rules
from bot.scheduler import DeliveryScheduler
from bot.units.rules import unit_rules
from bot.units.service import UnitFigures, add_units, file_reach, file_registration
from conversations.targets import YearCalendar
from storage._sql import identities, outbox
from storage.database import Database
from storage.people.roles import grant_role
from tests.bot.delivery.harness import FakeClock, local
from tests.bot.units.harness import ADMIN, HEAD, PROVINCE_ADMIN, seed_commune
from tests.storage.harness import telegram_member


async def school_with_head(database: Database) -> int:
    await seed_commune(database)
    async with database.transaction() as session:
        figures = UnitFigures("17662", "Trường THCS Đô Lương", "school", "thcs", 40, 760)
        (unit,) = await add_units(session, [figures], now=local(2026, 1, 5, 9))
        head = await telegram_member(session, HEAD, "Hiệu phó")
        await grant_role(session, member_id=head, role="unit_head", area_id=unit, granted_by=None)
    return unit


async def live_through(database: Database, start: datetime, until: datetime) -> None:
    clock = FakeClock(start)
    rules = [*year_rules(YearCalendar()), *unit_rules(YearCalendar())]
    ticking = DeliveryScheduler(database, rules=rules, daily_jobs=[], clock=clock.now)
    while clock.current < until:
        await ticking.tick()
        clock.advance(1800)


async def told(database: Database, user_id: str) -> list[tuple[str, object]]:
    async with database.session() as session:
        member = (
            await session.execute(
                select(identities.c.member_id).where(identities.c.platform_user_id == user_id)
            )
        ).scalar_one()
        rows = await session.execute(
            select(outbox.c.message_key, outbox.c.params)
            .where(outbox.c.member_id == member)
            .order_by(outbox.c.id)
        )
        return [(row[0], row[1]["days"]) for row in rows]


async def test_the_head_is_reminded_to_register_until_the_unit_is(database: Database) -> None:
    unit = await school_with_head(database)
    await live_through(database, local(2026, 3, 24, 6), local(2026, 3, 25, 12))
    assert await told(database, HEAD) == [("reminder.unit.register", 7)]
    async with database.transaction() as session:
        await file_registration(
            session, unit, 2026, people=700, registered_on=date(2026, 3, 26), late=False,
            member_id=None, now=local(2026, 3, 26, 9),
        )  # fmt: skip
    await live_through(database, local(2026, 3, 25, 12), local(2026, 3, 31, 12))
    assert await told(database, HEAD) == [("reminder.unit.register", 7)]  # not the day before


async def test_the_head_is_reminded_of_each_reach_report_not_filed(database: Database) -> None:
    unit = await school_with_head(database)
    async with database.transaction() as session:
        await file_reach(
            session, unit, 2026, "H1", reached=700, total=800, document="Báo cáo số 12/BC",
            late=False, member_id=None, now=local(2026, 6, 1, 9),
        )  # fmt: skip
    await live_through(database, local(2026, 6, 6, 6), local(2026, 6, 14, 12))
    await live_through(database, local(2026, 12, 6, 6), local(2026, 12, 13, 12))
    assert await told(database, HEAD) == [
        ("reminder.unit.reach_year", 7),
        ("reminder.unit.reach_year", 1),
    ]


async def test_the_grading_reminder_names_the_unit_not_graded(database: Database) -> None:
    await school_with_head(database)
    await live_through(database, local(2026, 11, 13, 6), local(2026, 11, 13, 12))
    async with database.session() as session:
        admin = (
            await session.execute(
                select(identities.c.member_id).where(identities.c.platform_user_id == ADMIN)
            )
        ).scalar_one()
        rows = await session.execute(
            select(outbox.c.member_id, outbox.c.message_key, outbox.c.params)
        )
        grading = [(who, params["units"]) for who, key, params in rows if key.endswith("grades")]
    # Thôn Một and the school, both ungraded, named to the commune's admin.
    assert grading == [(admin, "Thôn Một, Trường THCS Đô Lương")]


async def test_the_province_admin_is_reminded_of_a_provincial_body(database: Database) -> None:
    await school_with_head(database)
    async with database.transaction() as session:
        figures = UnitFigures("40", "Sở Tư pháp Nghệ An", "agency", staff=90)
        await add_units(session, [figures], now=local(2026, 1, 5, 9))
    # 23 November: 7 days before the communes' (and provincial bodies') grading date.
    await live_through(database, local(2026, 11, 23, 6), local(2026, 11, 23, 12))
    async with database.session() as session:
        province_admin = (
            await session.execute(
                select(identities.c.member_id).where(
                    identities.c.platform_user_id == PROVINCE_ADMIN
                )
            )
        ).scalar_one()
        rows = await session.execute(
            select(outbox.c.member_id, outbox.c.message_key, outbox.c.params)
        )
        grading = [(who, params["units"]) for who, key, params in rows if key.endswith("grades")]
    assert grading == [(province_admin, "Xã Đô Lương, Sở Tư pháp Nghệ An")]
