"""The area tree: provinces, communes and residential areas, with their materialised paths.

Callers give names already folded (lower case, no diacritics) for accent-free search: the
folding rules live with the conversations, which storage does not import.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage._sql import areas, escape_like, inside
from storage.errors import InvalidRecord
from storage.tables import utcnow

__all__ = [
    "AreaRecord",
    "NewArea",
    "SeedResult",
    "area_by_code",
    "area_by_id",
    "child_names",
    "count_by_kind",
    "find_areas",
    "insert_areas",
    "next_child_codes",
    "rename_area",
    "upsert_areas",
]


@dataclass(frozen=True, slots=True)
class NewArea:
    """A place to store; its parent is named by code and must exist or come earlier."""

    code: str
    name: str
    name_folded: str
    kind: str
    parent_code: str | None
    households: int | None = None
    former_name: str | None = None
    former_name_folded: str | None = None


@dataclass(frozen=True, slots=True)
class AreaRecord:
    """A stored place with its parent's name (to tell same-named places apart)."""

    id: int
    code: str
    name: str
    kind: str
    path: str
    parent_id: int | None
    parent_name: str | None
    households: int | None
    former_name: str | None


@dataclass(frozen=True, slots=True)
class SeedResult:
    """What an idempotent load changed."""

    inserted: int
    updated: int
    unchanged: int


_parent = aliased(areas, name="parent")
_AREA_COLUMNS = (
    areas.c.id,
    areas.c.code,
    areas.c.name,
    areas.c.kind,
    areas.c.path,
    areas.c.parent_id,
    _parent.c.name.label("parent_name"),
    areas.c.households,
    areas.c.former_name,
)
_select_areas = select(*_AREA_COLUMNS).select_from(
    areas.outerjoin(_parent, _parent.c.id == areas.c.parent_id)
)


def _record(row: Row[Any]) -> AreaRecord:
    return AreaRecord(**row._asdict())


# Built once: a tip's place is read with every tip stored (its officers told).
_area_by_code = _select_areas.where(areas.c.code == bindparam("code"))
_area_by_id = _select_areas.where(areas.c.id == bindparam("area_id"))


async def area_by_code(session: AsyncSession, code: str) -> AreaRecord | None:
    row = (await session.execute(_area_by_code, {"code": code})).one_or_none()
    return None if row is None else _record(row)


async def area_by_id(session: AsyncSession, area_id: int) -> AreaRecord | None:
    row = (await session.execute(_area_by_id, {"area_id": area_id})).one_or_none()
    return None if row is None else _record(row)


async def find_areas(
    session: AsyncSession,
    folded_query: str,
    *,
    within_path: str | None = None,
    kinds: Iterable[str] | None = None,
    limit: int = 20,
) -> list[AreaRecord]:
    """Places whose folded name or former name contains ``folded_query``.

    Whole-name matches come first, then higher levels (a province before its communes),
    then shorter names.
    """
    pattern = f"%{escape_like(folded_query)}%"
    statement = _select_areas.where(
        or_(
            areas.c.name_folded.like(pattern, escape="\\"),
            areas.c.former_name_folded.like(pattern, escape="\\"),
        )
    )
    if within_path is not None:
        statement = statement.where(inside(areas.c.path, within_path))
    if kinds is not None:
        statement = statement.where(areas.c.kind.in_(list(kinds)))
    exact = or_(
        areas.c.name_folded == folded_query,
        areas.c.name_folded.like(f"% {escape_like(folded_query)}", escape="\\"),
    )
    statement = statement.order_by(
        exact.desc(), func.length(areas.c.path), func.length(areas.c.name), areas.c.code
    ).limit(limit)
    return [_record(row) for row in await session.execute(statement)]


async def count_by_kind(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(areas.c.kind, func.count()).group_by(areas.c.kind))
    return {kind: count for kind, count in rows}


async def child_names(session: AsyncSession, parent_id: int) -> list[str]:
    rows = await session.execute(select(areas.c.name).where(areas.c.parent_id == parent_id))
    return [name for (name,) in rows]


_CHILD_SUFFIX = re.compile(r"-(\d+)$")


async def next_child_codes(session: AsyncSession, parent_code: str, count: int) -> list[str]:
    """``count`` unused codes for new children of ``parent_code``: "17662-001", "17662-002"."""
    parent = (
        await session.execute(select(areas.c.id).where(areas.c.code == parent_code))
    ).scalar_one()
    taken = await session.execute(select(areas.c.code).where(areas.c.parent_id == parent))
    highest = 0
    for (code,) in taken:
        match = _CHILD_SUFFIX.search(code)
        if code.startswith(f"{parent_code}-") and match:
            highest = max(highest, int(match.group(1)))
    return [f"{parent_code}-{number:03d}" for number in range(highest + 1, highest + 1 + count)]


async def _known(session: AsyncSession) -> dict[str, Row[Any]]:
    rows = await session.execute(
        select(
            areas.c.id,
            areas.c.code,
            areas.c.path,
            areas.c.name,
            areas.c.kind,
            areas.c.former_name,
        )
    )
    return {row.code: row for row in rows}


def _depths(rows: Sequence[NewArea], known: dict[str, Row[Any]]) -> list[list[NewArea]]:
    """``rows`` grouped by depth, so every parent is stored before its children."""
    depth: dict[str, int] = {}
    for code, row in known.items():
        depth[code] = row.path.count("/") - 1
    levels: dict[int, list[NewArea]] = defaultdict(list)
    for row in rows:
        if row.parent_code is None:
            level = 1
        elif row.parent_code in depth:
            level = depth[row.parent_code] + 1
        else:
            raise InvalidRecord(f"area {row.code}: unknown parent {row.parent_code}")
        depth[row.code] = level
        levels[level].append(row)
    return [levels[level] for level in sorted(levels)]


async def insert_areas(
    session: AsyncSession, rows: Sequence[NewArea], *, now: datetime | None = None
) -> int:
    """Store new places in bulk (one INSERT per tree level); return how many."""
    if not rows:
        return 0
    now = now or utcnow()
    known = await _known(session)
    levels = _depths(rows, known)
    for number, level in enumerate(levels):
        if number > 0:
            known = await _known(session)  # the ids of the level just stored
        values = []
        for row in level:
            parent = known[row.parent_code] if row.parent_code is not None else None
            values.append(
                {
                    "code": row.code,
                    "name": row.name,
                    "name_folded": row.name_folded,
                    "kind": row.kind,
                    "parent_id": parent.id if parent is not None else None,
                    "path": f"{parent.path if parent is not None else '/'}{row.code}/",
                    "households": row.households,
                    "former_name": row.former_name,
                    "former_name_folded": row.former_name_folded,
                    "created_at": now,
                }
            )
        await session.execute(insert(areas), values)
    return len(rows)


async def upsert_areas(session: AsyncSession, rows: Sequence[NewArea]) -> SeedResult:
    """Make the stored places match ``rows``: insert the missing, rename the changed.

    Running it twice changes nothing the second time. Places not in ``rows`` are kept
    (residential areas added by admins live below the official ones).
    """
    known = await _known(session)
    missing = [row for row in rows if row.code not in known]
    changed = [
        row
        for row in rows
        if row.code in known
        and (known[row.code].name, known[row.code].kind) != (row.name, row.kind)
    ]
    for row in changed:
        await session.execute(
            update(areas)
            .where(areas.c.code == row.code)
            .values(name=row.name, name_folded=row.name_folded, kind=row.kind)
        )
    await insert_areas(session, missing)
    return SeedResult(
        inserted=len(missing),
        updated=len(changed),
        unchanged=len(rows) - len(missing) - len(changed),
    )


async def rename_area(
    session: AsyncSession,
    area_id: int,
    *,
    name: str,
    name_folded: str,
    former_name: str | None,
    former_name_folded: str | None,
) -> None:
    """Give a place a new name, keeping the one people used before as its former name."""
    await session.execute(
        update(areas)
        .where(areas.c.id == area_id)
        .values(
            name=name,
            name_folded=name_folded,
            former_name=former_name,
            former_name_folded=former_name_folded,
        )
    )
