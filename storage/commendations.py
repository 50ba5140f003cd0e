"""Commendations and exemplary units: propose, review, list a year's, count against targets;
and the figures a proposal rests on, read from what the bot already holds.

A row that names a person keeps day stamps only (``storage.tables.day_stamp``). Nothing here
reads or writes a tip: the figures are models' activities, monthly updates on time and events'
turnout.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, and_, case, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage._sql import (
    areas,
    events,
    insert_row,
    inside,
    members,
    model_activities,
    monthly_reports,
    security_models,
)
from storage.retention import Expiry
from storage.tables import Commendation, ExemplaryUnit, day_stamp
from storage.units import reach_of

__all__ = [
    "COMMENDED_PERSONS",
    "CONFERENCE_TEMPLATES",
    "CommendationRecord",
    "ConferenceRecord",
    "ExemplaryRecord",
    "Figures",
    "NewCommendation",
    "approved_unawarded",
    "award_at",
    "awarded_at",
    "commendation_by_id",
    "commendations",
    "commendations_of_member",
    "commendations_of_year",
    "commune_paths_within",
    "conference_by_id",
    "conferences_within",
    "exemplary_by_commune",
    "exemplary_of_year",
    "exemplary_units",
    "exemplary_waiting",
    "insert_commendation",
    "member_figures",
    "model_figures",
    "pending_within",
    "place_figures",
    "propose_exemplary",
    "recognise_exemplary",
    "review_commendation",
    "unit_figures",
]

commendations: Table = Commendation.__table__  # type: ignore[assignment]
exemplary_units: Table = ExemplaryUnit.__table__  # type: ignore[assignment]

PROPOSED, APPROVED, DECLINED = "proposed", "approved", "declined"
RECOGNISED = "recognised"

# A person named by an admin (not a member) is a name and a role in their unit: kept for the
# retention period after the decision, then cleared (the commendation itself stays, unnamed).
COMMENDED_PERSONS = Expiry(
    commendations,
    lambda cut: and_(
        commendations.c.reviewed_at < cut,
        commendations.c.subject_kind == "person",
        commendations.c.person_name.is_not(None),
    ),
    clears=("person_name", "person_role", "person_phone"),
)


@dataclass(frozen=True, slots=True)
class NewCommendation:
    """A proposal as an admin makes it (``grounds``: the figures, as text)."""

    year: int
    area_id: int
    subject_kind: str
    subject_ref_id: int | None
    subject_name: str
    recipient_member_id: int | None
    person_name: str | None
    person_role: str | None
    form: str
    achievement: str
    grounds: str
    proposer_area_id: int
    proposed_by_member_id: int | None
    person_phone: str | None = None  # given by the person themselves (a tipster)


@dataclass(frozen=True, slots=True)
class CommendationRecord:
    """A stored proposal with its place's and its proposer's place's paths."""

    id: int
    year: int
    area_id: int
    area_name: str
    area_path: str
    subject_kind: str
    subject_ref_id: int | None
    subject_name: str
    recipient_member_id: int | None
    recipient_name: str | None
    person_name: str | None
    person_role: str | None
    form: str
    achievement: str
    grounds: str
    status: str
    decline_reason: str | None
    proposer_area_id: int
    proposer_path: str
    proposed_by_member_id: int | None
    proposed_at: datetime
    reviewed_by_member_id: int | None
    reviewed_at: datetime | None
    person_phone: str | None = None
    event_id: int | None = None  # the review conference it is awarded at
    event_title: str | None = None
    event_starts_at: datetime | None = None

    @property
    def shown_name(self) -> str:
        """Who is commended, as lists show it (a named person with their role)."""
        if self.subject_kind == "member":
            return self.recipient_name or self.subject_name or "—"  # "—": erased since
        if self.subject_kind == "person":
            if self.person_name is None:
                return "—"  # cleared by the retention schedule
            role = f" ({self.person_role})" if self.person_role else ""
            return self.person_name + role
        return self.subject_name


_proposer_area = aliased(areas, name="proposer_area")
_select = (
    select(
        commendations,
        areas.c.name.label("area_name"),
        areas.c.path.label("area_path"),
        _proposer_area.c.path.label("proposer_path"),
        members.c.display_name.label("recipient_name"),
        events.c.title.label("event_title"),
        events.c.starts_at.label("event_starts_at"),
    )
    .select_from(
        commendations.join(areas, areas.c.id == commendations.c.area_id)
        .join(_proposer_area, _proposer_area.c.id == commendations.c.proposer_area_id)
        .outerjoin(members, members.c.id == commendations.c.recipient_member_id)
        .outerjoin(events, events.c.id == commendations.c.event_id)
    )
    .order_by(commendations.c.id)
)
_FIELDS = CommendationRecord.__slots__


def _record(row: Any) -> CommendationRecord:
    values = row._mapping
    return CommendationRecord(**{name: values[name] for name in _FIELDS})


async def insert_commendation(
    session: AsyncSession, proposal: NewCommendation, *, now: datetime
) -> int:
    """Store a proposal; its id."""
    values = {**asdict(proposal), "status": PROPOSED, "proposed_at": day_stamp(now)}
    return await insert_row(session, commendations, values)


async def commendation_by_id(session: AsyncSession, proposal_id: int) -> CommendationRecord | None:
    row = (await session.execute(_select.where(commendations.c.id == proposal_id))).one_or_none()
    return None if row is None else _record(row)


async def pending_within(
    session: AsyncSession, paths: list[str], *, limit: int
) -> list[CommendationRecord]:
    """Proposals waiting for a decision whose place lies inside one of ``paths``, oldest
    first (the caller asks who of them the member may review)."""
    if not paths:
        return []
    statement = _select.where(
        commendations.c.status == PROPOSED, or_(*(inside(areas.c.path, path) for path in paths))
    )
    return [_record(row) for row in await session.execute(statement.limit(limit))]


async def review_commendation(
    session: AsyncSession,
    proposal_id: int,
    *,
    approved: bool,
    reason: str | None,
    by: int | None,
    now: datetime,
) -> bool:
    """Approve or decline a waiting proposal; False when it was decided already."""
    result = await session.execute(
        update(commendations)
        .where(commendations.c.id == proposal_id, commendations.c.status == PROPOSED)
        .values(
            status=APPROVED if approved else DECLINED,
            decline_reason=None if approved else reason,
            reviewed_by_member_id=by,
            reviewed_at=day_stamp(now),
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def commendations_of_year(
    session: AsyncSession, path: str, year: int, *, status: str | None = APPROVED
) -> list[CommendationRecord]:
    """The year's commendations of the place at ``path`` and below (by default the approved
    ones), in the order proposed."""
    statement = _select.where(commendations.c.year == year, inside(areas.c.path, path))
    if status is not None:
        statement = statement.where(commendations.c.status == status)
    return [_record(row) for row in await session.execute(statement)]


async def commendations_of_member(
    session: AsyncSession, member_id: int
) -> list[CommendationRecord]:
    """The proposals that commend the member (for ``/dulieucuatoi``)."""
    statement = _select.where(commendations.c.recipient_member_id == member_id)
    return [_record(row) for row in await session.execute(statement)]


# -- review conferences: where a commendation is handed over --------------------------------

# The events that are review conferences (hội nghị sơ kết, tổng kết): their templates.
CONFERENCE_TEMPLATES = ("so_ket", "tong_ket")


@dataclass(frozen=True, slots=True)
class ConferenceRecord:
    id: int
    title: str
    starts_at: datetime
    area_id: int
    area_path: str


async def conferences_within(
    session: AsyncSession, paths: list[str], since: datetime, until: datetime, *, limit: int
) -> list[ConferenceRecord]:
    """The review conferences (not cancelled) held in a place inside one of ``paths`` between
    ``since`` and ``until``, soonest first."""
    if not paths:
        return []
    statement = (
        select(events.c.id, events.c.title, events.c.starts_at, events.c.area_id, areas.c.path)
        .select_from(events.join(areas, areas.c.id == events.c.area_id))
        .where(
            events.c.template.in_(CONFERENCE_TEMPLATES),
            events.c.cancelled_at.is_(None),
            events.c.starts_at >= since,
            events.c.starts_at < until,
            or_(*(inside(areas.c.path, path) for path in paths)),
        )
        .order_by(events.c.starts_at, events.c.id)
        .limit(limit)
    )
    return [ConferenceRecord(*row) for row in await session.execute(statement)]


async def conference_by_id(session: AsyncSession, event_id: int) -> ConferenceRecord | None:
    statement = (
        select(events.c.id, events.c.title, events.c.starts_at, events.c.area_id, areas.c.path)
        .select_from(events.join(areas, areas.c.id == events.c.area_id))
        .where(
            events.c.id == event_id,
            events.c.template.in_(CONFERENCE_TEMPLATES),
            events.c.cancelled_at.is_(None),
        )
    )
    row = (await session.execute(statement)).first()
    return None if row is None else ConferenceRecord(*row)


async def approved_unawarded(
    session: AsyncSession, path: str, year: int, *, limit: int
) -> list[CommendationRecord]:
    """The year's approved commendations at ``path`` or below not yet attached to a review
    conference, in the order proposed."""
    statement = _select.where(
        commendations.c.year == year,
        commendations.c.status == APPROVED,
        commendations.c.event_id.is_(None),
        inside(areas.c.path, path),
    )
    return [_record(row) for row in await session.execute(statement.limit(limit))]


async def awarded_at(session: AsyncSession, event_id: int) -> list[CommendationRecord]:
    """The commendations handed over at the review conference ``event_id``."""
    statement = _select.where(commendations.c.event_id == event_id)
    return [_record(row) for row in await session.execute(statement)]


async def award_at(session: AsyncSession, proposal_id: int, event_id: int) -> bool:
    """Attach an approved commendation to a review conference; False when it is not approved
    or is attached already."""
    result = await session.execute(
        update(commendations)
        .where(
            commendations.c.id == proposal_id,
            commendations.c.status == APPROVED,
            commendations.c.event_id.is_(None),
        )
        .values(event_id=event_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


# -- the figures a proposal rests on ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figures:
    """What the bot holds about a place, a model or a member over a year."""

    updates_filed: int = 0
    updates_on_time: int = 0
    activities: int = 0
    participants: int = 0
    events: int = 0
    turnout: int = 0
    reached: int = 0  # a unit: people its propaganda reached, of ``reach_total``
    reach_total: int = 0
    reach_half: int = 0  # 1: the reach is the 6-month report's (no yearly report yet)


def _year_periods(year: int) -> tuple[str, str]:
    return f"{year:04d}-01", f"{year:04d}-12"


async def _updates(session: AsyncSession, *conditions: Any) -> tuple[int, int]:
    row = (
        await session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(case((monthly_reports.c.late.is_(False), 1), else_=0)), 0),
            )
            .select_from(monthly_reports.join(areas, areas.c.id == monthly_reports.c.area_id))
            .where(*conditions)
        )
    ).one()
    return int(row[0]), int(row[1])


async def _activities(session: AsyncSession, year: int, *conditions: Any) -> tuple[int, int]:
    row = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(model_activities.c.participants), 0))
            .select_from(
                model_activities.join(
                    security_models, security_models.c.id == model_activities.c.model_id
                ).join(areas, areas.c.id == security_models.c.area_id)
            )
            .where(
                model_activities.c.activity_date >= date(year, 1, 1),
                model_activities.c.activity_date <= date(year, 12, 31),
                *conditions,
            )
        )
    ).one()
    return int(row[0]), int(row[1])


async def place_figures(
    session: AsyncSession, path: str, year: int, *, since: datetime, until: datetime
) -> Figures:
    """The year's monthly updates (filed, on time), models' activities (and participants) and
    events held (starting from ``since`` to before ``until``: the year in local time) with
    their reported turnout, in the place at ``path`` and below."""
    first, last = _year_periods(year)
    filed, on_time = await _updates(
        session,
        inside(areas.c.path, path),
        monthly_reports.c.period >= first,
        monthly_reports.c.period <= last,
    )
    activities, participants = await _activities(session, year, inside(areas.c.path, path))
    held = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(events.c.turnout), 0))
            .select_from(events.join(areas, areas.c.id == events.c.area_id))
            .where(
                inside(areas.c.path, path),
                events.c.cancelled_at.is_(None),
                events.c.turnout.is_not(None),
                events.c.starts_at >= since,
                events.c.starts_at < until,
            )
        )
    ).one()
    return Figures(filed, on_time, activities, participants, int(held[0]), int(held[1]))


async def unit_figures(
    session: AsyncSession,
    unit_id: int,
    path: str,
    year: int,
    *,
    since: datetime,
    until: datetime,
) -> Figures:
    """An agency's, business's or school's year: its models' activities and its events (as
    for any place, at ``path`` and below) and the propaganda reach of its yearly report, or of
    its 6-month report while the yearly one is not in."""
    held = await place_figures(session, path, year, since=since, until=until)
    for span, half in (("year", 0), ("H1", 1)):
        reach = await reach_of(session, unit_id, year, span)
        if reach is not None:
            return replace(held, reached=reach.reached, reach_total=reach.total, reach_half=half)
    return held


async def model_figures(session: AsyncSession, model_id: int, year: int) -> Figures:
    activities, participants = await _activities(session, year, security_models.c.id == model_id)
    return Figures(activities=activities, participants=participants)


async def member_figures(session: AsyncSession, member_id: int, year: int) -> Figures:
    """What the member did themselves: the updates they filed, the activities they logged."""
    first, last = _year_periods(year)
    filed, on_time = await _updates(
        session,
        monthly_reports.c.filed_by == member_id,
        monthly_reports.c.period >= first,
        monthly_reports.c.period <= last,
    )
    activities, participants = await _activities(
        session, year, model_activities.c.logged_by == member_id
    )
    return Figures(filed, on_time, activities, participants)


# -- exemplary units ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExemplaryRecord:
    id: int
    year: int
    kind: str
    ref_id: int
    name: str
    commune_id: int
    commune_name: str
    commune_path: str
    status: str


async def propose_exemplary(
    session: AsyncSession,
    *,
    kind: str,
    ref_id: int,
    name: str,
    commune_id: int,
    year: int,
    by: int | None,
    now: datetime,
) -> bool:
    """Propose a unit as exemplary for ``year``; False when it already was (or is)."""
    found = (
        await session.execute(
            select(exemplary_units.c.id).where(
                exemplary_units.c.kind == kind,
                exemplary_units.c.ref_id == ref_id,
                exemplary_units.c.year == year,
            )
        )
    ).first()
    if found is not None:
        return False
    await session.execute(
        insert(exemplary_units).values(
            kind=kind,
            ref_id=ref_id,
            name=name,
            commune_id=commune_id,
            year=year,
            status=PROPOSED,
            proposed_by_member_id=by,
            proposed_at=day_stamp(now),
        )
    )
    return True


async def recognise_exemplary(
    session: AsyncSession, *, kind: str, ref_id: int, year: int, by: int | None, now: datetime
) -> bool:
    """Recognise a proposed unit; False when it was not proposed or is recognised already."""
    result = await session.execute(
        update(exemplary_units)
        .where(
            exemplary_units.c.kind == kind,
            exemplary_units.c.ref_id == ref_id,
            exemplary_units.c.year == year,
            exemplary_units.c.status == PROPOSED,
        )
        .values(status=RECOGNISED, recognised_by_member_id=by, recognised_at=day_stamp(now))
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def exemplary_of_year(
    session: AsyncSession, path: str, year: int, *, recognised_only: bool = False
) -> list[ExemplaryRecord]:
    """The year's exemplary units counting for communes at ``path`` or below (or above: a
    commune's own path), by commune then kind and name."""
    statement = (
        select(
            exemplary_units.c.id,
            exemplary_units.c.year,
            exemplary_units.c.kind,
            exemplary_units.c.ref_id,
            exemplary_units.c.name,
            exemplary_units.c.commune_id,
            areas.c.name.label("commune_name"),
            areas.c.path.label("commune_path"),
            exemplary_units.c.status,
        )
        .select_from(exemplary_units.join(areas, areas.c.id == exemplary_units.c.commune_id))
        .where(exemplary_units.c.year == year, inside(areas.c.path, path))
        .order_by(areas.c.path, exemplary_units.c.kind, exemplary_units.c.name)
    )
    if recognised_only:
        statement = statement.where(exemplary_units.c.status == RECOGNISED)
    return [ExemplaryRecord(**row._asdict()) for row in await session.execute(statement)]


async def exemplary_waiting(
    session: AsyncSession, paths: list[str], year: int, *, limit: int
) -> list[ExemplaryRecord]:
    """The year's units proposed and not yet recognised, counting for communes inside one of
    ``paths``, by commune then kind and name."""
    if not paths:
        return []
    found: dict[int, ExemplaryRecord] = {}
    for path in paths:
        for record in await exemplary_of_year(session, path, year):
            if record.status == PROPOSED:
                found.setdefault(record.id, record)
    return sorted(found.values(), key=lambda r: (r.commune_path, r.kind, r.name))[:limit]


async def exemplary_by_commune(
    session: AsyncSession, path: str, year: int
) -> tuple[dict[str, Counter[str]], dict[str, Counter[str]]]:
    """The exemplary units of each commune at ``path`` or below (by the commune's path), by
    kind: those recorded (proposed or recognised), and those recognised."""
    recorded: dict[str, Counter[str]] = {}
    recognised: dict[str, Counter[str]] = {}
    for record in await exemplary_of_year(session, path, year):
        recorded.setdefault(record.commune_path, Counter())[record.kind] += 1
        if record.status == RECOGNISED:
            recognised.setdefault(record.commune_path, Counter())[record.kind] += 1
    return recorded, recognised


async def commune_paths_within(session: AsyncSession, path: str) -> list[str]:
    """The paths of the communes at ``path`` or below it (a commune's own, for a commune)."""
    statement = (
        select(areas.c.path)
        .where(areas.c.kind == "commune", inside(areas.c.path, path))
        .order_by(areas.c.path)
    )
    return list((await session.execute(statement)).scalars())
