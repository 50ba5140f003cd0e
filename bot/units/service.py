"""Storing a unit and its year, one way for the chat, the list import, the command line and
the web console: a unit is a place of the tree (its code follows its parent's) with a
profile; its registration goes to the year's table, its reach to the unit's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.places import new_area
from storage.areas import area_by_code, insert_areas, next_child_codes
from storage.movement_year import set_registration
from storage.units import set_profile, set_reach

__all__ = ["UnitFigures", "add_units", "file_reach", "file_registration"]


@dataclass(frozen=True, slots=True, eq=False)
class UnitFigures:
    """A new unit: its parent's code, name, kind, level, staff and students."""

    parent_code: str
    name: str
    kind: str
    level: str | None = None
    staff: int | None = None
    students: int | None = None


async def add_units(session: AsyncSession, units: list[UnitFigures], *, now: datetime) -> list[int]:
    """Store new units (their parents exist); their place ids, in order."""
    by_parent: dict[str, list[UnitFigures]] = {}
    for unit in units:
        by_parent.setdefault(unit.parent_code, []).append(unit)
    coded: dict[int, str] = {}
    rows = []
    for parent_code, children in by_parent.items():
        codes = await next_child_codes(session, parent_code, len(children))
        for code, unit in zip(codes, children, strict=True):
            coded[id(unit)] = code
            rows.append(new_area(code, unit.name, unit.kind, parent_code))
    await insert_areas(session, rows, now=now)
    ids = []
    for unit in units:
        area = await area_by_code(session, coded[id(unit)])
        assert area is not None  # just stored
        await set_profile(
            session, area.id, level=unit.level, staff=unit.staff, students=unit.students, now=now
        )
        ids.append(area.id)
    return ids


async def file_registration(
    session: AsyncSession,
    area_id: int,
    year: int,
    *,
    people: int,
    registered_on: date,
    late: bool,
    member_id: int | None,
    now: datetime,
) -> bool:
    """A unit's registration for the standard: its staff and students who signed (no
    households: a unit has none)."""
    return await set_registration(
        session,
        area_id,
        year,
        households=None,
        people_signed=people,
        registered_on=registered_on,
        late=late,
        member_id=member_id,
        now=now,
    )


async def file_reach(
    session: AsyncSession,
    area_id: int,
    year: int,
    report: str,
    *,
    reached: int,
    total: int,
    document: str,
    late: bool,
    member_id: int | None,
    now: datetime,
) -> bool:
    return await set_reach(
        session,
        area_id,
        year,
        report,
        reached=reached,
        total=total,
        document=document,
        late=late,
        member_id=member_id,
        now=now,
    )
