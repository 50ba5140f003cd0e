"""Reads for exports: a subtree's records in pages, so a province's year fits in bounded memory.

Every listing walks its rows with keyset pagination (``WHERE key > last ORDER BY key LIMIT
n``), one page per call of ``sessions()``: the CLI gives each page its own short transaction,
so a long export never holds SQLite's write lock (every transaction here starts with BEGIN
IMMEDIATE) for more than a page; a chat export passes the message's own session. Nothing is
fetched whole: the SQLite driver buffers a statement's result, so ``session.stream`` would not
bound memory there, and pages do on both backends.

Tips are listed without their sender, ever: no member id, contact phone, proof or route.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import FromClause

from storage._sql import (
    Sessions,
    after,
    areas,
    event_participants,
    events,
    inside,
    model_activities,
    monthly_reports,
    pages,
    pages_by,
    place_columns,
    security_models,
    tip_attachments,
    tips,
    with_place,
)
from storage.monthly_reports import FIGURE_COLUMNS

__all__ = [
    "PAGE_SIZE",
    "REPORT_FIGURES",
    "REPORT_FIGURES_AT",
    "AreaFiling",
    "Sessions",
    "active_models_by_place",
    "iter_activities",
    "iter_area_filings",
    "iter_events",
    "iter_monthly_reports",
    "iter_tips",
    "latest_period_filed",
    "places_of_kind",
    "registered_models",
]

# Rows per page: large enough that a round trip is cheap per row, small enough that a page of
# the widest rows (monthly reports with their texts) stays well under a few megabytes.
PAGE_SIZE = 2000


# The monthly update's figure and text columns, in the order of the update.
REPORT_FIGURES: tuple[str, ...] = FIGURE_COLUMNS


@dataclass(frozen=True, slots=True)
class _TimeOrdered:
    """A listing of one kind of record in a subtree, in (moment, key) order, page by page:
    ``listing(sessions, within, since=..., until=...)`` yields the rows whose moment is in
    [since, until)."""

    columns: tuple[Any, ...]
    source: FromClause
    moment: ColumnElement[Any]
    key: ColumnElement[int]

    def __call__(
        self,
        sessions: Sessions,
        within: str,
        *,
        since: Any,
        until: Any,
        until_included: bool = False,
        page_size: int = PAGE_SIZE,
    ) -> AsyncIterator[Row[Any]]:
        before = self.moment <= until if until_included else self.moment < until
        where = (inside(areas.c.path, within), self.moment >= since, before)
        return self._rows(sessions, where, page_size)

    async def _rows(
        self, sessions: Sessions, where: tuple[ColumnElement[bool], ...], page_size: int
    ) -> AsyncIterator[Row[Any]]:
        moment, key = self.moment, self.key

        def page(last: Row[Any] | None) -> Select[Any]:
            statement = (
                select(*self.columns).select_from(self.source).where(*where).order_by(moment, key)
            )
            if last is not None:
                moment_name = moment.name  # type: ignore[attr-defined]
                key_name = key.name  # type: ignore[attr-defined]
                statement = statement.where(
                    after(moment, getattr(last, moment_name), key, getattr(last, key_name))
                )
            return statement

        async with aclosing(pages(sessions, page, page_size)) as rows:
            async for row in rows:
                yield row


# -- monthly reports --------------------------------------------------------------------------

_report_columns = (
    monthly_reports.c.period,
    *place_columns(),
    monthly_reports.c.deadline,
    monthly_reports.c.late,
    monthly_reports.c.filed_at,
    monthly_reports.c.updated_at,
    *(monthly_reports.c[name] for name in REPORT_FIGURES),
)
# Where the figures start in a row of ``iter_monthly_reports``: ``row[REPORT_FIGURES_AT:]``
# are the figures in the order of REPORT_FIGURES, with no lookup by name per cell.
REPORT_FIGURES_AT = len(_report_columns) - len(REPORT_FIGURES)


async def iter_monthly_reports(
    sessions: Sessions,
    within: str,
    periods: Sequence[str],
    *,
    page_size: int = PAGE_SIZE,
) -> AsyncIterator[Row[Any]]:
    """The updates filed in the subtree at ``within`` for ``periods``, by period then place.

    Each row has the columns of ``_report_columns``: period, the place (``place_columns``),
    deadline, late, filed_at, updated_at and every figure.
    """
    for period in periods:
        statement = (
            select(*_report_columns)
            .select_from(with_place(monthly_reports))
            .where(monthly_reports.c.period == period, inside(areas.c.path, within))
        )
        by_path = pages_by(
            sessions, statement, areas.c.path, key_name="area_path", page_size=page_size
        )
        async with aclosing(by_path) as rows:
            async for row in rows:
                yield row


@dataclass(frozen=True, slots=True)
class AreaFiling:
    """A residential area and its update of one period, if it filed one."""

    code: str
    name: str
    kind: str
    path: str
    area_households: int | None
    filed: bool
    late: bool
    deadline: date | None
    filed_at: datetime | None
    households: int | None
    households_pledged: int | None
    models_active: int | None


async def iter_area_filings(
    sessions: Sessions,
    within: str,
    period: str,
    kinds: frozenset[str],
    *,
    page_size: int = PAGE_SIZE,
) -> AsyncIterator[AreaFiling]:
    """Every place of ``kinds`` (the residential kinds) in the subtree, by path, with its
    update of ``period`` when there is one: on time, late, or none at all."""
    statement = (
        select(
            areas.c.code,
            areas.c.name,
            areas.c.kind,
            areas.c.path,
            areas.c.households.label("area_households"),
            monthly_reports.c.id.label("report_id"),
            monthly_reports.c.late,
            monthly_reports.c.deadline,
            monthly_reports.c.filed_at,
            monthly_reports.c.households,
            monthly_reports.c.households_pledged,
            monthly_reports.c.models_active,
        )
        .select_from(
            areas.outerjoin(
                monthly_reports,
                and_(
                    monthly_reports.c.area_id == areas.c.id,
                    monthly_reports.c.period == period,
                ),
            )
        )
        .where(inside(areas.c.path, within), areas.c.kind.in_(sorted(kinds)))
    )
    by_path = pages_by(sessions, statement, areas.c.path, page_size=page_size)
    async with aclosing(by_path) as rows:
        async for row in rows:
            # Positional: the columns are selected in the fields' order (a row per area counts).
            code, name, kind, path, area_households, report_id, late, *filing = row
            yield AreaFiling(
                code, name, kind, path, area_households, report_id is not None, bool(late), *filing
            )


async def latest_period_filed(session: AsyncSession, within: str, up_to: str) -> str | None:
    """The latest period, not after ``up_to``, of an update filed in the subtree at ``within``."""
    statement = (
        select(func.max(monthly_reports.c.period))
        .select_from(monthly_reports.join(areas, areas.c.id == monthly_reports.c.area_id))
        .where(inside(areas.c.path, within), monthly_reports.c.period <= up_to)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def places_of_kind(
    session: AsyncSession, within: str, kind: str
) -> list[tuple[str, str, str]]:
    """(code, name, path) of the places of ``kind`` in the subtree (communes: a few hundred
    in a province at most), by path."""
    statement = (
        select(areas.c.code, areas.c.name, areas.c.path)
        .where(inside(areas.c.path, within), areas.c.kind == kind)
        .order_by(areas.c.path)
    )
    return [(row.code, row.name, row.path) for row in await session.execute(statement)]


async def active_models_by_place(
    session: AsyncSession,
    within: str,
    *,
    active_from: date,
    period_end: date,
    period_ends_at: datetime,
) -> dict[str, int]:
    """Active models per place path in the subtree: not ended before the period's end
    (``period_ends_at``, UTC) and with at least one activity dated ``active_from`` to
    ``period_end``. One row per place that has any, so the answer is small."""
    active = exists().where(
        model_activities.c.model_id == security_models.c.id,
        model_activities.c.activity_date >= active_from,
        model_activities.c.activity_date <= period_end,
    )
    statement = (
        select(areas.c.path, func.count(security_models.c.id))
        .select_from(security_models.join(areas, areas.c.id == security_models.c.area_id))
        .where(
            inside(areas.c.path, within),
            or_(security_models.c.ended_at.is_(None), security_models.c.ended_at >= period_ends_at),
            active,
        )
        .group_by(areas.c.path)
    )
    return {path: count for path, count in await session.execute(statement)}


async def registered_models(session: AsyncSession, within: str, *, period_ends_at: datetime) -> int:
    """Models registered in the subtree and not ended before the period's end (UTC)."""
    statement = (
        select(func.count(security_models.c.id))
        .select_from(security_models.join(areas, areas.c.id == security_models.c.area_id))
        .where(
            inside(areas.c.path, within),
            or_(security_models.c.ended_at.is_(None), security_models.c.ended_at >= period_ends_at),
        )
    )
    return int((await session.execute(statement)).scalar_one())


# -- tips, activities, events -----------------------------------------------------------------

_attachment_count = (
    select(func.count(tip_attachments.c.id))
    .where(tip_attachments.c.tip_id == tips.c.id)
    .scalar_subquery()
)
# Deliberately no member_id, contact_phone or sender_route: who sent a tip is
# never exported.
_tip_columns = (
    tips.c.id,
    tips.c.code,
    tips.c.category,
    tips.c.status,
    tips.c.received_at,
    tips.c.acknowledged_at,
    tips.c.forwarded_at,
    tips.c.closed_at,
    areas.c.code.label("area_code"),
    areas.c.name.label("area_name"),
    tips.c.place_text,
    tips.c.description,
    _attachment_count.label("attachments"),
)


# Tips placed in the subtree and received in [since, until), oldest first.
iter_tips = _TimeOrdered(
    _tip_columns, tips.join(areas, areas.c.id == tips.c.area_id), tips.c.received_at, tips.c.id
)


_activity_columns = (
    model_activities.c.id,
    model_activities.c.activity_date,
    model_activities.c.kind,
    model_activities.c.participants,
    model_activities.c.outcome,
    security_models.c.name.label("model_name"),
    security_models.c.kind.label("model_kind"),
    areas.c.code.label("area_code"),
    areas.c.name.label("area_name"),
)


_activities = _TimeOrdered(
    _activity_columns,
    model_activities.join(
        security_models, security_models.c.id == model_activities.c.model_id
    ).join(areas, areas.c.id == security_models.c.area_id),
    model_activities.c.activity_date,
    model_activities.c.id,
)


def iter_activities(
    sessions: Sessions,
    within: str,
    *,
    date_from: date,
    date_to: date,
    page_size: int = PAGE_SIZE,
) -> AsyncIterator[Row[Any]]:
    """Activities of the subtree's models dated ``date_from`` to ``date_to``, by date."""
    return _activities(
        sessions, within, since=date_from, until=date_to, until_included=True, page_size=page_size
    )


_registered = (
    select(func.count())
    .select_from(event_participants)
    .where(
        event_participants.c.event_id == events.c.id,
        event_participants.c.cancelled_at.is_(None),
    )
    .scalar_subquery()
)
_event_columns = (
    events.c.id,
    events.c.title,
    events.c.starts_at,
    events.c.ends_at,
    events.c.place_text,
    areas.c.code.label("area_code"),
    areas.c.name.label("area_name"),
    events.c.cancelled_at,
    _registered.label("registered"),
    events.c.turnout,
    events.c.turnout_note,
)


# Events for the subtree starting in [since, until), by start.
iter_events = _TimeOrdered(
    _event_columns,
    events.join(areas, areas.c.id == events.c.area_id),
    events.c.starts_at,
    events.c.id,
)
