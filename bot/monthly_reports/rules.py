"""Reminders about the monthly update, and the officers' morning digest.

The reminders are rows of a campaign (run by ``bot.reminders``): leaders of areas that have
not filed are reminded 3 days and 1 day before their area's deadline and on the day, at 09:00
local time; the day after the deadline they and the commune's officers are told which areas
are late. Each morning officers get a digest of new tips and late areas of their commune,
only when there is something to say.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import MemberMessage
from bot.reminders import Campaign, CampaignRule, Occasion, Recipient, Reminder, Unit, names_list
from bot.rules import REMIND_AT, Rule
from conversations.calendar import ReportCalendar, period_of, previous_period, shown_period
from conversations.fields import format_tip_code
from conversations.i18n import N_
from conversations.localtime import LOCAL_TIME
from conversations.places import RESIDENTIAL, is_inside
from storage.delivery.outbox import DIGEST
from storage.reminders import (
    AreaHolder,
    NewTipLine,
    filed_areas,
    holders_of,
    new_tips_by_commune,
    residential_areas,
)

# What the reminders are relative to: each area's deadline of a period (areas far away may
# have a later one, see ``ReportCalendar``).
DEADLINE = "area's deadline"
# Who is told.
LEADERS_NOT_FILED = "leaders of areas not filed"
OFFICERS_OF_LATE_AREAS = "officers over areas not filed"

REPORT_REMINDERS = tuple(
    Reminder(name, DEADLINE, offset, Unit.DAYS, REMIND_AT, audience, template)
    for name, offset, audience, template in (
        ("report due in 3 days", -3, LEADERS_NOT_FILED, N_("reminder.report_due")),
        ("report due tomorrow", -1, LEADERS_NOT_FILED, N_("reminder.report_due")),
        ("report due today", 0, LEADERS_NOT_FILED, N_("reminder.report_due_today")),
        ("report late", 1, LEADERS_NOT_FILED, N_("reminder.report_late")),
        ("areas late", 1, OFFICERS_OF_LATE_AREAS, N_("reminder.late_areas")),
    )
)
# Officers' digests list an area's missing update for a week after the deadline.
LATE_LISTED_FOR = timedelta(days=7)


def open_periods(today: date) -> tuple[str, str]:
    """The periods whose deadlines can be near: last month's and this month's."""
    return previous_period(period_of(today)), period_of(today)


class ReportAudiences:
    """Who the monthly update's reminders go to, by the deployment's report calendar."""

    def __init__(self, calendar: ReportCalendar) -> None:
        self.calendar = calendar

    async def leaders_not_filed(self, session: AsyncSession, occasion: Occasion) -> list[Recipient]:
        """Leaders of the areas whose update is not filed and falls due on the occasion's day."""
        leaders = await holders_of(session, "leader")
        days = occasion.days_left
        label = f"d-{days}" if days >= 0 else "late"
        found = []
        for period in open_periods(occasion.today):
            filed = await filed_areas(session, period)
            for leader in leaders:
                if leader.area_id in filed:
                    continue
                if self.calendar.deadline(period, leader.path) != occasion.day:
                    continue
                found.append(
                    Recipient(
                        leader.member_id,
                        f"reminder:report:{period}:area-{leader.area_id}:{label}:"
                        f"member-{leader.member_id}",
                        {
                            "area": leader.place_name,
                            "period": shown_period(period),
                            "deadline": occasion.day.strftime("%d/%m/%Y"),
                            "days": days,
                        },
                    )
                )
        return found

    async def officers_of_late_areas(
        self, session: AsyncSession, occasion: Occasion
    ) -> list[Recipient]:
        """Officers over the areas whose deadline was the occasion's day, with their names."""
        found = []
        for period in open_periods(occasion.today):
            filed = await filed_areas(session, period)
            late = await late_areas(session, self.calendar, period, filed, occasion.day)
            if not late:
                continue
            for officer in await holders_of(session, "officer"):
                names = [area.name for area in late if is_inside(area.path, officer.path)]
                if names:
                    found.append(
                        Recipient(
                            officer.member_id,
                            f"late:report:{period}:place-{officer.area_id}:"
                            f"member-{officer.member_id}",
                            late_params(officer, period, names),
                        )
                    )
        return found


def report_campaign(
    calendar: ReportCalendar, reminders: Sequence[Reminder] = REPORT_REMINDERS
) -> Campaign:
    audiences = ReportAudiences(calendar)
    return Campaign(
        "report-reminders",
        tuple(reminders),
        dates={DEADLINE: None},
        audiences={
            LEADERS_NOT_FILED: audiences.leaders_not_filed,
            OFFICERS_OF_LATE_AREAS: audiences.officers_of_late_areas,
        },
    )


def late_params(officer: AreaHolder, period: str, names: Sequence[str]) -> dict[str, Any]:
    """What a message naming an officer's late areas says."""
    return {
        "commune": officer.area_name,
        "period": shown_period(period),
        "count": len(names),
        "areas": names_list(names),
    }


@dataclass(frozen=True)
class LateArea:
    area_id: int
    name: str
    path: str
    period: str
    deadline: date


async def late_areas(
    session: AsyncSession,
    calendar: ReportCalendar,
    period: str,
    filed: set[int],
    deadline_between: date,
    until: date | None = None,
) -> list[LateArea]:
    """Residential areas without an update of ``period`` whose deadline fell on
    ``deadline_between`` (or between it and ``until``)."""
    last = until or deadline_between
    found = []
    for area_id, name, path in await residential_areas(session, RESIDENTIAL):
        if area_id in filed:
            continue
        deadline = calendar.deadline(period, path)
        if deadline_between <= deadline <= last:
            found.append(LateArea(area_id, name, path, period, deadline))
    return found


class OfficerDigest:
    """Each morning, per officer: the tips of their commune not yet acknowledged that came in
    since yesterday morning, and the areas whose update is missing past the deadline."""

    name = "officer-digest"

    def __init__(self, calendar: ReportCalendar) -> None:
        self.calendar = calendar

    async def __call__(self, now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
        today = now.astimezone(LOCAL_TIME).date()
        officers = await holders_of(session, "officer")
        if not officers:
            return []
        tips = await new_tips_by_commune(session, since=now - timedelta(days=1), until=now)
        late: list[LateArea] = []
        for period in open_periods(today):
            filed = await filed_areas(session, period)
            late += await late_areas(
                session, self.calendar, period, filed, today - LATE_LISTED_FOR, today - timedelta(1)
            )
        messages = []
        for officer in officers:
            messages += self._digest(officer, tips, late, today)
        return messages

    def _digest(
        self, officer: AreaHolder, tips: Sequence[NewTipLine], late: Sequence[LateArea], today: date
    ) -> list[MemberMessage]:
        codes = [
            format_tip_code(tip.code) for tip in tips if is_inside(tip.commune_path, officer.path)
        ]
        # Each part of the digest: (what the dedup key ends with, the message, its params).
        told: list[tuple[str, str, dict[str, Any]]] = []
        if codes:
            counted = {
                "commune": officer.area_name,
                "count": len(codes),
                "codes": names_list(codes),
            }
            told.append(("tips", N_("digest.new_tips"), counted))
        by_period: dict[str, list[str]] = defaultdict(list)
        for area in late:
            if is_inside(area.path, officer.path):
                by_period[area.period].append(area.name)
        for period, names in sorted(by_period.items()):
            late_here = late_params(officer, period, names)
            told.append((f"late-{period}", N_("digest.late_areas"), late_here))
        key = f"digest:{today.isoformat()}:place-{officer.area_id}:member-{officer.member_id}"
        return [
            MemberMessage(
                officer.member_id, DIGEST, f"{key}:{part}", message_key=message, params=params
            )
            for part, message, params in told
        ]


def report_rules(calendar: ReportCalendar) -> list[Rule]:
    """The rules checked on every tick that need the report calendar."""
    return [CampaignRule(report_campaign(calendar))]


def report_daily_jobs(calendar: ReportCalendar) -> list[Rule]:
    """The morning jobs that need the report calendar."""
    return [OfficerDigest(calendar)]
