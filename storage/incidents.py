"""Urgent incidents reported by leaders and officers: store one, list those of a place."""

from __future__ import annotations

from dataclasses import KW_ONLY, asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import areas, incidents, insert_row, inside, record_columns
from storage.errors import InvalidRecord
from storage.tables import utcnow

__all__ = ["IncidentRecord", "NewIncident", "incidents_within", "insert_incident"]

SEVERITIES = ("low", "serious", "critical")


@dataclass(frozen=True, slots=True)
class NewIncident:
    """An incident as reported: ``place_text`` is the address typed or a map link."""

    area_id: int
    reported_by: int | None
    what: str
    place_text: str
    severity: str


@dataclass(frozen=True, slots=True)
class IncidentRecord(NewIncident):
    """A stored incident (``NewIncident``) with its id, its place's path and when it came."""

    _: KW_ONLY
    id: int
    area_path: str
    reported_at: datetime


async def insert_incident(
    session: AsyncSession, incident: NewIncident, *, now: datetime | None = None
) -> int:
    """Store an incident; its id."""
    if incident.severity not in SEVERITIES:
        raise InvalidRecord(f"unknown severity {incident.severity!r}")
    return await insert_row(
        session, incidents, {**asdict(incident), "reported_at": now or utcnow()}
    )


async def incidents_within(
    session: AsyncSession, path: str, *, since: datetime | None = None, limit: int = 200
) -> list[IncidentRecord]:
    """The incidents of the place at ``path`` and below it, newest first."""
    statement = select(
        *record_columns(IncidentRecord, incidents, area_path=areas.c.path)
    ).select_from(incidents.join(areas, areas.c.id == incidents.c.area_id))
    statement = statement.where(inside(areas.c.path, path))
    if since is not None:
        statement = statement.where(incidents.c.reported_at >= since)
    statement = statement.order_by(incidents.c.reported_at.desc(), incidents.c.id.desc())
    rows = await session.execute(statement.limit(limit))
    return [IncidentRecord(**row._asdict()) for row in rows]
