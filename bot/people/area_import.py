"""Importing residential areas (thôn, xóm, tổ dân phố ...) from a CSV file.

The file has a header row naming at least ``parent_code``, ``name`` and ``kind``, and optionally
``households`` and ``former_name``; commas, semicolons or tabs separate the columns (Excel
writes semicolons in some locales). Every line is checked and each problem is reported with
its line number. Nothing is imported when any line is wrong, unless bad lines are to be
skipped; a dry run checks and counts without writing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.csv_import import BadFile, ImportReport, LineError, read_csv_rows
from bot.places import clean_name, new_area
from conversations.parsing import ParseError, parse_integer
from conversations.places import (
    MAX_HOUSEHOLDS,
    PROVINCE,
    RESIDENTIAL_KINDS,
    parse_residential_kind,
)
from storage.areas import (
    AreaRecord,
    NewArea,
    area_by_code,
    child_names,
    insert_areas,
    next_child_codes,
)

__all__ = ["BadFile", "ImportReport", "LineError", "import_areas", "read_area_lines"]

REQUIRED_COLUMNS = ("parent_code", "name", "kind")
OPTIONAL_COLUMNS = ("households", "former_name")
MAX_NAME = 128


@dataclass(frozen=True)
class AreaLine:
    """A line that parsed; its parent and duplicates are checked against the database later."""

    line: int
    parent_code: str
    name: str
    kind: str
    households: int | None
    former_name: str | None


def _parse_line(line: int, row: dict[str, str | None]) -> AreaLine | LineError:
    def cell(name: str) -> str:
        return clean_name(row.get(name) or "")

    parent_code = cell("parent_code")
    name = cell("name")
    kind_text = cell("kind")
    if not parent_code:
        return LineError(line, "parent_code is empty")
    if not name:
        return LineError(line, "name is empty")
    if len(name) > MAX_NAME:
        return LineError(line, f"name is longer than {MAX_NAME} characters")
    kind = parse_residential_kind(kind_text) if kind_text else None
    if kind is None:
        known = ", ".join(k.id for k in RESIDENTIAL_KINDS)
        return LineError(line, f"unknown kind {kind_text!r} (expected one of: {known})")
    households: int | None = None
    if cell("households"):
        try:
            households = parse_integer(cell("households"), minimum=0, maximum=MAX_HOUSEHOLDS)
        except ParseError as error:
            problem = {
                "too_small": "is negative",
                "too_large": f"is more than {MAX_HOUSEHOLDS:,} for one area",
            }.get(error.reason, "is not a whole number")
            return LineError(line, f"households {cell('households')!r} {problem}")
    former_name = cell("former_name") or None
    if former_name is not None and len(former_name) > MAX_NAME:
        return LineError(line, f"former_name is longer than {MAX_NAME} characters")
    return AreaLine(line, parent_code, name, kind, households, former_name)


def read_area_lines(text: str) -> tuple[list[AreaLine], list[LineError], int]:
    """Parse the file's text: (good lines, errors, number of data lines)."""
    rows, count = read_csv_rows(text, REQUIRED_COLUMNS)
    good: list[AreaLine] = []
    errors: list[LineError] = []
    for line, row in rows:
        parsed = row if isinstance(row, LineError) else _parse_line(line, row)
        (errors if isinstance(parsed, LineError) else good).append(parsed)  # type: ignore[arg-type]
    return good, errors, count


def _same_name(name: str) -> str:
    # "Thôn Đông" and "thôn  đông" are one place; "Thôn Đông" and "Thôn Động" are two.
    return name.casefold()


async def _check_against_database(
    session: AsyncSession, lines: list[AreaLine]
) -> tuple[list[AreaLine], list[LineError]]:
    parents: dict[str, AreaRecord | None] = {}
    existing: dict[str, set[str]] = {}
    seen: dict[tuple[str, str], int] = {}
    good: list[AreaLine] = []
    errors: list[LineError] = []
    for line in lines:
        if line.parent_code not in parents:
            parents[line.parent_code] = await area_by_code(session, line.parent_code)
            parent = parents[line.parent_code]
            if parent is not None:
                names = await child_names(session, parent.id)
                existing[line.parent_code] = {_same_name(name) for name in names}
        parent = parents[line.parent_code]
        if parent is None:
            errors.append(LineError(line.line, f"unknown parent area {line.parent_code!r}"))
            continue
        if parent.kind == PROVINCE:
            errors.append(
                LineError(line.line, f"parent {line.parent_code!r} is a province, not a commune")
            )
            continue
        key = (line.parent_code, _same_name(line.name))
        if key[1] in existing[line.parent_code]:
            errors.append(LineError(line.line, f"{line.name!r} already exists in {parent.name}"))
            continue
        if key in seen:
            errors.append(LineError(line.line, f"duplicate of line {seen[key]}"))
            continue
        seen[key] = line.line
        good.append(line)
    return good, errors


async def _new_areas(session: AsyncSession, lines: list[AreaLine]) -> list[NewArea]:
    by_parent: dict[str, list[AreaLine]] = defaultdict(list)
    for line in lines:
        by_parent[line.parent_code].append(line)
    rows: list[NewArea] = []
    for parent_code, children in by_parent.items():
        codes = await next_child_codes(session, parent_code, len(children))
        for code, line in zip(codes, children, strict=True):
            rows.append(
                new_area(
                    code,
                    line.name,
                    line.kind,
                    parent_code,
                    households=line.households,
                    former_name=line.former_name,
                )
            )
    return rows


async def import_areas(
    session: AsyncSession, text: str, *, skip_bad_lines: bool = False, dry_run: bool = False
) -> ImportReport:
    """Check every line of a CSV text and import the residential areas it lists.

    All or nothing unless ``skip_bad_lines``; nothing is written on a ``dry_run``. Raises
    ``BadFile`` when the header is missing or lacks a required column.
    """
    parsed, errors, count = read_area_lines(text)
    good, database_errors = await _check_against_database(session, parsed)
    errors = sorted(errors + database_errors, key=lambda error: error.line)
    report = ImportReport(lines=count, errors=errors, valid=len(good), dry_run=dry_run)
    if dry_run or (errors and not skip_bad_lines) or not good:
        return report
    report.imported = await insert_areas(session, await _new_areas(session, good))
    return report
