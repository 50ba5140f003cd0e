"""Events, their participants and where members live (the place whose events they see).

Callers give the paths of places to look in; which places those are (the member's home and
every place above it) is the conversations' business.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import Select, and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import (
    PlacedRecord,
    areas,
    event_participants,
    events,
    insert_row,
    inside,
    members,
    outbox,
    place_columns,
    with_place,
)
from storage.delivery.outbox import CANCELLED, QUEUED
from storage.tables import day_stamp

__all__ = [
    "EventRecord",
    "NewEvent",
    "ReminderDue",
    "cancel_event",
    "cancel_registration",
    "cancellable_events",
    "event_by_id",
    "home_area_id",
    "insert_event",
    "participants_starting_between",
    "register",
    "registered_member_ids",
    "reportable_events",
    "set_home_area",
    "set_turnout",
    "upcoming_events",
    "withdraw_queued_messages",
]


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to store (times in UTC)."""

    title: str
    description: str
    place_text: str
    starts_at: datetime
    ends_at: datetime
    area_id: int
    template: str | None
    created_by: int | None


@dataclass(frozen=True, slots=True)
class EventRecord(PlacedRecord):
    """A stored event with its place and, for the member asked about, their registration."""

    id: int
    title: str
    description: str
    place_text: str
    starts_at: datetime
    ends_at: datetime
    created_by: int | None
    cancelled_at: datetime | None
    turnout: int | None
    registered: bool
    participants: int


@dataclass(frozen=True, slots=True)
class ReminderDue:
    """A registered participant of an event that starts soon."""

    event_id: int
    member_id: int
    title: str
    place_text: str
    starts_at: datetime
    ends_at: datetime


_active = event_participants.c.cancelled_at.is_(None)


def _select_events(member_id: int) -> Select[tuple[object, ...]]:
    mine = (
        select(func.count())
        .where(
            event_participants.c.event_id == events.c.id,
            event_participants.c.member_id == member_id,
            _active,
        )
        .scalar_subquery()
    )
    everybody = (
        select(func.count())
        .where(event_participants.c.event_id == events.c.id, _active)
        .scalar_subquery()
    )
    return select(
        events.c.id,
        events.c.title,
        events.c.description,
        events.c.place_text,
        events.c.starts_at,
        events.c.ends_at,
        *place_columns(),
        events.c.created_by,
        events.c.cancelled_at,
        events.c.turnout,
        (mine > 0).label("registered"),
        everybody.label("participants"),
    ).select_from(with_place(events))


def _records(rows: Sequence[object]) -> list[EventRecord]:
    found = []
    for row in rows:
        values = row._asdict()  # type: ignore[attr-defined]
        values["registered"] = bool(values["registered"])
        found.append(EventRecord(**values))
    return found


async def insert_event(session: AsyncSession, event: NewEvent, *, now: datetime) -> int:
    """Store a new event; its id."""
    return await insert_row(session, events, {**asdict(event), "created_at": now})


async def event_by_id(
    session: AsyncSession, event_id: int, *, member_id: int
) -> EventRecord | None:
    rows = (await session.execute(_select_events(member_id).where(events.c.id == event_id))).all()
    found = _records(rows)
    return found[0] if found else None


async def upcoming_events(
    session: AsyncSession, area_paths: Sequence[str], *, member_id: int, now: datetime, limit: int
) -> list[EventRecord]:
    """Events held in one of ``area_paths``, not cancelled, not over; nearest first."""
    if not area_paths:
        return []
    rows = await session.execute(
        _select_events(member_id)
        .where(
            areas.c.path.in_(list(area_paths)),
            events.c.cancelled_at.is_(None),
            events.c.ends_at > now,
        )
        .order_by(events.c.starts_at, events.c.id)
        .limit(limit)
    )
    return _records(rows.all())


async def reportable_events(
    session: AsyncSession,
    *,
    member_id: int,
    held_in_paths: Sequence[str],
    inside_paths: Sequence[str],
    now: datetime,
    limit: int,
) -> list[EventRecord]:
    """Events that have begun and are not cancelled, created by ``member_id``, held in one of
    ``held_in_paths`` or inside one of ``inside_paths``; newest first."""
    where = [events.c.created_by == member_id]
    if held_in_paths:
        where.append(areas.c.path.in_(list(held_in_paths)))
    where += [inside(areas.c.path, path) for path in inside_paths]
    rows = await session.execute(
        _select_events(member_id)
        .where(or_(*where), events.c.cancelled_at.is_(None), events.c.starts_at <= now)
        .order_by(events.c.starts_at.desc(), events.c.id.desc())
        .limit(limit)
    )
    return _records(rows.all())


async def cancellable_events(
    session: AsyncSession,
    *,
    member_id: int,
    inside_paths: Sequence[str],
    now: datetime,
    limit: int,
) -> list[EventRecord]:
    """Events held inside one of ``inside_paths``, not cancelled and not over; nearest first."""
    if not inside_paths:
        return []
    subtrees = [inside(areas.c.path, path) for path in inside_paths]
    rows = await session.execute(
        _select_events(member_id)
        .where(or_(*subtrees), events.c.cancelled_at.is_(None), events.c.ends_at > now)
        .order_by(events.c.starts_at, events.c.id)
        .limit(limit)
    )
    return _records(rows.all())


async def cancel_event(session: AsyncSession, event_id: int, *, now: datetime) -> bool:
    """Mark the event cancelled; False when it already was (by another admin just now, say)."""
    changed = await session.execute(
        update(events)
        .where(events.c.id == event_id, events.c.cancelled_at.is_(None))
        .values(cancelled_at=now)
    )
    return bool(changed.rowcount)


async def registered_member_ids(session: AsyncSession, event_id: int) -> list[int]:
    """The members whose registration for the event is in force."""
    rows = await session.scalars(
        select(event_participants.c.member_id)
        .where(event_participants.c.event_id == event_id, _active)
        .order_by(event_participants.c.member_id)
    )
    return list(rows)


async def withdraw_queued_messages(
    session: AsyncSession, dedup_prefix: str, *, now: datetime
) -> int:
    """Cancel the outbox messages still queued whose dedup key starts with ``dedup_prefix``
    (the reminders of an event cancelled after they were queued); those in flight finish."""
    result = await session.execute(
        update(outbox)
        .where(
            inside(outbox.c.dedup_key, dedup_prefix),
            outbox.c.status == QUEUED,
        )
        .values(
            status=CANCELLED,
            not_before=day_stamp(now),
            finished_at=day_stamp(now),
            text=None,
            params=None,
        )
    )
    return result.rowcount or 0


async def register(session: AsyncSession, event_id: int, member_id: int, *, now: datetime) -> bool:
    """Register the member (again); False when they already were. Kept to the day, as every
    time on a row that names a person (``day_stamp``)."""
    now = day_stamp(now)
    changed = await session.execute(
        update(event_participants)
        .where(
            event_participants.c.event_id == event_id,
            event_participants.c.member_id == member_id,
            event_participants.c.cancelled_at.is_not(None),
        )
        .values(cancelled_at=None, registered_at=now)
    )
    if changed.rowcount:
        return True
    try:
        async with session.begin_nested():
            await session.execute(
                insert(event_participants).values(
                    event_id=event_id, member_id=member_id, registered_at=now, cancelled_at=None
                )
            )
    except IntegrityError:
        return False  # registered already (or by another message of theirs just now)
    return True


async def cancel_registration(
    session: AsyncSession, event_id: int, member_id: int, *, now: datetime
) -> bool:
    """Cancel the member's registration (kept to the day); False when there was none in force."""
    now = day_stamp(now)
    changed = await session.execute(
        update(event_participants)
        .where(
            event_participants.c.event_id == event_id,
            event_participants.c.member_id == member_id,
            _active,
        )
        .values(cancelled_at=now)
    )
    return bool(changed.rowcount)


async def set_turnout(
    session: AsyncSession,
    event_id: int,
    *,
    turnout: int,
    note: str | None,
    by: int,
    now: datetime,
) -> None:
    await session.execute(
        update(events)
        .where(events.c.id == event_id)
        .values(turnout=turnout, turnout_note=note, turnout_by=by, turnout_at=now)
    )


async def home_area_id(session: AsyncSession, member_id: int) -> int | None:
    value: int | None = await session.scalar(
        select(members.c.home_area_id).where(members.c.id == member_id)
    )
    return value


async def set_home_area(session: AsyncSession, member_id: int, area_id: int) -> None:
    await session.execute(
        update(members).where(members.c.id == member_id).values(home_area_id=area_id)
    )


async def participants_starting_between(
    session: AsyncSession, start: datetime, end: datetime, *, limit: int = 5000
) -> list[ReminderDue]:
    """Registered participants of the events (not cancelled) starting in [start, end)."""
    rows = await session.execute(
        select(
            events.c.id.label("event_id"),
            event_participants.c.member_id,
            events.c.title,
            events.c.place_text,
            events.c.starts_at,
            events.c.ends_at,
        )
        .select_from(
            events.join(
                event_participants,
                and_(event_participants.c.event_id == events.c.id, _active),
            )
        )
        .where(
            events.c.cancelled_at.is_(None),
            events.c.starts_at >= start,
            events.c.starts_at < end,
        )
        .order_by(events.c.starts_at, events.c.id, event_participants.c.member_id)
        .limit(limit)
    )
    return [ReminderDue(**row._asdict()) for row in rows]
