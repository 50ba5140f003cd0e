"""Reminders of the movement's year (scheduler rules, Asia/Ho_Chi_Minh time, at 09:00):

- 7 days and 1 day before the registration deadline (31 March), leaders of areas not yet
  registered for the "An toàn về ANTT" standard;
- before the areas' grading deadline (20 November), commune admins whose areas are not all
  graded, with their names; before the communes' (30 November), province admins likewise;
- before the 6-month (14 June) and yearly (14 December) report deadlines, the admins of
  communes and provinces, pointing to /baocaonam.

Like the monthly reminders, a day's occasion is claimed in the transaction of its messages,
so a second tick or a second process queues nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import MemberMessage
from bot.rules import REMIND_AT
from conversations.i18n import N_
from conversations.localtime import LOCAL_TIME
from conversations.places import COMMUNE, PROVINCE, RESIDENTIAL, is_inside
from conversations.targets import YearCalendar
from storage.monthly_report_reminders import AreaHolder, holders_of, residential_areas
from storage.movement_year import areas_with_rows
from storage.outbox import REMINDER
from storage.updates import claim_update

DAYS_BEFORE = (7, 1)
NAMES_SHOWN = 15
OCCASIONS = "scheduler"


def names_list(names: Sequence[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown if len(names) <= NAMES_SHOWN else f"{shown} (+{len(names) - NAMES_SHOWN})"


def place_name(holder: AreaHolder) -> str:
    return f"{holder.area_name}, {holder.parent_name}" if holder.parent_name else holder.area_name


class YearReminders:
    """The movement's yearly reminders (a rule run on every tick)."""

    __qualname__ = "YearReminders"

    def __init__(
        self,
        calendar: YearCalendar,
        *,
        at: time = REMIND_AT,
        days_before: Sequence[int] = DAYS_BEFORE,
    ) -> None:
        self.calendar = calendar
        self.at = at
        self.days_before = tuple(days_before)

    def _due(self, deadline: tuple[int, int], today: date) -> tuple[date, int] | None:
        day = self.calendar.day(deadline, today.year)
        days = (day - today).days
        return (day, days) if days in self.days_before else None

    async def __call__(self, now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
        local = now.astimezone(LOCAL_TIME)
        if local.time() < self.at:
            return []
        today = local.date()
        occasion = f"year-reminders:{today.isoformat()}"
        if not await claim_update(session, channel=OCCASIONS, update_key=occasion, now=now):
            return []
        messages: list[MemberMessage] = []
        registration = self._due(self.calendar.registration, today)
        if registration is not None:
            messages += await self._registration(session, today.year, *registration)
        for which, kind in (
            (self.calendar.area_grades, COMMUNE),
            (self.calendar.commune_grades, PROVINCE),
        ):
            due = self._due(which, today)
            if due is not None:
                messages += await self._grades(session, today.year, kind, *due)
        for which, key in (
            (self.calendar.half_year_report, N_("reminder.year.half_year_report")),
            (self.calendar.year_report, N_("reminder.year.year_report")),
        ):
            due = self._due(which, today)
            if due is not None:
                messages += await self._reports(session, today.year, key, *due)
        return messages

    async def _registration(
        self, session: AsyncSession, year: int, deadline: date, days: int
    ) -> list[MemberMessage]:
        registered = await areas_with_rows(session, year, graded=False)
        return [
            MemberMessage(
                member_id=leader.member_id,
                kind=REMINDER,
                dedup_key=f"reminder:standard:{year}:area-{leader.area_id}:d-{days}:"
                f"member-{leader.member_id}",
                message_key=N_("reminder.year.register"),
                params={
                    "area": place_name(leader),
                    "year": year,
                    "deadline": f"{deadline:%d/%m/%Y}",
                    "days": days,
                },
            )
            for leader in await holders_of(session, "leader")
            if leader.area_id not in registered
        ]

    async def _grades(
        self, session: AsyncSession, year: int, admin_kind: str, deadline: date, days: int
    ) -> list[MemberMessage]:
        """Admins of ``admin_kind`` places whose units (areas of a commune, communes of a
        province) are not all graded."""
        graded = await areas_with_rows(session, year, graded=True)
        areas = await residential_areas(session, RESIDENTIAL)
        if admin_kind == COMMUNE:
            units = areas
        else:  # a province's communes that have areas in the bot
            with_areas = {path.split("/")[2] for _id, _name, path in areas if path.count("/") > 3}
            units = [
                unit
                for unit in await residential_areas(session, {COMMUNE})
                if unit[2].split("/")[2] in with_areas
            ]
        places = {path for _id, _name, path in await residential_areas(session, {admin_kind})}
        messages = []
        for admin in await holders_of(session, "admin"):
            if admin.path not in places:
                continue
            names = [
                name
                for unit_id, name, path in units
                if unit_id not in graded and is_inside(path, admin.path) and path != admin.path
            ]
            if not names:
                continue
            messages.append(
                MemberMessage(
                    member_id=admin.member_id,
                    kind=REMINDER,
                    dedup_key=f"reminder:grades:{year}:place-{admin.area_id}:d-{days}:"
                    f"member-{admin.member_id}",
                    message_key=N_("reminder.year.grades"),
                    params={
                        "place": place_name(admin),
                        "year": year,
                        "deadline": f"{deadline:%d/%m/%Y}",
                        "days": days,
                        "count": len(names),
                        "units": names_list(names),
                    },
                )
            )
        return messages

    async def _reports(
        self, session: AsyncSession, year: int, key: str, deadline: date, days: int
    ) -> list[MemberMessage]:
        places = {
            path for _id, _name, path in await residential_areas(session, {COMMUNE, PROVINCE})
        }
        return [
            MemberMessage(
                member_id=admin.member_id,
                kind=REMINDER,
                dedup_key=f"reminder:{key}:{year}:place-{admin.area_id}:d-{days}:"
                f"member-{admin.member_id}",
                message_key=key,
                params={
                    "place": place_name(admin),
                    "year": year,
                    "deadline": f"{deadline:%d/%m/%Y}",
                    "days": days,
                },
            )
            for admin in await holders_of(session, "admin")
            if admin.path in places
        ]


def year_rules(calendar: YearCalendar) -> list[YearReminders]:
    """The rules checked on every tick that need the year's calendar."""
    return [YearReminders(calendar)]
