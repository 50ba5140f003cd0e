"""The rule runner: reminders declared as rows are due at their offset and hour, once, and
the logs call them by name."""

from __future__ import annotations

import logging
from datetime import date, time

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.reminders import Campaign, CampaignRule, Occasion, Recipient, Reminder, Unit
from bot.scheduler import DeliveryScheduler
from storage._sql import outbox
from storage.database import Database
from tests.bot.delivery.harness import FakeClock, add_member, local

DEADLINE = date(2026, 12, 10)


def campaign(member_ids: list[int], *rows: Reminder, claimed: bool = True) -> Campaign:
    """A campaign whose audience is ``member_ids``, relative to one deadline."""

    async def everybody(session: AsyncSession, occasion: Occasion) -> list[Recipient]:
        key = f"test:{occasion.reminder.name}:{occasion.day}"
        return [Recipient(m, f"{key}:{m}", {"days": occasion.days_left}) for m in member_ids]

    return Campaign(
        "test-reminders",
        rows,
        dates={"deadline": lambda day: day == DEADLINE},
        audiences={"everybody": everybody},
        claimed=claimed,
    )


def row(name: str, offset: int, unit: Unit = Unit.DAYS, hour: time = time(9)) -> Reminder:
    return Reminder(name, "deadline", offset, unit, hour, "everybody", "reminder.test")


async def queued(database: Database) -> list[tuple[object, ...]]:
    async with database.session() as session:
        rows = await session.execute(
            select(
                outbox.c.member_id, outbox.c.message_key, outbox.c.params, outbox.c.not_before
            ).order_by(outbox.c.id)
        )
        return [tuple(found) for found in rows]


async def test_a_reminder_is_due_at_its_offset_and_hour_once_in_two_processes(
    database: Database,
) -> None:
    member = await add_member(database, 1001)
    rule = CampaignRule(campaign([member.id], row("a week before", -1, Unit.WEEKS)))
    clock = FakeClock(local(2026, 12, 3, 8, 59))
    first = DeliveryScheduler(database, rules=[rule], clock=clock.now)
    second = DeliveryScheduler(database, rules=[rule], clock=clock.now)
    assert await first.tick() == 0  # before the hour
    clock.advance(60)
    assert await first.tick() + await second.tick() + await first.tick() == 1
    clock.current = local(2026, 12, 4, 9, 0)  # the day after: nothing falls due
    assert await first.tick() == 0
    ((member_id, key, params, _),) = await queued(database)
    assert (member_id, key, params) == (member.id, "reminder.test", {"days": 7})


async def test_a_reminder_not_claimed_is_queued_early_to_go_at_its_hour(
    database: Database,
) -> None:
    member = await add_member(database, 1001)
    rule = CampaignRule(campaign([member.id], row("on the day", 0), claimed=False))
    clock = FakeClock(local(2026, 12, 10, 7, 30))
    assert await DeliveryScheduler(database, rules=[rule], clock=clock.now).tick() == 1
    ((_, _, params, not_before),) = await queued(database)
    assert params == {"days": 0} and not_before == local(2026, 12, 10, 9, 0)


async def test_the_logs_name_the_reminder_that_went_out_or_failed(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    member = await add_member(database, 1001)
    caplog.set_level(logging.INFO)
    clock = FakeClock(local(2026, 12, 9, 9, 0))
    rule = CampaignRule(campaign([member.id], row("the day before", -1)))
    await DeliveryScheduler(database, rules=[rule], clock=clock.now).tick()
    assert "reminder the day before: 1 members due" in caplog.text

    async def broken(session: AsyncSession, occasion: Occasion) -> list[Recipient]:
        raise RuntimeError("a bug in an audience")

    failing = CampaignRule(
        Campaign(
            "broken-reminders",
            (Reminder("doomed", "deadline", 0, Unit.DAYS, time(9), "broken", "reminder.test"),),
            dates={"deadline": None},
            audiences={"broken": broken},
        )
    )
    await DeliveryScheduler(database, rules=[failing], clock=clock.now).tick()
    assert "reminder doomed (broken-reminders) failed" in caplog.text
    assert "rule broken-reminders failed: RuntimeError" in caplog.text


def test_a_row_naming_an_unknown_audience_or_date_is_refused() -> None:
    with pytest.raises(ValueError, match="no audience"):
        campaign([], Reminder("x", "deadline", 0, Unit.DAYS, time(9), "nobody", "reminder.test"))
    with pytest.raises(ValueError, match="no date"):
        campaign([], Reminder("x", "someday", 0, Unit.DAYS, time(9), "everybody", "reminder.test"))
