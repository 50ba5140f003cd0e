"""Monthly updates of residential areas: one per area and period, corrected by version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import members, monthly_reports
from storage.errors import InvalidRecord, ReportTaken

__all__ = [
    "FIGURE_COLUMNS",
    "NewReport",
    "ReportRecord",
    "ReportTaken",
    "correct_report",
    "find_report",
    "insert_report",
]

_BOOKKEEPING = frozenset(
    {
        "id",
        "area_id",
        "period",
        "deadline",
        "late",
        "filed_by",
        "filed_at",
        "updated_by",
        "updated_at",
        "version",
    }
)
# The columns that hold what a leader reported, in table order.
FIGURE_COLUMNS: tuple[str, ...] = tuple(
    column.name for column in monthly_reports.columns if column.name not in _BOOKKEEPING
)


@dataclass(frozen=True, slots=True)
class NewReport:
    area_id: int
    period: str
    deadline: date
    late: bool
    member_id: int | None
    values: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ReportRecord:
    id: int
    area_id: int
    period: str
    deadline: date
    late: bool
    version: int
    filed_at: datetime
    filed_by: int | None
    filed_by_name: str | None
    updated_at: datetime
    values: dict[str, Any]


def _figures(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(FIGURE_COLUMNS)
    if unknown:
        raise InvalidRecord(f"not columns of a monthly report: {sorted(unknown)}")
    missing = set(FIGURE_COLUMNS) - set(values)
    if missing:
        raise InvalidRecord(f"monthly report lacks: {sorted(missing)}")
    return dict(values)


async def find_report(session: AsyncSession, area_id: int, period: str) -> ReportRecord | None:
    """The update of ``area_id`` for ``period``, with the name of who filed it."""
    row = (
        await session.execute(
            select(monthly_reports, members.c.display_name.label("filed_by_name"))
            .outerjoin(members, members.c.id == monthly_reports.c.filed_by)
            .where(and_(monthly_reports.c.area_id == area_id, monthly_reports.c.period == period))
        )
    ).first()
    if row is None:
        return None
    data = row._mapping
    return ReportRecord(
        id=data["id"],
        area_id=data["area_id"],
        period=data["period"],
        deadline=data["deadline"],
        late=data["late"],
        version=data["version"],
        filed_at=data["filed_at"],
        filed_by=data["filed_by"],
        filed_by_name=data["filed_by_name"],
        updated_at=data["updated_at"],
        values={name: data[name] for name in FIGURE_COLUMNS},
    )


async def insert_report(session: AsyncSession, report: NewReport, *, now: datetime) -> int:
    """File a new update; raises ReportTaken when the area's update for the period exists."""
    try:
        async with session.begin_nested():
            result = await session.execute(
                insert(monthly_reports)
                .values(
                    area_id=report.area_id,
                    period=report.period,
                    deadline=report.deadline,
                    late=report.late,
                    filed_by=report.member_id,
                    filed_at=now,
                    updated_by=report.member_id,
                    updated_at=now,
                    version=1,
                    **_figures(report.values),
                )
                .returning(monthly_reports.c.id)
            )
            return int(result.scalar_one())
    except IntegrityError:
        if await find_report(session, report.area_id, report.period) is None:
            raise  # not the one-per-area-and-month rule: a bug, not a race
        raise ReportTaken from None


async def correct_report(
    session: AsyncSession,
    *,
    area_id: int,
    period: str,
    version: int,
    member_id: int,
    values: Mapping[str, Any],
    now: datetime,
) -> None:
    """Replace the figures of the update read at ``version``; ReportTaken when it changed."""
    result = await session.execute(
        update(monthly_reports)
        .where(
            and_(
                monthly_reports.c.area_id == area_id,
                monthly_reports.c.period == period,
                monthly_reports.c.version == version,
            )
        )
        .values(
            updated_by=member_id,
            updated_at=now,
            version=monthly_reports.c.version + 1,
            **_figures(values),
        )
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ReportTaken
