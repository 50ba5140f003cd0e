"""Notices: messages to members that are not direct replies, waiting for delivery.

A stand-in for the outbox: the cause and its notice are written in one transaction, and a
sender will later deliver the undelivered ones (translated with ``key`` and ``params``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import notices
from storage.tables import utcnow

__all__ = ["NoticeRecord", "add_notice", "mark_notices_delivered", "pending_notices"]


@dataclass(frozen=True, slots=True)
class NoticeRecord:
    id: int
    member_id: int
    key: str
    params: dict[str, Any]
    created_at: datetime
    delivered_at: datetime | None


async def add_notice(
    session: AsyncSession,
    member_id: int,
    key: str,
    params: dict[str, Any],
    *,
    now: datetime | None = None,
) -> None:
    await session.execute(
        insert(notices).values(
            member_id=member_id, key=key, params=params, created_at=now or utcnow()
        )
    )


async def pending_notices(session: AsyncSession, *, limit: int = 100) -> list[NoticeRecord]:
    """Undelivered notices, oldest first."""
    rows = await session.execute(
        select(notices)
        .where(notices.c.delivered_at.is_(None))
        .order_by(notices.c.created_at, notices.c.id)
        .limit(limit)
    )
    return [NoticeRecord(**row._asdict()) for row in rows]


async def mark_notices_delivered(
    session: AsyncSession, notice_ids: list[int], *, now: datetime
) -> None:
    """Hand these notices over (to the outbox): they are no longer pending."""
    if notice_ids:
        await session.execute(
            update(notices).where(notices.c.id.in_(notice_ids)).values(delivered_at=now)
        )
