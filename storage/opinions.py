"""Residents' opinions and proposals to their commune: store one, the officers' queue, the
thread of answers, "done", and the figures for the overviews.

Every time is kept to the day (``day_stamp``) and an anonymous opinion keeps no member (see
``storage.tables.opinions``).
"""

from __future__ import annotations

from dataclasses import KW_ONLY, asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import ancestor_paths, areas, events, insert_row, inside, record_columns
from storage.errors import InvalidRecord
from storage.retention import Expiry
from storage.tables import day_stamp
from storage.tables.opinions import EventOpinion, Opinion, OpinionAnswer

opinions: Table = Opinion.__table__  # type: ignore[assignment]
opinion_answers: Table = OpinionAnswer.__table__  # type: ignore[assignment]
event_opinions: Table = EventOpinion.__table__  # type: ignore[assignment]

# An opinion done longer than its period ago can no longer be answered: its route back goes
# (with the tips' route period), the opinion and its answers stay for the figures.
DONE_OPINION_ROUTES = Expiry(
    opinions,
    lambda cut: and_(opinions.c.done_on < cut, opinions.c.sender_route.is_not(None)),
    clears=("sender_route",),
)

RECEIVED = "received"
ANSWERED = "answered"
DONE = "done"
# The two sides of an opinion's thread.
OFFICER = "officer"
RESIDENT = "resident"
# The events template of a forum (conversations.opinions.FORUM_TEMPLATE).
FORUM_TEMPLATE = "lang_nghe"
CATEGORIES = ("security", "traffic", "lighting", "camera", "fire_safety", "other")

__all__ = [
    "ANSWERED",
    "CATEGORIES",
    "DONE",
    "DONE_OPINION_ROUTES",
    "OFFICER",
    "RECEIVED",
    "RESIDENT",
    "NewOpinion",
    "OpinionFigures",
    "OpinionRecord",
    "add_answer",
    "answers_of",
    "attach_to_event",
    "event_opinions",
    "find_opinion_by_code",
    "forget_member_opinions",
    "forums_for",
    "insert_opinion",
    "mark_done",
    "member_opinions",
    "opinion_figures",
    "opinion_queue",
    "opinions_in",
    "opinions_of_event",
    "thread_of",
    "unanswered_since",
]


@dataclass(frozen=True, slots=True)
class NewOpinion:
    """An opinion as sent; an anonymous one has no ``member_id`` and a sealed route back."""

    code: str
    category: str
    text: str
    place_text: str | None
    latitude: float | None
    longitude: float | None
    photo: dict[str, Any] | None
    anonymous: bool
    member_id: int | None
    sender_route: bytes | None
    locale: str
    area_id: int | None


@dataclass(frozen=True, slots=True)
class OpinionRecord(NewOpinion):
    """A stored opinion with its id, status, days and its commune's path and name."""

    _: KW_ONLY
    id: int
    status: str
    received_on: datetime
    answered_on: datetime | None
    done_on: datetime | None
    area_path: str | None
    area_name: str | None


async def insert_opinion(session: AsyncSession, opinion: NewOpinion, *, now: datetime) -> int:
    """Store an opinion received ``now`` (kept to the day); its id."""
    if opinion.category not in CATEGORIES:
        raise InvalidRecord(f"unknown opinion category {opinion.category!r}")
    if opinion.anonymous and opinion.member_id is not None:
        raise InvalidRecord("an anonymous opinion keeps no member")
    values = {**asdict(opinion), "status": RECEIVED, "received_on": day_stamp(now)}
    return await insert_row(session, opinions, values)


def _select() -> Any:
    columns = record_columns(
        OpinionRecord, opinions, area_path=areas.c.path, area_name=areas.c.name
    )
    return select(*columns).select_from(opinions.outerjoin(areas, areas.c.id == opinions.c.area_id))


async def find_opinion_by_code(session: AsyncSession, code: str) -> OpinionRecord | None:
    row = (await session.execute(_select().where(opinions.c.code == code))).one_or_none()
    return None if row is None else OpinionRecord(**row._asdict())


async def opinion_queue(
    session: AsyncSession, paths: list[str], *, limit: int = 20
) -> list[OpinionRecord]:
    """The opinions not yet done of the places at ``paths`` and below, oldest first."""
    return await opinions_in(session, paths, done=False, limit=limit)


async def opinions_in(
    session: AsyncSession,
    paths: list[str],
    *,
    done: bool | None = False,
    offset: int = 0,
    limit: int | None = None,
) -> list[OpinionRecord]:
    """The opinions of the places at ``paths`` and below, oldest first: those not yet done
    (``done`` False), the done ones (True) or all (None)."""
    if not paths:
        return []
    statement = _select().where(or_(*[inside(areas.c.path, path) for path in paths]))
    if done is not None:
        statement = statement.where(
            (opinions.c.status == DONE) if done else (opinions.c.status != DONE)
        )
    statement = statement.order_by(opinions.c.received_on, opinions.c.id).offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    return [OpinionRecord(**row._asdict()) for row in await session.execute(statement)]


async def add_answer(
    session: AsyncSession, opinion_id: int, text: str, *, now: datetime, side: str = OFFICER
) -> int:
    """Store a message of the thread (to the day): an officer's answer makes the opinion
    answered from the first one; the resident's word back changes nothing of its status."""
    answer_id = await insert_row(
        session,
        opinion_answers,
        {"opinion_id": opinion_id, "text": text, "created_on": day_stamp(now), "side": side},
    )
    if side != OFFICER:
        return answer_id
    await session.execute(
        update(opinions)
        .where(opinions.c.id == opinion_id)
        .values(
            status=case((opinions.c.status == DONE, DONE), else_=ANSWERED),
            answered_on=func.coalesce(opinions.c.answered_on, day_stamp(now)),
        )
    )
    return answer_id


async def answers_of(session: AsyncSession, opinion_id: int) -> list[str]:
    """The officers' answers of an opinion's thread, in the order written."""
    return [text for side, text in await thread_of(session, opinion_id) if side == OFFICER]


async def thread_of(session: AsyncSession, opinion_id: int) -> list[tuple[str, str]]:
    """(side, text) of every message of an opinion's thread, in the order written."""
    rows = await session.execute(
        select(opinion_answers.c.side, opinion_answers.c.text)
        .where(opinion_answers.c.opinion_id == opinion_id)
        .order_by(opinion_answers.c.id)
    )
    return [(row.side, row.text) for row in rows]


async def member_opinions(session: AsyncSession, member_id: int) -> list[OpinionRecord]:
    """A member's named opinions, newest first (an anonymous one names nobody: never here)."""
    statement = (
        _select()
        .where(opinions.c.member_id == member_id)
        .order_by(opinions.c.received_on.desc(), opinions.c.id.desc())
    )
    return [OpinionRecord(**row._asdict()) for row in await session.execute(statement)]


async def forget_member_opinions(session: AsyncSession, member_id: int) -> int:
    """Erasure: a member's named opinions keep their subject, words and days for the
    commune's figures, and lose who sent them, the photo from their account and the exact
    spot; how many."""
    result = await session.execute(
        update(opinions)
        .where(opinions.c.member_id == member_id)
        .values(member_id=None, photo=None, latitude=None, longitude=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def unanswered_since(session: AsyncSession, cut: datetime) -> list[OpinionRecord]:
    """The opinions received before ``cut`` that no officer has answered yet, oldest first."""
    statement = (
        _select()
        .where(opinions.c.status == RECEIVED, opinions.c.received_on < cut)
        .order_by(opinions.c.received_on, opinions.c.id)
    )
    return [OpinionRecord(**row._asdict()) for row in await session.execute(statement)]


async def attach_to_event(session: AsyncSession, event_id: int, opinion_id: int) -> bool:
    """List an opinion among those a forum will answer; False when it was already."""
    taken = await session.execute(
        select(event_opinions.c.opinion_id).where(
            event_opinions.c.event_id == event_id, event_opinions.c.opinion_id == opinion_id
        )
    )
    if taken.first() is not None:
        return False
    await session.execute(event_opinions.insert().values(event_id=event_id, opinion_id=opinion_id))
    return True


@dataclass(frozen=True, slots=True)
class ForumRecord:
    """A forum an opinion may be listed for."""

    id: int
    title: str
    place_text: str
    starts_at: datetime
    ends_at: datetime


async def forums_for(
    session: AsyncSession, commune_path: str, *, now: datetime, limit: int = 10
) -> list[ForumRecord]:
    """The forums ("lang_nghe" events) not cancelled nor over, held in the commune, a place
    above it or one inside it; nearest first."""
    statement = (
        select(
            events.c.id, events.c.title, events.c.place_text, events.c.starts_at, events.c.ends_at
        )
        .select_from(events.join(areas, areas.c.id == events.c.area_id))
        .where(
            events.c.template == FORUM_TEMPLATE,
            events.c.cancelled_at.is_(None),
            events.c.ends_at > now,
            or_(areas.c.path.in_(ancestor_paths(commune_path)), inside(areas.c.path, commune_path)),
        )
        .order_by(events.c.starts_at, events.c.id)
        .limit(limit)
    )
    return [ForumRecord(**row._asdict()) for row in await session.execute(statement)]


async def opinions_of_event(session: AsyncSession, event_id: int) -> list[OpinionRecord]:
    """The opinions a forum will answer, oldest first."""
    statement = (
        _select()
        .join(event_opinions, event_opinions.c.opinion_id == opinions.c.id)
        .where(event_opinions.c.event_id == event_id)
        .order_by(opinions.c.received_on, opinions.c.id)
    )
    return [OpinionRecord(**row._asdict()) for row in await session.execute(statement)]


async def mark_done(session: AsyncSession, opinion_id: int, *, now: datetime) -> bool:
    """Mark an opinion done (once); False when it was already."""
    result = await session.execute(
        update(opinions)
        .where(opinions.c.id == opinion_id, opinions.c.status != DONE)
        .values(status=DONE, done_on=day_stamp(now))
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class OpinionFigures:
    """Opinions received in a period, how many of them were answered and done, by category."""

    received: int
    answered: int
    done: int
    by_category: dict[str, int]


async def opinion_figures(
    session: AsyncSession, path: str, start: datetime, end: datetime
) -> OpinionFigures:
    """The figures of opinions received in [``start``, ``end``) in the place at ``path``
    and below it."""
    rows = await session.execute(
        select(
            opinions.c.category,
            func.count().label("received"),
            func.count(opinions.c.answered_on).label("answered"),
            func.count(opinions.c.done_on).label("done"),
        )
        .select_from(opinions.join(areas, areas.c.id == opinions.c.area_id))
        .where(
            inside(areas.c.path, path),
            opinions.c.received_on >= day_stamp(start),
            opinions.c.received_on < end,
        )
        .group_by(opinions.c.category)
    )
    found = list(rows)
    return OpinionFigures(
        received=sum(row.received for row in found),
        answered=sum(row.answered for row in found),
        done=sum(row.done for row in found),
        by_category={row.category: row.received for row in found},
    )
