"""Times are stored in UTC and shown to people in Vietnam's time, one way everywhere.

The zone, the clock and the shapes of a date and a time on screen live here only: a flow, a
handler or a page that shows "14:05 23/11/2026" asks ``shown``, never formats it itself.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%d/%m/%Y"
TIME_FORMAT = "%H:%M"
SHOWN_FORMAT = f"{TIME_FORMAT} {DATE_FORMAT}"


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC (the one clock of code that takes none)."""
    return datetime.now(UTC)


def local_today(now: datetime) -> date:
    """The calendar date in Vietnam at the instant ``now``."""
    return now.astimezone(LOCAL_TIME).date()


def end_of_day(day: date) -> datetime:
    """The instant (UTC) a local day ends: local midnight after it."""
    return datetime.combine(day + timedelta(days=1), time(), LOCAL_TIME).astimezone(UTC)


def shown(moment: datetime) -> str:
    """``moment`` as a person in Vietnam reads it: 14:05 23/11/2026 (a naive moment is taken
    as already local)."""
    local = moment.astimezone(LOCAL_TIME) if moment.tzinfo is not None else moment
    return local.strftime(SHOWN_FORMAT)


def shown_date(day: date | datetime) -> str:
    """A calendar day as people write it: 23/11/2026 (a datetime: its local day)."""
    if isinstance(day, datetime):
        day = day.astimezone(LOCAL_TIME) if day.tzinfo is not None else day
    return day.strftime(DATE_FORMAT)


def shown_time(moment: datetime | time) -> str:
    """A time of day as people write it: 14:05 (a datetime: its local time)."""
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        moment = moment.astimezone(LOCAL_TIME)
    return moment.strftime(TIME_FORMAT)
