"""Agencies, businesses and schools: a unit's figures (level, staff, students), the propaganda
reach it reports for the 6-month and the yearly report, and the units of a subtree with what
the year's tables hold about them (a unit is a place of the area tree: its registration,
recognition and grade are the rows of ``storage.movement_year``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import (
    Sessions,
    areas,
    inside,
    pages_by,
    standard_recognitions,
    standard_registrations,
    unit_grades,
)
from storage.tables import UnitProfile, UnitReach

__all__ = [
    "ReachRow",
    "UnitProfileRow",
    "UnitYearRow",
    "iter_units_of_year",
    "profile_of",
    "reach_of",
    "set_profile",
    "set_reach",
    "unit_profiles",
    "unit_reach",
]

unit_profiles: Table = UnitProfile.__table__  # type: ignore[assignment]
unit_reach: Table = UnitReach.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class UnitProfileRow:
    area_id: int
    level: str | None
    staff: int | None
    students: int | None

    @property
    def people(self) -> int | None:
        """Staff and students together (None when neither is known)."""
        if self.staff is None and self.students is None:
            return None
        return (self.staff or 0) + (self.students or 0)


@dataclass(frozen=True, slots=True)
class ReachRow:
    reached: int
    total: int
    document: str
    late: bool


@dataclass(frozen=True, slots=True)
class UnitYearRow:
    """A unit of a subtree with its figures and what the year's tables hold about it."""

    area_id: int
    code: str
    name: str
    kind: str
    path: str
    level: str | None
    staff: int | None
    students: int | None
    registered: bool
    people_signed: int | None  # staff and students who signed the registration
    recognised: bool | None
    grade: str | None
    half_year: ReachRow | None
    year: ReachRow | None

    @property
    def people(self) -> int | None:
        """Staff and students together (None when neither is known)."""
        if self.staff is None and self.students is None:
            return None
        return (self.staff or 0) + (self.students or 0)


async def set_profile(
    session: AsyncSession,
    area_id: int,
    *,
    level: str | None,
    staff: int | None,
    students: int | None,
    now: datetime,
) -> None:
    values = {"level": level, "staff": staff, "students": students, "updated_at": now}
    changed = await session.execute(
        update(unit_profiles).where(unit_profiles.c.area_id == area_id).values(**values)
    )
    if not changed.rowcount:  # type: ignore[attr-defined]
        await session.execute(insert(unit_profiles).values(area_id=area_id, **values))


async def profile_of(session: AsyncSession, area_id: int) -> UnitProfileRow | None:
    row = (
        await session.execute(
            select(
                unit_profiles.c.area_id,
                unit_profiles.c.level,
                unit_profiles.c.staff,
                unit_profiles.c.students,
            ).where(unit_profiles.c.area_id == area_id)
        )
    ).first()
    return UnitProfileRow(*row) if row is not None else None


async def set_reach(
    session: AsyncSession,
    area_id: int,
    year: int,
    span: str,
    *,
    reached: int,
    total: int,
    document: str,
    late: bool,
    member_id: int | None,
    now: datetime,
) -> bool:
    """Store the unit's reach of a report; True when new (not a correction)."""
    key = (unit_reach.c.area_id == area_id, unit_reach.c.year == year, unit_reach.c.span == span)
    values: dict[str, Any] = {
        "reached": reached,
        "total": total,
        "document": document,
        "late": late,
        "reported_by": member_id,
        "reported_at": now,
    }
    changed = await session.execute(update(unit_reach).where(*key).values(**values))
    if changed.rowcount:  # type: ignore[attr-defined]
        return False
    await session.execute(
        insert(unit_reach).values(area_id=area_id, year=year, span=span, **values)
    )
    return True


async def reach_of(session: AsyncSession, area_id: int, year: int, span: str) -> ReachRow | None:
    row = (
        await session.execute(
            select(
                unit_reach.c.reached, unit_reach.c.total, unit_reach.c.document, unit_reach.c.late
            ).where(
                unit_reach.c.area_id == area_id,
                unit_reach.c.year == year,
                unit_reach.c.span == span,
            )
        )
    ).first()
    return ReachRow(row[0], row[1], row[2], bool(row[3])) if row is not None else None


def _reach(row: Any, prefix: str) -> ReachRow | None:
    reached = row._mapping[f"{prefix}_reached"]
    if reached is None:
        return None
    mapping = row._mapping
    return ReachRow(
        reached,
        mapping[f"{prefix}_total"],
        mapping[f"{prefix}_document"],
        bool(mapping[f"{prefix}_late"]),
    )


async def iter_units_of_year(
    sessions: Sessions, within: str, year: int, kinds: frozenset[str], *, page_size: int = 2000
) -> AsyncIterator[UnitYearRow]:
    """Every unit (a place of ``kinds``) in the subtree, by path, with its figures, its
    registration, recognition and grade of ``year`` and its two reports' reach, page by page:
    one query per page, however many units."""
    reg, rec, grade = standard_registrations, standard_recognitions, unit_grades
    half = unit_reach.alias("half_reach")
    whole = unit_reach.alias("year_reach")

    def on(table: Any) -> Any:
        return and_(table.c.area_id == areas.c.id, table.c.year == year)

    source = (
        areas.outerjoin(unit_profiles, unit_profiles.c.area_id == areas.c.id)
        .outerjoin(reg, on(reg))
        .outerjoin(rec, on(rec))
        .outerjoin(grade, on(grade))
        .outerjoin(half, and_(on(half), half.c.span == "H1"))
        .outerjoin(whole, and_(on(whole), whole.c.span == "year"))
    )
    reach_columns = [
        column.label(f"{prefix}_{column.name}")
        for prefix, table in (("half", half), ("whole", whole))
        for column in (table.c.reached, table.c.total, table.c.document, table.c.late)
    ]
    statement = (
        select(
            areas.c.id,
            areas.c.code,
            areas.c.name,
            areas.c.kind,
            areas.c.path,
            unit_profiles.c.level,
            unit_profiles.c.staff,
            unit_profiles.c.students,
            reg.c.id.label("registration_id"),
            reg.c.people_signed,
            rec.c.recognised,
            grade.c.grade,
            *reach_columns,
        )
        .select_from(source)
        .where(inside(areas.c.path, within), areas.c.kind.in_(sorted(kinds)))
    )
    async with aclosing(pages_by(sessions, statement, areas.c.path, page_size=page_size)) as rows:
        async for row in rows:
            yield UnitYearRow(
                row.id,
                row.code,
                row.name,
                row.kind,
                row.path,
                row.level,
                row.staff,
                row.students,
                row.registration_id is not None,
                row.people_signed,
                None if row.recognised is None else bool(row.recognised),
                row.grade,
                _reach(row, "half"),
                _reach(row, "whole"),
            )
