"""Times are stored in UTC and shown to people in Vietnam's time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Asia/Ho_Chi_Minh")
SHOWN_FORMAT = "%H:%M %d/%m/%Y"


def local_today(now: datetime) -> date:
    """The calendar date in Vietnam at the instant ``now``."""
    return now.astimezone(LOCAL_TIME).date()


def shown(moment: datetime) -> str:
    """``moment`` as a person in Vietnam reads it: 14:05 23/11/2026."""
    return moment.astimezone(LOCAL_TIME).strftime(SHOWN_FORMAT)
