"""The Zalo OA's customer-service window, as storage needs it to count who can be reached.

An OA may write to a user only within 7 days of the user's last interaction (ZALO_OA.md §4);
past that a message fails with -230. A member's identity on the ``zalo_oa`` channel is
therefore reachable only while its ``last_seen_at`` (the last message they sent) is that
recent: previews of reminders and broadcasts count with it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import identities

CHANNEL = "zalo_oa"
CUSTOMER_SERVICE_WINDOW = timedelta(days=7)
# Within 48 h of the user's last interaction a customer-service message is free; after it,
# until the 7 days end, it is paid (ZALO_OA.md §4).
FREE_REPLY_WINDOW = timedelta(hours=48)


async def inside_free_window(session: AsyncSession, user_id: str, now: datetime) -> bool:
    """Did ``user_id`` write to the OA within the free 48 h? ``last_seen_at`` is kept to the
    start of its day (the last message came later that day): a message it lets through is
    free for sure; one sent late on the second day may be held back though still free."""
    query = select(identities.c.last_seen_at).where(
        identities.c.channel == CHANNEL, identities.c.platform_user_id == user_id
    )
    seen = (await session.execute(query)).scalar_one_or_none()
    return seen is not None and seen >= now - FREE_REPLY_WINDOW


def inside_window(now: datetime) -> ColumnElement[bool]:
    """An identity that can be written to now: not on the OA, or inside its window."""
    return seen_since(now - CUSTOMER_SERVICE_WINDOW)


def seen_since(window_start: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """``inside_window`` for a window that began at ``window_start``: a time, or a bound
    parameter of a statement built once (``now - CUSTOMER_SERVICE_WINDOW`` given with it)."""
    return or_(identities.c.channel != CHANNEL, identities.c.last_seen_at >= window_start)
