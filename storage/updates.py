"""Durable de-duplication of platform deliveries: each update is processed once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import dialect_name, processed_updates

__all__ = ["claim_update"]


async def claim_update(
    session: AsyncSession, *, channel: str, update_key: str, now: datetime
) -> bool:
    """Record ``update_key`` as processed; False when it already was.

    The claim commits or rolls back with the caller's transaction: a crash before commit leaves
    the update unclaimed, so the platform's redelivery is processed then. One statement (ON
    CONFLICT DO NOTHING) and no savepoint: it runs for every platform message.
    """
    make_insert = sqlite_insert if dialect_name(session) == "sqlite" else pg_insert
    statement = (
        make_insert(processed_updates)
        .values(channel=channel, update_key=update_key, processed_at=now)
        .on_conflict_do_nothing(
            index_elements=[processed_updates.c.channel, processed_updates.c.update_key]
        )
    )
    result = await session.execute(statement)
    return bool(result.rowcount)  # type: ignore[attr-defined]
