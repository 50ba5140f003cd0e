"""Self-managed security models and their activity logs: register, end, log, list, count.

A model is "active" for a period when it was not ended before the period's end and logged at
least one activity within the months ending there (``active_models_within``); the exports and
the lists read that from here.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import (
    PlacedRecord,
    areas,
    insert_row,
    inside,
    model_activities,
    place_columns,
    security_models,
    with_place,
)
from storage.tables import utcnow

__all__ = [
    "ActivityRecord",
    "NewModelActivity",
    "NewSecurityModel",
    "SecurityModelRecord",
    "active_models_within",
    "end_security_model",
    "insert_model_activity",
    "insert_security_model",
    "model_activities_of",
    "security_model_by_id",
    "security_models_within",
]


@dataclass(frozen=True, slots=True)
class NewSecurityModel:
    """A model to register in the place ``area_id``."""

    name: str
    kind: str
    area_id: int
    lead_member_id: int | None
    lead_name: str | None
    created_by: int | None


@dataclass(frozen=True, slots=True)
class SecurityModelRecord(PlacedRecord):
    """A model with its place and a summary of its activity log."""

    id: int
    name: str
    kind: str
    lead_member_id: int | None
    lead_name: str | None
    created_by: int | None
    created_at: datetime
    ended_at: datetime | None
    activities: int
    last_activity: date | None


@dataclass(frozen=True, slots=True)
class NewModelActivity:
    """One activity of a model; ``photos`` are platform file ids ({"channel", "file_id", ...})."""

    model_id: int
    activity_date: date
    kind: str
    participants: int
    outcome: str
    photos: list[dict[str, Any]]
    logged_by: int | None


@dataclass(frozen=True, slots=True)
class ActivityRecord(NewModelActivity):
    """A logged activity: what was logged (``NewModelActivity``), its id and when."""

    _: KW_ONLY
    id: int
    logged_at: datetime


MAX_PHOTOS = 5

_log = (
    select(
        model_activities.c.model_id,
        func.count().label("activities"),
        func.max(model_activities.c.activity_date).label("last_activity"),
    )
    .group_by(model_activities.c.model_id)
    .subquery("model_log")
)
_select_models = select(
    security_models.c.id,
    security_models.c.name,
    security_models.c.kind,
    *place_columns(),
    security_models.c.lead_member_id,
    security_models.c.lead_name,
    security_models.c.created_by,
    security_models.c.created_at,
    security_models.c.ended_at,
    func.coalesce(_log.c.activities, 0).label("activities"),
    _log.c.last_activity,
).select_from(with_place(security_models).outerjoin(_log, _log.c.model_id == security_models.c.id))


def _record(row: Row[Any]) -> SecurityModelRecord:
    return SecurityModelRecord(**row._asdict())


async def insert_security_model(
    session: AsyncSession, model: NewSecurityModel, *, now: datetime | None = None
) -> int:
    """Register a model; its id."""
    return await insert_row(
        session, security_models, {**asdict(model), "created_at": now or utcnow()}
    )


async def end_security_model(
    session: AsyncSession, model_id: int, *, now: datetime | None = None
) -> bool:
    """End a model that no longer works; False when it was already ended (or is unknown)."""
    result = await session.execute(
        update(security_models)
        .where(security_models.c.id == model_id, security_models.c.ended_at.is_(None))
        .values(ended_at=now or utcnow())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def security_model_by_id(session: AsyncSession, model_id: int) -> SecurityModelRecord | None:
    row = (
        await session.execute(_select_models.where(security_models.c.id == model_id))
    ).one_or_none()
    return None if row is None else _record(row)


async def security_models_within(
    session: AsyncSession, path: str, *, include_ended: bool = False, limit: int = 500
) -> list[SecurityModelRecord]:
    """The models of the place at ``path`` and below it, by place then name."""
    statement = _select_models.where(inside(areas.c.path, path))
    if not include_ended:
        statement = statement.where(security_models.c.ended_at.is_(None))
    statement = statement.order_by(areas.c.path, security_models.c.name, security_models.c.id)
    rows = await session.execute(statement.limit(limit))
    return [_record(row) for row in rows]


async def active_models_within(
    session: AsyncSession,
    path: str,
    *,
    activity_from: date,
    activity_to: date,
    ended_not_before: datetime,
) -> list[SecurityModelRecord]:
    """The models of ``path`` that count as active for a period: not ended before
    ``ended_not_before`` (the period's end) and with an activity dated between
    ``activity_from`` and ``activity_to`` inclusive (e.g. the 3 months ending with the period).
    ``activities`` and ``last_activity`` summarise the whole log, not just that window."""
    in_window = (
        select(model_activities.c.id)
        .where(
            model_activities.c.model_id == security_models.c.id,
            model_activities.c.activity_date >= activity_from,
            model_activities.c.activity_date <= activity_to,
        )
        .exists()
    )
    statement = (
        _select_models.where(
            inside(areas.c.path, path),
            or_(
                security_models.c.ended_at.is_(None),
                security_models.c.ended_at >= ended_not_before,
            ),
            in_window,
        )
        .order_by(areas.c.path, security_models.c.name, security_models.c.id)
        .limit(100_000)
    )
    rows = await session.execute(statement)
    return [_record(row) for row in rows]


async def insert_model_activity(
    session: AsyncSession, activity: NewModelActivity, *, now: datetime | None = None
) -> int:
    """Log one activity; its id. At most ``MAX_PHOTOS`` photos are kept."""
    values = asdict(activity)
    values["photos"] = list(activity.photos)[:MAX_PHOTOS]
    return await insert_row(session, model_activities, {**values, "logged_at": now or utcnow()})


async def model_activities_of(
    session: AsyncSession, model_id: int, *, limit: int = 50
) -> list[ActivityRecord]:
    """The model's activities, the most recent first."""
    rows = await session.execute(
        select(model_activities)
        .where(model_activities.c.model_id == model_id)
        .order_by(model_activities.c.activity_date.desc(), model_activities.c.id.desc())
        .limit(limit)
    )
    return [ActivityRecord(**row._asdict()) for row in rows]
