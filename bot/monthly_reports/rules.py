"""Reminders about the monthly update, the officers' morning digest, and the on/off switch.

Rules (see ``bot.scheduler``): leaders of areas that have not filed are reminded 3 days and 1
day before the deadline and on the day, at 09:00 local time; the day after the deadline they
and the commune's officers are told which areas are late. Each morning officers get a digest
of new tips and late areas of their commune, only when there is something to say.

The checks run on every tick but do their work once a day: the day's occasion is claimed in
the same transaction as the messages it queues (``claim_update``), so a second tick, or a
second process on the same database, finds it claimed and queues nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import MemberMessage
from bot.rules import REMIND_AT
from conversations.calendar import ReportCalendar, period_of, previous_period, shown_period
from conversations.fields import format_tip_code
from conversations.i18n import N_
from conversations.localtime import LOCAL_TIME
from conversations.places import RESIDENTIAL, is_inside
from storage.monthly_report_reminders import (
    AreaHolder,
    NewTipLine,
    filed_areas,
    holders_of,
    new_tips_by_commune,
    residential_areas,
)
from storage.outbox import DIGEST, REMINDER
from storage.updates import claim_update

Rule = Callable[[datetime, AsyncSession], Awaitable[Sequence[MemberMessage]]]

DAYS_BEFORE = (3, 1, 0)
# Officers' digests list an area's missing update for a week after the deadline.
LATE_LISTED_FOR = timedelta(days=7)
# Names listed in one message; the rest are counted.
NAMES_SHOWN = 15
OCCASIONS = "scheduler"


def names_list(names: Sequence[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown if len(names) <= NAMES_SHOWN else f"{shown} (+{len(names) - NAMES_SHOWN})"


def place_name(holder: AreaHolder) -> str:
    return f"{holder.area_name}, {holder.parent_name}" if holder.parent_name else holder.area_name


@dataclass(frozen=True)
class LateArea:
    area_id: int
    name: str
    path: str
    period: str
    deadline: date


class ReportReminders:
    """The monthly update's reminders and late notices (a rule run on every tick)."""

    __qualname__ = "ReportReminders"

    def __init__(
        self,
        calendar: ReportCalendar,
        *,
        at: time = REMIND_AT,
        days_before: Sequence[int] = DAYS_BEFORE,
    ) -> None:
        self.calendar = calendar
        self.at = at
        self.days_before = tuple(days_before)

    async def __call__(self, now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
        local = now.astimezone(LOCAL_TIME)
        if local.time() < self.at:
            return []
        today = local.date()
        occasion = f"report-reminders:{today.isoformat()}"
        if not await claim_update(session, channel=OCCASIONS, update_key=occasion, now=now):
            return []
        messages: list[MemberMessage] = []
        leaders = await holders_of(session, "leader")
        for period in (previous_period(period_of(today)), period_of(today)):
            filed = await filed_areas(session, period)
            messages += self._leaders(leaders, filed, period, today)
            late = await late_areas(session, self.calendar, period, filed, today - timedelta(1))
            messages += await self._officers(session, late, period)
        return messages

    def _leaders(
        self, leaders: Sequence[AreaHolder], filed: set[int], period: str, today: date
    ) -> list[MemberMessage]:
        messages = []
        for leader in leaders:
            if leader.area_id in filed:
                continue
            deadline = self.calendar.deadline(period, leader.path)
            days = (deadline - today).days
            params = {
                "area": place_name(leader),
                "period": shown_period(period),
                "deadline": deadline.strftime("%d/%m/%Y"),
                "days": days,
            }
            if days in self.days_before:
                key = N_("reminder.report_due_today") if days == 0 else N_("reminder.report_due")
                occasion = f"d-{days}"
            elif days == -1:
                key, occasion = N_("reminder.report_late"), "late"
            else:
                continue
            messages.append(
                MemberMessage(
                    member_id=leader.member_id,
                    kind=REMINDER,
                    dedup_key=(
                        f"reminder:report:{period}:area-{leader.area_id}:{occasion}:"
                        f"member-{leader.member_id}"
                    ),
                    message_key=key,
                    params=params,
                )
            )
        return messages

    async def _officers(
        self, session: AsyncSession, late: Sequence[LateArea], period: str
    ) -> list[MemberMessage]:
        if not late:
            return []
        messages = []
        for officer in await holders_of(session, "officer"):
            names = [area.name for area in late if is_inside(area.path, officer.path)]
            if not names:
                continue
            messages.append(
                MemberMessage(
                    member_id=officer.member_id,
                    kind=REMINDER,
                    dedup_key=f"late:report:{period}:place-{officer.area_id}:"
                    f"member-{officer.member_id}",
                    message_key=N_("reminder.late_areas"),
                    params={
                        "commune": officer.area_name,
                        "period": shown_period(period),
                        "count": len(names),
                        "areas": names_list(names),
                    },
                )
            )
        return messages


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

    __qualname__ = "OfficerDigest"

    def __init__(self, calendar: ReportCalendar) -> None:
        self.calendar = calendar

    async def __call__(self, now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
        today = now.astimezone(LOCAL_TIME).date()
        officers = await holders_of(session, "officer")
        if not officers:
            return []
        tips = await new_tips_by_commune(session, since=now - timedelta(days=1), until=now)
        late: list[LateArea] = []
        for period in (previous_period(period_of(today)), period_of(today)):
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
        key = f"digest:{today.isoformat()}:place-{officer.area_id}:member-{officer.member_id}"
        messages = []
        codes = [
            format_tip_code(tip.code) for tip in tips if is_inside(tip.commune_path, officer.path)
        ]
        if codes:
            messages.append(
                MemberMessage(
                    member_id=officer.member_id,
                    kind=DIGEST,
                    dedup_key=f"{key}:tips",
                    message_key=N_("digest.new_tips"),
                    params={
                        "commune": officer.area_name,
                        "count": len(codes),
                        "codes": names_list(codes),
                    },
                )
            )
        by_period: dict[str, list[str]] = defaultdict(list)
        for area in late:
            if is_inside(area.path, officer.path):
                by_period[area.period].append(area.name)
        for period, names in sorted(by_period.items()):
            messages.append(
                MemberMessage(
                    member_id=officer.member_id,
                    kind=DIGEST,
                    dedup_key=f"{key}:late-{period}",
                    message_key=N_("digest.late_areas"),
                    params={
                        "commune": officer.area_name,
                        "period": shown_period(period),
                        "count": len(names),
                        "areas": names_list(names),
                    },
                )
            )
        return messages


def report_rules(calendar: ReportCalendar) -> list[Rule]:
    """The rules checked on every tick that need the report calendar."""
    return [ReportReminders(calendar)]


def report_daily_jobs(calendar: ReportCalendar) -> list[Rule]:
    """The morning jobs that need the report calendar."""
    return [OfficerDigest(calendar)]
