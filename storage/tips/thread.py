"""A tip's thread: the messages between its tipster and the officers handling it, kept to
the minute and naming neither side's writer, and the escalation of tipsters' unanswered
messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import areas, claim_ids, record_columns, tip_messages, tips
from storage.errors import InvalidRecord
from storage.tips.records import TipRecord, find_tip_by_code

# Who wrote a thread message: the tip's sender, or an officer. Never which officer or member.
TIPSTER = "tipster"
OFFICER = "officer"


@dataclass(frozen=True, slots=True)
class ThreadMessage:
    """A message of a tip's thread; ``attachments`` are {kind, channel, file_id} dicts."""

    id: int
    direction: str
    text: str | None
    attachments: list[dict[str, str]]
    created_at: datetime
    delivered_at: datetime | None
    read_at: datetime | None
    important: bool = False
    latitude: float | None = None
    longitude: float | None = None


def to_the_minute(moment: datetime) -> datetime:
    """Thread times are kept to the minute: they cannot be matched to a platform's records."""
    return moment.replace(second=0, microsecond=0)


async def add_tip_message(
    session: AsyncSession,
    tip_id: int,
    *,
    direction: str,
    text: str | None,
    attachments: list[dict[str, str]],
    now: datetime,
    location: tuple[float, float] | None = None,
) -> int:
    """Store a message of tip ``tip_id``'s thread; its id. The time is kept to the minute.

    An officer's first message is the tip's first answer to its tipster (``first_answer_at``).
    """
    if direction not in (TIPSTER, OFFICER):
        raise InvalidRecord(f"direction must be {TIPSTER!r} or {OFFICER!r}, got {direction!r}")
    # A file as the tip's own attachments identify it, and the words sent with it if any.
    kept = [
        {key: item[key] for key in ("kind", "channel", "file_id")}
        | ({"caption": item["caption"]} if item.get("caption") else {})
        for item in attachments
    ]
    statement = (
        insert(tip_messages)
        .values(
            tip_id=tip_id,
            direction=direction,
            text=text,
            attachments=kept,
            created_at=to_the_minute(now),
            latitude=location[0] if location else None,
            longitude=location[1] if location else None,
        )
        .returning(tip_messages.c.id)
    )
    message_id: int = (await session.execute(statement)).scalar_one()
    if direction == OFFICER:
        await session.execute(
            update(tips)
            .where(tips.c.id == tip_id, tips.c.first_answer_at.is_(None))
            .values(first_answer_at=to_the_minute(now))
        )
    return message_id


async def tip_thread(session: AsyncSession, tip_id: int) -> list[ThreadMessage]:
    """The messages of tip ``tip_id``'s thread, oldest first."""
    rows = await session.execute(
        select(*record_columns(ThreadMessage, tip_messages))
        .where(tip_messages.c.tip_id == tip_id)
        .order_by(tip_messages.c.created_at, tip_messages.c.id)
    )
    return [ThreadMessage(**row._asdict()) for row in rows]


async def tip_of_message(session: AsyncSession, message_id: int) -> TipRecord | None:
    """The tip whose thread holds message ``message_id`` (None once erased)."""
    code = await session.scalar(
        select(tips.c.code)
        .join(tip_messages, tip_messages.c.tip_id == tips.c.id)
        .where(tip_messages.c.id == message_id)
    )
    return None if code is None else await find_tip_by_code(session, code)


async def thread_messages_since(
    session: AsyncSession, tip_id: int, *, direction: str, since: datetime
) -> int:
    """How many messages the ``direction`` side wrote in the tip's thread since ``since``."""
    count = await session.scalar(
        select(func.count())
        .select_from(tip_messages)
        .where(
            tip_messages.c.tip_id == tip_id,
            tip_messages.c.direction == direction,
            tip_messages.c.created_at >= to_the_minute(since),
        )
    )
    return int(count or 0)


async def end_thread(session: AsyncSession, tip_id: int, *, now: datetime) -> bool:
    """The tipster ends the dialogue; False when it had ended already."""
    result = await session.execute(
        update(tips)
        .where(tips.c.id == tip_id, tips.c.thread_ended_at.is_(None))
        .values(thread_ended_at=to_the_minute(now))
    )
    return bool(result.rowcount)


async def mark_important(
    session: AsyncSession, tip_id: int, number: int, *, important: bool = True
) -> bool:
    """Mark message ``number`` (1 for the oldest, as the thread is shown) of the tip's thread;
    False when the thread has no such message."""
    thread = await tip_thread(session, tip_id)
    if not 1 <= number <= len(thread):
        return False
    await session.execute(
        update(tip_messages)
        .where(tip_messages.c.id == thread[number - 1].id)
        .values(important=important)
    )
    return True


async def mark_thread_delivered(
    session: AsyncSession, message_ids: list[int], *, now: datetime
) -> None:
    """The platform took these thread messages (an outbox row sent): the first delivery counts."""
    if message_ids:
        await session.execute(
            update(tip_messages)
            .where(tip_messages.c.id.in_(message_ids), tip_messages.c.delivered_at.is_(None))
            .values(delivered_at=to_the_minute(now))
        )


@dataclass(frozen=True, slots=True)
class UnansweredMessage:
    """A tipster's message claimed for escalation: no officer wrote after it in time."""

    id: int
    tip_id: int
    code: str
    category: str
    created_at: datetime
    area_path: str


async def claim_unanswered_messages(
    session: AsyncSession, *, written_before: datetime, now: datetime, limit: int = 100
) -> list[UnansweredMessage]:
    """Mark as escalated, and return, tipsters' messages written before ``written_before``
    that no officer's message followed, of open placed tips, not escalated yet; one per tip
    (its oldest), so that a tipster writing three times makes one escalation.

    Claimed with ``claim_ids``, guarded by ``escalated_at IS NULL``.
    """
    answer = tip_messages.alias("answer")
    earlier = tip_messages.alias("earlier")
    later_answer = tip_messages.alias("later_answer")
    answered = exists().where(
        answer.c.tip_id == tip_messages.c.tip_id,
        answer.c.direction == OFFICER,
        answer.c.id > tip_messages.c.id,
    )
    # The first message of an unanswered run stands for the run (escalated once).
    unanswered_before = exists().where(
        earlier.c.tip_id == tip_messages.c.tip_id,
        earlier.c.direction == TIPSTER,
        earlier.c.id < tip_messages.c.id,
        ~exists().where(
            later_answer.c.tip_id == earlier.c.tip_id,
            later_answer.c.direction == OFFICER,
            later_answer.c.id > earlier.c.id,
        ),
    )
    waiting = and_(
        tip_messages.c.direction == TIPSTER,
        tip_messages.c.escalated_at.is_(None),
        tip_messages.c.created_at <= written_before,
        ~answered,
        ~unanswered_before,
    )
    open_placed = select(tips.c.id).where(
        tips.c.status.not_in(("closed", "rejected")), tips.c.area_id.is_not(None)
    )
    claimed = await claim_ids(
        session,
        tip_messages,
        waiting,
        among=(tip_messages.c.tip_id.in_(open_placed),),
        values={"escalated_at": now},
        order_by=(tip_messages.c.id,),
        limit=limit,
    )
    if not claimed:
        return []
    rows = await session.execute(
        select(
            *record_columns(
                UnansweredMessage,
                tip_messages,
                code=tips.c.code,
                category=tips.c.category,
                area_path=areas.c.path,
            )
        )
        .join(tips, tips.c.id == tip_messages.c.tip_id)
        .join(areas, areas.c.id == tips.c.area_id)
        .where(tip_messages.c.id.in_(claimed))
        .order_by(tip_messages.c.id)
    )
    return [UnansweredMessage(**row._asdict()) for row in rows]


@dataclass(frozen=True, slots=True)
class ThreadActivity:
    """How many messages a tipster wrote about an open placed tip in a period, and who hears."""

    code: str
    area_path: str
    handler_member_id: int | None
    messages: int


async def tipster_messages_between(
    session: AsyncSession, *, since: datetime, until: datetime
) -> list[ThreadActivity]:
    """Open placed tips whose tipster wrote in ``[since, until)``, oldest tip first."""
    rows = await session.execute(
        select(
            tips.c.code,
            areas.c.path.label("area_path"),
            tips.c.handler_member_id,
            func.count(tip_messages.c.id).label("messages"),
        )
        .join(tips, tips.c.id == tip_messages.c.tip_id)
        .join(areas, areas.c.id == tips.c.area_id)
        .where(
            tip_messages.c.direction == TIPSTER,
            tip_messages.c.created_at >= since,
            tip_messages.c.created_at < until,
            tips.c.status.not_in(("closed", "rejected")),
        )
        .group_by(tips.c.id, tips.c.code, areas.c.path, tips.c.handler_member_id)
        .order_by(tips.c.id)
    )
    return [ThreadActivity(**row._asdict()) for row in rows]
