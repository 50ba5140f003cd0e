"""Reminders of the movement's year: rows of a campaign (run by ``bot.reminders``), at 09:00
Asia/Ho_Chi_Minh time, 7 days and 1 day before each deadline of the ``YearCalendar``:

- the registration deadline (31 March): leaders of areas not yet registered for the
  "An toàn về ANTT" standard;
- the areas' grading deadline (20 November): commune admins whose areas are not all graded,
  with their names; the communes' (30 November): province admins likewise;
- the 6-month (14 June) and yearly (14 December) report deadlines: the admins of communes and
  provinces, pointing to /baocaonam.
"""

from __future__ import annotations

from datetime import date
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from bot.reminders import Campaign, CampaignRule, Occasion, Recipient, Reminder, Unit, names_list
from bot.rules import REMIND_AT, Rule
from conversations.i18n import N_
from conversations.places import COMMUNE, PROVINCE, RESIDENTIAL, UNITS, is_inside
from conversations.targets import YearCalendar
from storage.movement_year import areas_with_rows
from storage.reminders import AreaHolder, holders_of, residential_areas

# The dates the reminders are relative to: the fields of ``YearCalendar``.
REGISTRATION = "registration"
AREA_GRADES = "area_grades"
COMMUNE_GRADES = "commune_grades"
HALF_YEAR_REPORT = "half_year_report"
YEAR_REPORT = "year_report"
# Who is told.
LEADERS_NOT_REGISTERED = "leaders of areas not registered"
COMMUNE_ADMINS_NOT_GRADED = "commune admins with areas not graded"
PROVINCE_ADMINS_NOT_GRADED = "province admins with communes not graded"
ADMINS = "admins of communes and provinces"

DAYS_BEFORE = (7, 1)
YEAR_REMINDERS = tuple(
    Reminder(
        f"{deadline} in {days} days", deadline, -days, Unit.DAYS, REMIND_AT, audience, template
    )
    for deadline, audience, template in (
        (REGISTRATION, LEADERS_NOT_REGISTERED, N_("reminder.year.register")),
        (AREA_GRADES, COMMUNE_ADMINS_NOT_GRADED, N_("reminder.year.grades")),
        (COMMUNE_GRADES, PROVINCE_ADMINS_NOT_GRADED, N_("reminder.year.grades")),
        (HALF_YEAR_REPORT, ADMINS, N_("reminder.year.half_year_report")),
        (YEAR_REPORT, ADMINS, N_("reminder.year.year_report")),
    )
    for days in DAYS_BEFORE
)


def recipient(
    holder: AreaHolder, occasion: Occasion, what: str, by: str = "place", **more: object
) -> Recipient:
    """``holder`` as a recipient of the reminder ``what`` of the occasion's year, for their
    place (``by``: "area" or "place", as the message names it)."""
    year, days = occasion.day.year, occasion.days_left
    return Recipient(
        holder.member_id,
        f"reminder:{what}:{year}:{by}-{holder.area_id}:d-{days}:member-{holder.member_id}",
        {
            by: holder.place_name,
            "year": year,
            "deadline": f"{occasion.day:%d/%m/%Y}",
            "days": days,
            **more,
        },
    )


async def leaders_not_registered(session: AsyncSession, occasion: Occasion) -> list[Recipient]:
    registered = await areas_with_rows(session, occasion.day.year, graded=False)
    return [
        recipient(leader, occasion, "standard", "area")
        for leader in await holders_of(session, "leader")
        if leader.area_id not in registered
    ]


async def admins_not_graded(
    session: AsyncSession, occasion: Occasion, admin_kind: str
) -> list[Recipient]:
    """Admins of ``admin_kind`` places whose units (areas of a commune, communes of a
    province) are not all graded, with the units' names."""
    graded = await areas_with_rows(session, occasion.day.year, graded=True)
    # A commune's agencies, businesses and schools are graded beside its areas.
    areas = await residential_areas(session, RESIDENTIAL | UNITS)
    if admin_kind == COMMUNE:
        units = areas
    else:  # a province's communes that have areas in the bot
        with_areas = {path.split("/")[2] for _id, _name, path in areas if path.count("/") > 3}
        units = [
            unit
            for unit in await residential_areas(session, {COMMUNE})
            if unit[2].split("/")[2] in with_areas
        ]
        # The provincial bodies (agencies, businesses, schools right below the province).
        units += [unit for unit in areas if unit[2].count("/") == 3]
    places = {path for _id, _name, path in await residential_areas(session, {admin_kind})}
    found = []
    for admin in await holders_of(session, "admin"):
        if admin.path not in places:
            continue
        names = [
            name
            for unit_id, name, path in units
            if unit_id not in graded and is_inside(path, admin.path) and path != admin.path
        ]
        if names:
            found.append(
                recipient(admin, occasion, "grades", count=len(names), units=names_list(names))
            )
    return found


async def commune_admins_not_graded(session: AsyncSession, occasion: Occasion) -> list[Recipient]:
    return await admins_not_graded(session, occasion, COMMUNE)


async def province_admins_not_graded(session: AsyncSession, occasion: Occasion) -> list[Recipient]:
    return await admins_not_graded(session, occasion, PROVINCE)


async def admins(session: AsyncSession, occasion: Occasion) -> list[Recipient]:
    """The admins of communes and provinces (who file the 6-month and yearly reports)."""
    places = {path for _id, _name, path in await residential_areas(session, {COMMUNE, PROVINCE})}
    return [
        recipient(admin, occasion, occasion.reminder.template)
        for admin in await holders_of(session, "admin")
        if admin.path in places
    ]


def falls_on(calendar: YearCalendar, deadline: tuple[int, int], day: date) -> bool:
    return calendar.day(deadline, day.year) == day


def year_campaign(calendar: YearCalendar) -> Campaign:
    dates = {
        name: partial(falls_on, calendar, getattr(calendar, name))
        for name in (REGISTRATION, AREA_GRADES, COMMUNE_GRADES, HALF_YEAR_REPORT, YEAR_REPORT)
    }
    return Campaign(
        "year-reminders",
        YEAR_REMINDERS,
        dates=dates,
        audiences={
            LEADERS_NOT_REGISTERED: leaders_not_registered,
            COMMUNE_ADMINS_NOT_GRADED: commune_admins_not_graded,
            PROVINCE_ADMINS_NOT_GRADED: province_admins_not_graded,
            ADMINS: admins,
        },
    )


def year_rules(calendar: YearCalendar) -> list[Rule]:
    """The rules checked on every tick that need the year's calendar."""
    return [CampaignRule(year_campaign(calendar))]
