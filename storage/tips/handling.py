"""A tip's handling: the officers' inbox, taking a tip and moving its status, the staff
above its place, and the 24-hour rule's escalation of tips nobody acknowledged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import (
    ancestor_paths,
    areas,
    claim_ids,
    inside,
    member_roles,
    members,
    record_columns,
    tip_status_changes,
    tips,
)

# The status recorded in a tip's history when an officer takes it (not a status of the tip).
TAKEN = "taken"


@dataclass(frozen=True, slots=True)
class InboxRow:
    """A line of an officer's inbox: no text, no place, no sender."""

    code: str
    category: str
    status: str
    received_at: datetime
    handler_member_id: int | None
    handler_name: str | None


async def list_inbox_within(session: AsyncSession, path: str, *, limit: int = 10) -> list[InboxRow]:
    """Tips placed in the subtree at ``path``: the unacknowledged ones first, newest first."""
    waiting_first = case((tips.c.acknowledged_at.is_(None), 0), else_=1)
    statement = (
        select(*record_columns(InboxRow, tips, handler_name=members.c.display_name))
        .join(areas, areas.c.id == tips.c.area_id)
        .outerjoin(members, members.c.id == tips.c.handler_member_id)
        .where(inside(areas.c.path, path))
        .order_by(waiting_first, tips.c.received_at.desc(), tips.c.id.desc())
        .limit(limit)
    )
    return [InboxRow(**row._asdict()) for row in await session.execute(statement)]


async def last_outcome(session: AsyncSession, tip_id: int) -> str | None:
    """The status of the tip's latest step other than being taken (a rejection's reason)."""
    return await session.scalar(
        select(tip_status_changes.c.status)
        .where(tip_status_changes.c.tip_id == tip_id, tip_status_changes.c.status != TAKEN)
        .order_by(tip_status_changes.c.id.desc())
        .limit(1)
    )


async def _record_step(
    session: AsyncSession, tip_id: int, status: str, note: str | None, by: int, now: datetime
) -> None:
    await session.execute(
        insert(tip_status_changes).values(
            tip_id=tip_id, status=status, note=note, changed_by=by, changed_at=now
        )
    )


async def take_tip(
    session: AsyncSession, tip_id: int, *, member_id: int, previous: int | None, now: datetime
) -> bool:
    """Make ``member_id`` the tip's handler if it is still handled by ``previous``.

    A tip nobody had acknowledged is acknowledged now. False when somebody changed the handler
    or closed the tip meanwhile (nothing is written then).
    """
    handler = tips.c.handler_member_id
    still = handler.is_(None) if previous is None else handler == previous
    result = await session.execute(
        update(tips)
        .where(tips.c.id == tip_id, still, tips.c.status.not_in(("closed", "rejected")))
        .values(
            handler_member_id=member_id,
            status=case((tips.c.status == "received", "acknowledged"), else_=tips.c.status),
            acknowledged_at=func.coalesce(tips.c.acknowledged_at, now),
        )
    )
    if not result.rowcount:
        return False
    await _record_step(session, tip_id, TAKEN, None, member_id, now)
    return True


async def change_tip_status(
    session: AsyncSession,
    tip_id: int,
    *,
    expected: str,
    status: str,
    outcome: str,
    note: str | None,
    by: int,
    now: datetime,
    final: bool,
) -> bool:
    """Move the tip from ``expected`` to ``status`` and record the step (``outcome``, note).

    Any step acknowledges a tip not yet acknowledged; forwarding keeps its time, a final
    status its closing time (the 24-hour rule is checked on these). False when the tip was
    no longer ``expected`` (another officer moved it first).
    """
    values: dict[str, Any] = {
        "status": status,
        "status_note": note,
        "acknowledged_at": func.coalesce(tips.c.acknowledged_at, now),
    }
    if status == "forwarded":
        values["forwarded_at"] = func.coalesce(tips.c.forwarded_at, now)
    if final:
        values["closed_at"] = now
    result = await session.execute(
        update(tips).where(tips.c.id == tip_id, tips.c.status == expected).values(values)
    )
    if not result.rowcount:
        return False
    await _record_step(session, tip_id, outcome, note, by, now)
    return True


@dataclass(frozen=True, slots=True)
class StaffMember:
    """A member holding a role in a place above (or at) a tip's place."""

    member_id: int
    locale: str | None
    role: str
    area_path: str


# Built once (read for every tip stored, to tell its officers); the lists expand when run.
_staff_over = (
    select(
        member_roles.c.member_id,
        members.c.locale,
        member_roles.c.role,
        areas.c.path.label("area_path"),
    )
    .join(areas, areas.c.id == member_roles.c.area_id)
    .join(members, members.c.id == member_roles.c.member_id)
    .where(
        areas.c.path.in_(bindparam("paths", expanding=True)),
        member_roles.c.role.in_(bindparam("roles", expanding=True)),
        member_roles.c.revoked_at.is_(None),
    )
    .order_by(func.length(areas.c.path).desc(), member_roles.c.member_id)
)


async def staff_over(
    session: AsyncSession, area_path: str, roles: tuple[str, ...]
) -> list[StaffMember]:
    """Members with an active role in ``roles`` held in the place at ``area_path`` or above
    it, the nearest place first (a commune's staff before the province's)."""
    if not area_path:
        return []
    rows = await session.execute(
        _staff_over, {"paths": ancestor_paths(area_path), "roles": list(roles)}
    )
    return [StaffMember(**row._asdict()) for row in rows]


@dataclass(frozen=True, slots=True)
class UnacknowledgedTip:
    """A tip claimed for escalation: still unacknowledged past the deadline."""

    id: int
    code: str
    category: str
    received_at: datetime
    area_path: str


async def claim_unacknowledged(
    session: AsyncSession, *, received_before: datetime, now: datetime, limit: int = 100
) -> list[UnacknowledgedTip]:
    """Mark as escalated, and return, placed tips received before ``received_before`` that
    nobody acknowledged and that were not escalated yet.

    Claimed with ``claim_ids``, guarded by ``escalated_at IS NULL``: two processes never claim
    the same tip.
    """
    waiting = and_(
        tips.c.acknowledged_at.is_(None),
        tips.c.escalated_at.is_(None),
        tips.c.status == "received",
        tips.c.received_at <= received_before,
        tips.c.area_id.is_not(None),
    )
    claimed = await claim_ids(
        session,
        tips,
        waiting,
        values={"escalated_at": now},
        order_by=(tips.c.received_at, tips.c.id),
        limit=limit,
    )
    if not claimed:
        return []
    rows = await session.execute(
        select(*record_columns(UnacknowledgedTip, tips, area_path=areas.c.path))
        .join(areas, areas.c.id == tips.c.area_id)
        .where(tips.c.id.in_(claimed))
        .order_by(tips.c.received_at, tips.c.id)
    )
    return [UnacknowledgedTip(**row._asdict()) for row in rows]


async def member_display_name(session: AsyncSession, member_id: int) -> str | None:
    """The name a member goes by on their platform (a handler's, shown to staff only)."""
    return await session.scalar(select(members.c.display_name).where(members.c.id == member_id))
