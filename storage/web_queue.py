"""The web console's reads of tips: the queue with its filters and pages, a tip's history.

Lines carry no text, no sender and no phone: the code, the category, the status, the times,
the place's name, the handler's name (staff see it) and which side wrote last in the thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import (
    areas,
    inside,
    members,
    record_columns,
    tip_messages,
    tip_status_changes,
    tips,
)

__all__ = ["HistoryStep", "QueueFilter", "QueueLine", "QueuePage", "tip_history", "tip_queue"]


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the queue shows: tips inside ``paths`` (the member's places, or one of them),
    optionally of one status or category, received before ``received_before`` (age), whose
    thread waits for the officers (the tipster wrote last); oldest first or newest first."""

    paths: Sequence[str]
    status: str | None = None
    category: str | None = None
    received_before: datetime | None = None
    tipster_waiting: bool = False
    oldest_first: bool = True


@dataclass(frozen=True, slots=True)
class QueueLine:
    code: str
    category: str
    status: str
    received_at: datetime
    acknowledged_at: datetime | None
    place_name: str
    handler_member_id: int | None
    handler_name: str | None
    last_side: str | None  # "tipster" | "officer" | None: who wrote last in the thread


@dataclass(frozen=True, slots=True)
class QueuePage:
    lines: list[QueueLine]
    total: int


def _inside_any(paths: Sequence[str]) -> ColumnElement[bool]:
    if not paths:
        return false()
    return or_(*(inside(areas.c.path, path) for path in paths))


async def tip_queue(
    session: AsyncSession, wanted: QueueFilter, *, offset: int, limit: int
) -> QueuePage:
    """One page of the queue and how many tips the filter finds in all."""
    last_side = (
        select(tip_messages.c.direction)
        .where(tip_messages.c.tip_id == tips.c.id)
        .order_by(tip_messages.c.created_at.desc(), tip_messages.c.id.desc())
        .limit(1)
        .correlate(tips)
        .scalar_subquery()
    )
    conditions: list[ColumnElement[bool]] = [_inside_any(wanted.paths)]
    if wanted.status:
        conditions.append(tips.c.status == wanted.status)
    if wanted.category:
        conditions.append(tips.c.category == wanted.category)
    if wanted.received_before is not None:
        conditions.append(tips.c.received_at <= wanted.received_before)
    if wanted.tipster_waiting:
        conditions.append(last_side == "tipster")
    joined = tips.join(areas, areas.c.id == tips.c.area_id)
    total = await session.scalar(select(func.count()).select_from(joined).where(*conditions))
    order = tips.c.received_at.asc() if wanted.oldest_first else tips.c.received_at.desc()
    statement = (
        select(
            *record_columns(
                QueueLine,
                tips,
                place_name=areas.c.name,
                handler_name=members.c.display_name,
                last_side=last_side,
            )
        )
        .select_from(joined.outerjoin(members, members.c.id == tips.c.handler_member_id))
        .where(*conditions)
        .order_by(order, tips.c.id)
        .offset(offset)
        .limit(limit)
    )
    lines = [QueueLine(**row._asdict()) for row in await session.execute(statement)]
    return QueuePage(lines, int(total or 0))


@dataclass(frozen=True, slots=True)
class HistoryStep:
    """A step of a tip's handling: the status (or "taken"), its note and time; never who."""

    status: str
    note: str | None
    changed_at: datetime


async def tip_history(session: AsyncSession, code: str) -> list[HistoryStep]:
    """The steps of the tip ``code``, oldest first."""
    rows = await session.execute(
        select(*record_columns(HistoryStep, tip_status_changes))
        .join(tips, tips.c.id == tip_status_changes.c.tip_id)
        .where(tips.c.code == code)
        .order_by(tip_status_changes.c.id)
    )
    return [HistoryStep(**row._asdict()) for row in rows]
