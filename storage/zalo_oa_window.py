"""The Zalo OA's customer-service window, as storage needs it to count who can be reached.

An OA may write to a user only within 7 days of the user's last interaction (ZALO_OA.md §4);
past that a message fails with -230. A member's identity on the ``zalo_oa`` channel is
therefore reachable only while its ``last_seen_at`` (the last message they sent) is that
recent: previews of reminders and broadcasts count with it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_

from storage._sql import identities

CHANNEL = "zalo_oa"
CUSTOMER_SERVICE_WINDOW = timedelta(days=7)


def inside_window(now: datetime) -> ColumnElement[bool]:
    """An identity that can be written to now: not on the OA, or inside its window."""
    return or_(
        identities.c.channel != CHANNEL,
        identities.c.last_seen_at >= now - CUSTOMER_SERVICE_WINDOW,
    )
