"""Durable de-duplication of platform deliveries: each update is processed once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import processed_updates

__all__ = ["claim_update", "forget_updates_before"]


async def claim_update(
    session: AsyncSession, *, channel: str, update_key: str, now: datetime
) -> bool:
    """Record ``update_key`` as processed; False when it already was.

    The claim commits or rolls back with the caller's transaction: a crash before commit leaves
    the update unclaimed, so the platform's redelivery is processed then.
    """
    seen = await session.scalar(
        select(func.count())
        .select_from(processed_updates)
        .where(
            processed_updates.c.channel == channel,
            processed_updates.c.update_key == update_key,
        )
    )
    if seen:
        return False
    try:
        async with session.begin_nested():
            await session.execute(
                insert(processed_updates).values(
                    channel=channel, update_key=update_key, processed_at=now
                )
            )
    except IntegrityError:
        return False
    return True


async def forget_updates_before(session: AsyncSession, before: datetime) -> int:
    """Delete claims older than ``before`` (platforms stop redelivering after a day)."""
    result = await session.execute(
        delete(processed_updates).where(processed_updates.c.processed_at < before)
    )
    return result.rowcount or 0
