"""What the reminder rules read: who leads which area, who serves which commune, which areas
filed, and the tips a commune received."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import areas, member_roles, monthly_reports, tips

__all__ = [
    "AreaHolder",
    "NewTipLine",
    "filed_areas",
    "holders_of",
    "new_tips_by_commune",
    "residential_areas",
]


@dataclass(frozen=True, slots=True)
class AreaHolder:
    """A member holding a role in a place, with the place as reminders name it."""

    member_id: int
    area_id: int
    area_name: str
    parent_name: str | None
    path: str

    @property
    def place_name(self) -> str:
        """The place as a reminder names it: "Thôn Đông, Xã Đô Lương"."""
        return f"{self.area_name}, {self.parent_name}" if self.parent_name else self.area_name


@dataclass(frozen=True, slots=True)
class NewTipLine:
    """A tip as a digest lists it: never its text, place or sender."""

    commune_path: str
    code: str
    category: str


async def holders_of(session: AsyncSession, role: str) -> list[AreaHolder]:
    """Every member holding ``role`` now, with their place, in a stable order."""
    parent = areas.alias("parent")
    rows = await session.execute(
        select(
            member_roles.c.member_id,
            areas.c.id,
            areas.c.name,
            parent.c.name,
            areas.c.path,
        )
        .join(areas, areas.c.id == member_roles.c.area_id)
        .outerjoin(parent, parent.c.id == areas.c.parent_id)
        .where(and_(member_roles.c.role == role, member_roles.c.revoked_at.is_(None)))
        .order_by(areas.c.path, member_roles.c.member_id)
    )
    return [AreaHolder(*row) for row in rows]


async def residential_areas(
    session: AsyncSession, kinds: Collection[str]
) -> list[tuple[int, str, str]]:
    """(id, name, path) of every place of the given kinds (the residential areas)."""
    rows = await session.execute(
        select(areas.c.id, areas.c.name, areas.c.path)
        .where(areas.c.kind.in_(list(kinds)))
        .order_by(areas.c.path)
    )
    return [(row[0], row[1], row[2]) for row in rows]


async def filed_areas(session: AsyncSession, period: str) -> set[int]:
    """The areas whose update of ``period`` is filed (on time or late)."""
    rows = await session.execute(
        select(monthly_reports.c.area_id).where(monthly_reports.c.period == period)
    )
    return {row[0] for row in rows}


async def new_tips_by_commune(
    session: AsyncSession, *, since: datetime, until: datetime
) -> list[NewTipLine]:
    """Tips received in [since, until) that have a place, not yet acknowledged."""
    rows = await session.execute(
        select(areas.c.path, tips.c.code, tips.c.category)
        .join(areas, areas.c.id == tips.c.area_id)
        .where(
            and_(
                tips.c.received_at >= since,
                tips.c.received_at < until,
                tips.c.acknowledged_at.is_(None),
            )
        )
        .order_by(tips.c.received_at)
    )
    return [NewTipLine(*row) for row in rows]
