"""The movement's calendar: monthly report periods ("2026-11") and when each is due.

Core vocabulary: the monthly update, the reminders, the overview and the exports all count
by these periods and deadlines.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from conversations.localtime import end_of_day


def province_code(path: str) -> str | None:
    """The province's code from a place's materialised path ("/40/17662/…" → "40")."""
    parts = [part for part in path.split("/") if part]
    return parts[0] if parts else None


def period_of(day: date) -> str:
    """The period (month) a day belongs to: "2026-11"."""
    return f"{day.year:04d}-{day.month:02d}"


def shown_period(period: str) -> str:
    """ "2026-10" → "10/2026", as every text of the bot writes a month."""
    year, month = period.split("-")
    return f"{month}/{year}"


def previous_period(period: str) -> str:
    year, month = (int(part) for part in period.split("-"))
    return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"


def next_period(period: str) -> str:
    year, month = (int(part) for part in period.split("-"))
    return f"{year + 1:04d}-01" if month == 12 else f"{year:04d}-{month + 1:02d}"


def period_start(period: str) -> date:
    year, month = (int(part) for part in period.split("-"))
    return date(year, month, 1)


def period_end(period: str) -> date:
    """The last day of the period's month."""
    start = period_start(period)
    return date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])


def is_period(text: str) -> bool:
    """ "2026-10" is a period; "2026-13" and "10/2026" are not."""
    try:
        year, month = (int(part) for part in text.split("-"))
    except ValueError:
        return False
    return len(text) == 7 and 2000 <= year <= 2999 and 1 <= month <= 12


@dataclass(frozen=True)
class ReportCalendar:
    """When a monthly update is due (settings; local dates in Vietnam).

    The update of a month is due by ``deadline_day`` of the following month, unless the
    province has its own day. Until that deadline, and during the first ``previous_month_days``
    days of a month (so that a late update can still be filed, and marked late), leaders file
    for the month that just ended; after that, for the current month.

    A filed update may be corrected until the end of its deadline day, and in any case for
    ``correction_hours`` after it was filed (so that an update filed late, or just before
    the deadline, can still have a mistake put right).
    """

    deadline_day: int = 5
    province_deadline_days: Mapping[str, int] = field(default_factory=dict)
    previous_month_days: int = 10
    correction_hours: int = 72

    def period_for(self, today: date, place_path: str | None = None) -> str:
        """The period a leader files for on ``today``: the month that just ended until its
        deadline or the first ``previous_month_days`` days have passed, else this month."""
        current = period_of(today)
        previous = previous_period(current)
        if today.day <= self.previous_month_days or today <= self.deadline(previous, place_path):
            return previous
        return current

    def default_period(
        self, today: date, place_path: str | None = None, latest_filed: str | None = None
    ) -> str:
        """The month whose figures are shown when none is asked for (/tongquan, ``antq
        overview``, the web console, exports): the latest month whose updates are due — the
        one leaders of the place are asked to file now (``period_for``) — or already filed.
        ``latest_filed``: the latest period with an update filed in the place, if any."""
        due = self.period_for(today, place_path)
        if latest_filed is not None and due < latest_filed <= period_of(today):
            return latest_filed
        return due

    def deadline(self, period: str, place_path: str | None = None) -> date:
        """The last day on which the update of ``period`` counts as on time."""
        day = self.deadline_day
        province = province_code(place_path) if place_path else None
        if province is not None:
            day = self.province_deadline_days.get(province, day)
        following = period_start(next_period(period))
        last = calendar.monthrange(following.year, following.month)[1]
        return following.replace(day=min(day, last))

    def is_late(self, period: str, place_path: str | None, today: date) -> bool:
        """Filed (or corrected) on ``today``, would the update of ``period`` be late?"""
        return today > self.deadline(period, place_path)

    def correctable_until(
        self, period: str, place_path: str | None, filed_at: datetime
    ) -> datetime:
        """The instant (UTC) after which an update filed at ``filed_at`` can no longer be
        corrected: the end of its deadline day or ``correction_hours`` after it was filed,
        whichever is later."""
        window = filed_at + timedelta(hours=self.correction_hours)
        return max(end_of_day(self.deadline(period, place_path)), window)
