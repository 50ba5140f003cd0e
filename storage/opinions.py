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

from storage._sql import areas, insert_row, inside, record_columns
from storage.errors import InvalidRecord
from storage.retention import Expiry
from storage.tables import day_stamp
from storage.tables.opinions import Opinion, OpinionAnswer

opinions: Table = Opinion.__table__  # type: ignore[assignment]
opinion_answers: Table = OpinionAnswer.__table__  # type: ignore[assignment]

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
CATEGORIES = ("security", "traffic", "lighting", "camera", "fire_safety", "other")

__all__ = [
    "ANSWERED",
    "CATEGORIES",
    "DONE",
    "DONE_OPINION_ROUTES",
    "RECEIVED",
    "NewOpinion",
    "OpinionFigures",
    "OpinionRecord",
    "add_answer",
    "answers_of",
    "find_opinion_by_code",
    "insert_opinion",
    "mark_done",
    "opinion_figures",
    "opinion_queue",
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
    if not paths:
        return []
    where = [inside(areas.c.path, path) for path in paths]
    statement = (
        _select()
        .where(opinions.c.status != DONE, or_(*where))
        .order_by(opinions.c.received_on, opinions.c.id)
        .limit(limit)
    )
    return [OpinionRecord(**row._asdict()) for row in await session.execute(statement)]


async def add_answer(session: AsyncSession, opinion_id: int, text: str, *, now: datetime) -> int:
    """Store an officer's answer (to the day); the opinion is answered from its first one."""
    answer_id = await insert_row(
        session,
        opinion_answers,
        {"opinion_id": opinion_id, "text": text, "created_on": day_stamp(now)},
    )
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
    """The answers of an opinion's thread, in the order written."""
    rows = await session.execute(
        select(opinion_answers.c.text)
        .where(opinion_answers.c.opinion_id == opinion_id)
        .order_by(opinion_answers.c.id)
    )
    return list(rows.scalars())


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
