"""Importing agencies, businesses and schools from a CSV file, as residential areas are
(``bot.people.area_import``: the same file rules, line numbers, all or nothing, dry run).

The header names at least ``parent_code``, ``name`` and ``kind`` (cơ quan, doanh nghiệp, cơ sở
giáo dục / trường, or agency, business, school), and optionally ``level`` (a school's: mầm
non, tiểu học, THCS, THPT, GDNN-GDTX, đại học), ``staff`` and ``students``. A unit's parent is
a commune, or a province for a provincial body.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.csv_import import BadFile, ImportReport, LineError, read_csv_rows
from bot.places import clean_name
from bot.units.service import UnitFigures, add_units
from conversations.parsing import ParseError, fold, parse_integer
from conversations.places import COMMUNE, PROVINCE, SCHOOL, UNIT_KINDS
from conversations.units import MAX_PEOPLE, SCHOOL_LEVELS
from storage.areas import AreaRecord, area_by_code, child_names
from storage.tables import utcnow

__all__ = ["BadFile", "ImportReport", "import_units"]

REQUIRED_COLUMNS = ("parent_code", "name", "kind")
MAX_NAME = 128
_KINDS = {fold(word): kind.id for kind in UNIT_KINDS for word in (*kind.words, kind.id)}
_LEVELS = {
    fold(word): option.id
    for option in SCHOOL_LEVELS.options
    for word in (*option.synonyms, option.id.replace("_", " "), option.id)
}


@dataclass(frozen=True)
class UnitLine:
    line: int
    unit: UnitFigures


def _count(line: int, column: str, text: str) -> int | LineError | None:
    if not text:
        return None
    try:
        return parse_integer(text, minimum=0, maximum=MAX_PEOPLE)
    except ParseError:
        return LineError(line, f"{column} {text!r} is not a whole number from 0 to {MAX_PEOPLE:,}")


def _parse_line(line: int, row: dict[str, str | None]) -> UnitLine | LineError:
    def cell(name: str) -> str:
        return clean_name(row.get(name) or "")

    parent_code, name = cell("parent_code"), cell("name")
    if not parent_code:
        return LineError(line, "parent_code is empty")
    if not name or len(name) > MAX_NAME:
        return LineError(line, f"name is empty or longer than {MAX_NAME} characters")
    kind = _KINDS.get(fold(cell("kind")))
    if kind is None:
        known = ", ".join(kind.id for kind in UNIT_KINDS)
        return LineError(line, f"unknown kind {cell('kind')!r} (expected one of: {known})")
    level = None
    if cell("level"):
        level = _LEVELS.get(fold(cell("level")).replace("-", " "))
        if level is None or kind != SCHOOL:
            return LineError(line, f"level {cell('level')!r} is not a school's level")
    staff = _count(line, "staff", cell("staff"))
    if isinstance(staff, LineError):
        return staff
    students = _count(line, "students", cell("students"))
    if isinstance(students, LineError):
        return students
    return UnitLine(line, UnitFigures(parent_code, name, kind, level, staff, students))


async def _check_against_database(
    session: AsyncSession, lines: list[UnitLine]
) -> tuple[list[UnitLine], list[LineError]]:
    parents: dict[str, AreaRecord | None] = {}
    existing: dict[str, set[str]] = {}
    seen: dict[tuple[str, str], int] = {}
    good: list[UnitLine] = []
    errors: list[LineError] = []
    for line in lines:
        code = line.unit.parent_code
        if code not in parents:
            found = parents[code] = await area_by_code(session, code)
            if found is not None:
                names = await child_names(session, found.id)
                existing[code] = {name.casefold() for name in names}
        parent = parents[code]
        if parent is None:
            errors.append(LineError(line.line, f"unknown parent area {code!r}"))
            continue
        if parent.kind not in (COMMUNE, PROVINCE):
            errors.append(LineError(line.line, f"parent {code!r} is not a commune or a province"))
            continue
        key = (code, line.unit.name.casefold())
        if key[1] in existing[code]:
            errors.append(
                LineError(line.line, f"{line.unit.name!r} already exists in {parent.name}")
            )
            continue
        if key in seen:
            errors.append(LineError(line.line, f"duplicate of line {seen[key]}"))
            continue
        seen[key] = line.line
        good.append(line)
    return good, errors


async def import_units(
    session: AsyncSession, text: str, *, skip_bad_lines: bool = False, dry_run: bool = False
) -> ImportReport:
    """Check every line of a CSV text and import the units it lists (all or nothing unless
    ``skip_bad_lines``; nothing written on a ``dry_run``). ``BadFile`` for a bad header."""
    rows, count = read_csv_rows(text, REQUIRED_COLUMNS)
    parsed: list[UnitLine] = []
    errors: list[LineError] = []
    for line, row in rows:
        found = row if isinstance(row, LineError) else _parse_line(line, row)
        if isinstance(found, LineError):
            errors.append(found)
        else:
            parsed.append(found)
    good, database_errors = await _check_against_database(session, parsed)
    errors = sorted(errors + database_errors, key=lambda error: error.line)
    report = ImportReport(lines=count, errors=errors, valid=len(good), dry_run=dry_run)
    if dry_run or (errors and not skip_bad_lines) or not good:
        return report
    report.imported = len(await add_units(session, [line.unit for line in good], now=utcnow()))
    return report
