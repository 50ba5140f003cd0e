"""Members' choices about what the bot may send them unasked: reminders, campaign messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import member_preferences
from storage.tables import day_stamp, utcnow

__all__ = ["campaigns_enabled", "reminders_enabled", "set_campaigns", "set_reminders"]


async def reminders_enabled(session: AsyncSession, member_id: int) -> bool:
    """True unless the member turned reminders off (the default is on)."""
    value = await session.scalar(
        select(member_preferences.c.reminders).where(member_preferences.c.member_id == member_id)
    )
    return value is not False


async def set_reminders(
    session: AsyncSession, member_id: int, enabled: bool, *, now: datetime | None = None
) -> None:
    """Turn the member's reminders on or off; queued reminders follow the new choice."""
    stamp = day_stamp(now or utcnow())  # a member's row keeps no time finer than the day
    changed = await session.execute(
        update(member_preferences)
        .where(member_preferences.c.member_id == member_id)
        .values(reminders=enabled, updated_at=stamp)
    )
    if changed.rowcount:
        return
    try:
        async with session.begin_nested():
            await session.execute(
                member_preferences.insert().values(
                    member_id=member_id, reminders=enabled, updated_at=stamp
                )
            )
    except IntegrityError:
        # Two messages of the member at once: the other one created the row; set it here.
        await session.execute(
            update(member_preferences)
            .where(member_preferences.c.member_id == member_id)
            .values(reminders=enabled, updated_at=stamp)
        )


async def campaigns_enabled(session: AsyncSession, member_id: int) -> bool:
    """True unless the member turned campaign messages (broadcasts) off (the default is on)."""
    value = await session.scalar(
        select(member_preferences.c.campaigns).where(member_preferences.c.member_id == member_id)
    )
    return value is not False


async def set_campaigns(
    session: AsyncSession, member_id: int, enabled: bool, *, now: datetime | None = None
) -> None:
    """Turn the member's campaign messages on or off; queued copies follow the new choice
    (the sender cancels them when it claims them)."""
    stamp = day_stamp(now or utcnow())
    values = {"campaigns": enabled, "updated_at": stamp}
    where = member_preferences.c.member_id == member_id
    if (await session.execute(update(member_preferences).where(where).values(**values))).rowcount:
        return
    try:
        async with session.begin_nested():
            await session.execute(member_preferences.insert().values(member_id=member_id, **values))
    except IntegrityError:
        # Two messages of the member at once: the other one created the row; set it here.
        await session.execute(update(member_preferences).where(where).values(**values))
