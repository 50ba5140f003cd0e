"""The movement's year: registrations for the "An toàn về ANTT" standard, recognitions and the
units' grades, one row per place and year (a second filing corrects the first)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, Table, and_, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import (
    Sessions,
    after,
    areas,
    inside,
    monthly_reports,
    pages,
    pages_by,
    standard_recognitions,
    standard_registrations,
    unit_grades,
)

__all__ = [
    "Registration",
    "UnitYear",
    "YearRecord",
    "areas_with_rows",
    "iter_areas_of_kinds",
    "iter_span_filings",
    "iter_unit_years",
    "registration_of",
    "report_texts",
    "set_grade",
    "set_recognition",
    "set_registration",
    "year_records",
]


@dataclass(frozen=True, slots=True)
class Registration:
    area_id: int
    year: int
    households_registered: int | None  # an area's; a unit's is None
    registered_on: date
    late: bool
    people_signed: int | None = None  # a unit's staff and students who signed


@dataclass(frozen=True, slots=True)
class YearRecord:
    """What the year's tables hold about one place (None: nothing recorded)."""

    path: str
    households_registered: int | None = None
    registered_on: date | None = None
    registration_late: bool = False
    recognised: bool | None = None
    grade: str | None = None


async def _upsert(
    session: AsyncSession, table: Table, area_id: int, year: int, values: dict[str, Any]
) -> bool:
    """Store the place's row of the year; True when it is new (not a correction)."""
    key = (table.c.area_id == area_id, table.c.year == year)
    changed = await session.execute(update(table).where(*key).values(**values))
    if changed.rowcount:  # type: ignore[attr-defined]
        return False
    await session.execute(insert(table).values(area_id=area_id, year=year, **values))
    return True


async def set_registration(
    session: AsyncSession,
    area_id: int,
    year: int,
    *,
    households: int | None,
    registered_on: date,
    late: bool,
    member_id: int | None,
    now: datetime,
    people_signed: int | None = None,
) -> bool:
    """Record (or correct) the area's registration for the standard (a unit's: the people
    who signed, no households); True when new."""
    values = {
        "households_registered": households,
        "people_signed": people_signed,
        "registered_on": registered_on,
        "late": late,
        "registered_by": member_id,
        "registered_at": now,
    }
    return await _upsert(session, standard_registrations, area_id, year, values)


async def registration_of(session: AsyncSession, area_id: int, year: int) -> Registration | None:
    table = standard_registrations
    row = (
        await session.execute(
            select(
                table.c.area_id,
                table.c.year,
                table.c.households_registered,
                table.c.registered_on,
                table.c.late,
                table.c.people_signed,
            ).where(table.c.area_id == area_id, table.c.year == year)
        )
    ).first()
    return Registration(*row) if row is not None else None


async def set_recognition(
    session: AsyncSession,
    area_id: int,
    year: int,
    *,
    recognised: bool,
    member_id: int | None,
    now: datetime,
) -> bool:
    values = {"recognised": recognised, "decided_by": member_id, "decided_at": now}
    return await _upsert(session, standard_recognitions, area_id, year, values)


async def set_grade(
    session: AsyncSession,
    area_id: int,
    year: int,
    *,
    grade: str,
    member_id: int | None,
    now: datetime,
) -> bool:
    values = {"grade": grade, "graded_by": member_id, "graded_at": now}
    return await _upsert(session, unit_grades, area_id, year, values)


async def year_records(session: AsyncSession, within: str, year: int) -> dict[str, YearRecord]:
    """Per place path in the subtree, what the year's three tables hold (places with nothing
    recorded are left out: a province has tens of thousands of areas, most silent)."""
    found: dict[str, dict[str, Any]] = {}

    async def read(table: Table, *columns: Any) -> list[Any]:
        statement = (
            select(areas.c.path, *columns)
            .select_from(table.join(areas, areas.c.id == table.c.area_id))
            .where(inside(areas.c.path, within), table.c.year == year)
        )
        return list(await session.execute(statement))

    registrations = standard_registrations.c
    for path, households, on, late in await read(
        standard_registrations,
        registrations.households_registered,
        registrations.registered_on,
        registrations.late,
    ):
        found.setdefault(path, {}).update(
            households_registered=households, registered_on=on, registration_late=bool(late)
        )
    for path, recognised in await read(standard_recognitions, standard_recognitions.c.recognised):
        found.setdefault(path, {})["recognised"] = bool(recognised)
    for path, grade in await read(unit_grades, unit_grades.c.grade):
        found.setdefault(path, {})["grade"] = grade
    return {path: YearRecord(path, **values) for path, values in found.items()}


async def report_texts(
    session: AsyncSession, within: str, periods: list[str], column: str, *, limit: int = 50
) -> list[tuple[str, str, str]]:
    """(period, area name, text) of the updates' ``column`` ("proposals", "notable_events")
    that say something, in the subtree and ``periods``, newest first."""
    text = monthly_reports.c[column]
    statement = (
        select(monthly_reports.c.period, areas.c.name, text)
        .select_from(monthly_reports.join(areas, areas.c.id == monthly_reports.c.area_id))
        .where(
            inside(areas.c.path, within),
            monthly_reports.c.period.in_(periods),
            text.is_not(None),
            func.length(func.trim(text)) > 0,
        )
        .order_by(monthly_reports.c.period.desc(), areas.c.path)
        .limit(limit)
    )
    return [(row[0], row[1], row[2]) for row in await session.execute(statement)]


async def areas_with_rows(session: AsyncSession, year: int, *, graded: bool) -> set[int]:
    """The places registered for the standard of ``year`` (or, with ``graded``, graded)."""
    table = unit_grades if graded else standard_registrations
    rows = await session.execute(select(table.c.area_id).where(table.c.year == year))
    return {row[0] for row in rows}


@dataclass(frozen=True, slots=True)
class UnitYear:
    """A commune or residential area with what the year's tables hold about it."""

    code: str
    name: str
    kind: str
    path: str
    households_registered: int | None
    registered_on: date | None
    registration_late: bool | None
    recognised: bool | None
    grade: str | None


async def iter_unit_years(
    sessions: Sessions, within: str, year: int, kinds: frozenset[str], *, page_size: int = 2000
) -> AsyncIterator[UnitYear]:
    """Every place of ``kinds`` in the subtree, by path, with its registration, recognition
    and grade of ``year`` (None where nothing is recorded), page by page."""
    reg, rec, grade = standard_registrations, standard_recognitions, unit_grades
    source = (
        areas.outerjoin(reg, and_(reg.c.area_id == areas.c.id, reg.c.year == year))
        .outerjoin(rec, and_(rec.c.area_id == areas.c.id, rec.c.year == year))
        .outerjoin(grade, and_(grade.c.area_id == areas.c.id, grade.c.year == year))
    )
    statement = (
        select(
            areas.c.code,
            areas.c.name,
            areas.c.kind,
            areas.c.path,
            reg.c.households_registered,
            reg.c.registered_on,
            reg.c.late,
            rec.c.recognised,
            grade.c.grade,
        )
        .select_from(source)
        .where(inside(areas.c.path, within), areas.c.kind.in_(sorted(kinds)))
    )
    async with aclosing(pages_by(sessions, statement, areas.c.path, page_size=page_size)) as rows:
        async for row in rows:
            yield UnitYear(*row)


def in_subtree(within: str) -> ColumnElement[bool]:
    """``inside`` with the path's range spelled out too: SQLite uses no index for a LIKE with
    an escape, and a range lets it walk the path index from the subtree's first place."""
    following = within[:-1] + chr(ord(within[-1]) + 1) if within else "\uffff"
    path = areas.c.path
    return and_(path >= within, path < following, inside(path, within))


async def iter_areas_of_kinds(
    sessions: Sessions, within: str, kinds: frozenset[str], *, page_size: int = 5000
) -> AsyncIterator[tuple[str, str, int | None, datetime]]:
    """(path, name, households as imported, when it was added) of the subtree's places of
    ``kinds``, by path."""
    statement = select(areas.c.path, areas.c.name, areas.c.households, areas.c.created_at).where(
        in_subtree(within), areas.c.kind.in_(sorted(kinds))
    )
    async with aclosing(pages_by(sessions, statement, areas.c.path, page_size=page_size)) as rows:
        async for row in rows:
            yield row[0], row[1], row[2], row[3]


async def iter_span_filings(
    sessions: Sessions, within: str, periods: list[str], *, page_size: int = 5000
) -> AsyncIterator[tuple[str, str, int, int, bool]]:
    """(area path, period, households, households pledged, late) of every update filed in
    the subtree for ``periods``, by area and period: one pass over the span, not one per
    month. Pages follow the areas' path index, so each page costs its own rows only."""
    report = monthly_reports.c
    statement = (
        select(
            areas.c.path,
            report.period,
            report.households,
            report.households_pledged,
            report.late,
        )
        .select_from(areas.join(monthly_reports, report.area_id == areas.c.id))
        .where(in_subtree(within), report.period.in_(periods))
        .order_by(areas.c.path, report.period)
    )

    def page(last: Row[Any] | None) -> Select[Any]:
        if last is None:
            return statement
        return statement.where(after(areas.c.path, last.path, report.period, last.period))

    async with aclosing(pages(sessions, page, page_size)) as rows:
        async for row in rows:
            yield row[0], row[1], row[2], row[3], bool(row[4])
