"""The count of wrong secret codes each member typed in a row, per kind of code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import code_attempts
from storage.tables import day_stamp

__all__ = ["load_code_attempts", "save_code_attempts"]


async def load_code_attempts(
    session: AsyncSession, member_id: int, kind: str
) -> tuple[int, datetime | None]:
    """(wrong codes in a row, locked until) for the member and kind; (0, None) when none."""
    row = (
        await session.execute(
            select(code_attempts.c.failures, code_attempts.c.locked_until).where(
                code_attempts.c.member_id == member_id, code_attempts.c.kind == kind
            )
        )
    ).one_or_none()
    return (0, None) if row is None else (row.failures, row.locked_until)


async def save_code_attempts(
    session: AsyncSession,
    member_id: int,
    kind: str,
    *,
    failures: int,
    locked_until: datetime | None,
    now: datetime,
) -> None:
    """Store the member's count (the caller holds the member's conversation lock)."""
    # The lock needs its time; when the count changed is kept to the day (a member's row).
    values = {"failures": failures, "locked_until": locked_until, "updated_at": day_stamp(now)}
    result = await session.execute(
        update(code_attempts)
        .where(code_attempts.c.member_id == member_id, code_attempts.c.kind == kind)
        .values(values)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        await session.execute(
            insert(code_attempts).values(member_id=member_id, kind=kind, **values)
        )
