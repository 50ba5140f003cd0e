"""Reminders of the units' year, as the areas get them (``bot.movement_year.rules``): at
09:00 local time, 7 days and 1 day before each deadline of the ``YearCalendar``, the heads of
units not yet registered for the standard (registration deadline), and the heads of units
whose propaganda reach is not reported for the 6-month or the yearly report (those reports'
deadlines). The units' grades are in the commune admins' grading reminder beside the areas'.
"""

from __future__ import annotations

from datetime import date
from functools import partial

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.reminders import Campaign, CampaignRule, Occasion, Recipient, Reminder, Unit
from bot.rules import REMIND_AT, Rule
from conversations.i18n import N_
from conversations.policy import Role
from conversations.targets import YearCalendar
from conversations.units import HALF_YEAR_REPORT as HALF_YEAR_REACH
from conversations.units import YEAR_REPORT as YEAR_REACH
from storage.movement_year import areas_with_rows
from storage.reminders import AreaHolder, holders_of
from storage.units import unit_reach

# The dates the reminders are relative to: fields of ``YearCalendar``.
REGISTRATION, HALF_YEAR_REPORT, YEAR_REPORT = "registration", "half_year_report", "year_report"
DAYS_BEFORE = (7, 1)
HEADS_NOT_REGISTERED = "unit heads not registered"
HEADS_NO_HALF_YEAR_REACH = "unit heads without the 6-month reach"
HEADS_NO_YEAR_REACH = "unit heads without the yearly reach"

UNIT_REMINDERS = tuple(
    Reminder(
        f"units {deadline} in {days} days",
        deadline,
        -days,
        Unit.DAYS,
        REMIND_AT,
        audience,
        template,
    )
    for deadline, audience, template in (
        (REGISTRATION, HEADS_NOT_REGISTERED, N_("reminder.unit.register")),
        (HALF_YEAR_REPORT, HEADS_NO_HALF_YEAR_REACH, N_("reminder.unit.reach_half_year")),
        (YEAR_REPORT, HEADS_NO_YEAR_REACH, N_("reminder.unit.reach_year")),
    )
    for days in DAYS_BEFORE
)


def recipient(holder: AreaHolder, occasion: Occasion, what: str) -> Recipient:
    """A unit's head told of ``what`` for their unit, once per occasion."""
    year, days = occasion.day.year, occasion.days_left
    return Recipient(
        holder.member_id,
        f"reminder:{what}:{year}:unit-{holder.area_id}:d-{days}:member-{holder.member_id}",
        {
            "unit": holder.place_name,
            "year": year,
            "deadline": f"{occasion.day:%d/%m/%Y}",
            "days": days,
        },
    )


def falls_on(calendar: YearCalendar, deadline: tuple[int, int], day: date) -> bool:
    return calendar.day(deadline, day.year) == day


async def heads_not_registered(session: AsyncSession, occasion: Occasion) -> list[Recipient]:
    registered = await areas_with_rows(session, occasion.day.year, graded=False)
    return [
        recipient(head, occasion, "unit-standard")
        for head in await holders_of(session, Role.UNIT_HEAD)
        if head.area_id not in registered
    ]


async def heads_without_reach(
    session: AsyncSession, occasion: Occasion, report: str
) -> list[Recipient]:
    rows = await session.execute(
        select(unit_reach.c.area_id).where(
            unit_reach.c.year == occasion.day.year, unit_reach.c.span == report
        )
    )
    reported = {row[0] for row in rows}
    return [
        recipient(head, occasion, f"unit-reach-{report}")
        for head in await holders_of(session, Role.UNIT_HEAD)
        if head.area_id not in reported
    ]


def unit_campaign(calendar: YearCalendar) -> Campaign:
    dates = {
        name: partial(falls_on, calendar, getattr(calendar, name))
        for name in (REGISTRATION, HALF_YEAR_REPORT, YEAR_REPORT)
    }
    return Campaign(
        "unit-reminders",
        UNIT_REMINDERS,
        dates=dates,
        audiences={
            HEADS_NOT_REGISTERED: heads_not_registered,
            HEADS_NO_HALF_YEAR_REACH: partial(heads_without_reach, report=HALF_YEAR_REACH),
            HEADS_NO_YEAR_REACH: partial(heads_without_reach, report=YEAR_REACH),
        },
    )


def unit_rules(calendar: YearCalendar) -> list[Rule]:
    """The units' reminders, checked on every tick."""
    return [CampaignRule(unit_campaign(calendar))]


__all__ = ["unit_rules"]
