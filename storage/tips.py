"""Tips (tin báo) and their attachments: store a new tip, find one by its code, list them;
a tip's thread of messages between its tipster and its officers."""

from __future__ import annotations

import re
from dataclasses import KW_ONLY, asdict, dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, and_, case, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import (
    areas,
    inside,
    member_roles,
    members,
    tip_attachments,
    tip_messages,
    tip_status_changes,
    tips,
)
from storage.errors import DuplicateTipCode, InvalidRecord

__all__ = [
    "OFFICER",
    "TAKEN",
    "TIPSTER",
    "AttachmentRecord",
    "DuplicateTipCode",
    "InboxRow",
    "NewAttachment",
    "NewTip",
    "StaffMember",
    "ThreadActivity",
    "ThreadMessage",
    "TipRecord",
    "UnacknowledgedTip",
    "UnansweredMessage",
    "add_tip_message",
    "change_tip_status",
    "claim_unacknowledged",
    "claim_unanswered_messages",
    "end_thread",
    "find_tip_by_code",
    "insert_tip",
    "last_outcome",
    "list_inbox_within",
    "list_tips",
    "mark_important",
    "mark_thread_delivered",
    "member_display_name",
    "staff_over",
    "take_tip",
    "thread_messages_since",
    "tip_of_message",
    "tip_thread",
    "tipster_messages_between",
]

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True, slots=True)
class NewAttachment:
    """A file sent with a tip, as the channel identifies it."""

    kind: str
    channel: str
    file_id: str
    file_unique_id: str | None = None
    mime_type: str | None = None
    size_bytes: int | None = None
    file_name: str | None = None
    duration_seconds: int | None = None


@dataclass(frozen=True, slots=True)
class NewTip:
    """A tip ready to be stored; ``sender_route`` comes sealed by the caller."""

    code: str
    category: str
    description: str
    place_text: str | None
    latitude: float | None
    longitude: float | None
    place_unknown: bool
    occurred_date: date | None
    occurred_time: str | None
    occurred_unknown: bool
    anonymous: bool
    member_id: int | None
    contact_phone: str | None
    sender_route: bytes | None
    locale: str
    received_at: datetime
    attachments: tuple[NewAttachment, ...] = ()
    area_id: int | None = None


@dataclass(frozen=True, slots=True)
class AttachmentRecord(NewAttachment):
    """A stored attachment: the file as it was sent, and its place in the order of sending."""

    _: KW_ONLY
    position: int


@dataclass(frozen=True, slots=True)
class TipRecord(NewTip):
    """A stored tip: what was stored (``NewTip``), its row id, and how it was handled since."""

    _: KW_ONLY
    id: int
    status: str
    acknowledged_at: datetime | None = None
    forwarded_at: datetime | None = None
    closed_at: datetime | None = None
    handler_member_id: int | None = None
    status_note: str | None = None
    escalated_at: datetime | None = None
    first_answer_at: datetime | None = None
    thread_ended_at: datetime | None = None
    attachments: tuple[AttachmentRecord, ...] = ()  # type: ignore[assignment]


_TIP_COLUMNS = tuple(tips.c[f.name] for f in fields(TipRecord) if f.name != "attachments")
_ATTACHMENT_COLUMNS = tuple(tip_attachments.c[f.name] for f in fields(AttachmentRecord))
_ATTACHMENT_NAMES = tuple(f.name for f in fields(AttachmentRecord))


def _validate(tip: NewTip) -> None:
    # A tipster's safety depends on anonymous tips carrying nothing that points back to them.
    if tip.anonymous and tip.member_id is not None:
        raise InvalidRecord("an anonymous tip must not carry a member_id")
    if tip.anonymous and tip.contact_phone is not None:
        raise InvalidRecord("an anonymous tip must not carry a contact_phone")
    if tip.occurred_time is not None and not _TIME.match(tip.occurred_time):
        raise InvalidRecord(f"occurred_time must be HH:MM, got {tip.occurred_time!r}")


async def insert_tip(session: AsyncSession, tip: NewTip) -> int:
    """Store a tip and its attachments; return its id.

    Raises InvalidRecord when an anonymous tip carries a member id or phone, and DuplicateTipCode
    when the code is taken (inside a SAVEPOINT, so the caller's transaction stays usable).
    """
    _validate(tip)
    values = asdict(tip)
    values.pop("attachments")
    try:
        async with session.begin_nested():
            tip_id: int = (
                await session.execute(insert(tips).values(values).returning(tips.c.id))
            ).scalar_one()
            if tip.attachments:
                await session.execute(
                    insert(tip_attachments),
                    [
                        {"tip_id": tip_id, "position": position, **asdict(attachment)}
                        for position, attachment in enumerate(tip.attachments)
                    ],
                )
    except IntegrityError as error:
        taken = (await session.execute(select(tips.c.id).where(tips.c.code == tip.code))).first()
        if taken is not None:
            raise DuplicateTipCode(tip.code) from error
        raise
    return tip_id


async def _with_attachments(session: AsyncSession, rows: list[Row[Any]]) -> list[TipRecord]:
    if not rows:
        return []
    by_tip: dict[int, list[AttachmentRecord]] = {row.id: [] for row in rows}
    attachment_rows = await session.execute(
        select(tip_attachments.c.tip_id, *_ATTACHMENT_COLUMNS)
        .where(tip_attachments.c.tip_id.in_(list(by_tip)))
        .order_by(tip_attachments.c.tip_id, tip_attachments.c.position)
    )
    for attachment in attachment_rows:
        by_tip[attachment.tip_id].append(
            AttachmentRecord(**{name: attachment._mapping[name] for name in _ATTACHMENT_NAMES})
        )
    return [TipRecord(**row._asdict(), attachments=tuple(by_tip[row.id])) for row in rows]


async def find_tip_by_code(session: AsyncSession, code: str) -> TipRecord | None:
    """The tip with this code (as given to the tipster), or None."""
    rows = list(await session.execute(select(*_TIP_COLUMNS).where(tips.c.code == code)))
    records = await _with_attachments(session, rows)
    return records[0] if records else None


async def list_tips(
    session: AsyncSession, *, status: str | None = None, limit: int = 50
) -> list[TipRecord]:
    """The newest tips first, optionally only those with ``status``."""
    statement = select(*_TIP_COLUMNS).order_by(tips.c.received_at.desc(), tips.c.id.desc())
    if status is not None:
        statement = statement.where(tips.c.status == status)
    rows = list(await session.execute(statement.limit(limit)))
    return await _with_attachments(session, rows)


# -- handling: the officers' inbox, the 24-hour rule -------------------------------------------

# The status recorded in a tip's history when an officer takes it (not a status of the tip).
TAKEN = "taken"


@dataclass(frozen=True, slots=True)
class InboxRow:
    """A line of an officer's inbox: no text, no place, no sender."""

    code: str
    category: str
    status: str
    received_at: datetime
    handler_name: str | None


async def list_inbox_within(session: AsyncSession, path: str, *, limit: int = 10) -> list[InboxRow]:
    """Tips placed in the subtree at ``path``: the unacknowledged ones first, newest first."""
    waiting_first = case((tips.c.acknowledged_at.is_(None), 0), else_=1)
    statement = (
        select(
            tips.c.code,
            tips.c.category,
            tips.c.status,
            tips.c.received_at,
            members.c.display_name.label("handler_name"),
        )
        .join(areas, areas.c.id == tips.c.area_id)
        .outerjoin(members, members.c.id == tips.c.handler_member_id)
        .where(inside(areas.c.path, path))
        .order_by(waiting_first, tips.c.received_at.desc(), tips.c.id.desc())
        .limit(limit)
    )
    return [InboxRow(**row._asdict()) for row in await session.execute(statement)]


async def last_outcome(session: AsyncSession, tip_id: int) -> str | None:
    """The status of the tip's latest step other than being taken (a rejection's reason)."""
    return await session.scalar(
        select(tip_status_changes.c.status)
        .where(tip_status_changes.c.tip_id == tip_id, tip_status_changes.c.status != TAKEN)
        .order_by(tip_status_changes.c.id.desc())
        .limit(1)
    )


async def _record_step(
    session: AsyncSession, tip_id: int, status: str, note: str | None, by: int, now: datetime
) -> None:
    await session.execute(
        insert(tip_status_changes).values(
            tip_id=tip_id, status=status, note=note, changed_by=by, changed_at=now
        )
    )


async def take_tip(
    session: AsyncSession, tip_id: int, *, member_id: int, previous: int | None, now: datetime
) -> bool:
    """Make ``member_id`` the tip's handler if it is still handled by ``previous``.

    A tip nobody had acknowledged is acknowledged now. False when somebody changed the handler
    or closed the tip meanwhile (nothing is written then).
    """
    handler = tips.c.handler_member_id
    still = handler.is_(None) if previous is None else handler == previous
    result = await session.execute(
        update(tips)
        .where(tips.c.id == tip_id, still, tips.c.status.not_in(("closed", "rejected")))
        .values(
            handler_member_id=member_id,
            status=case((tips.c.status == "received", "acknowledged"), else_=tips.c.status),
            acknowledged_at=func.coalesce(tips.c.acknowledged_at, now),
        )
    )
    if not result.rowcount:
        return False
    await _record_step(session, tip_id, TAKEN, None, member_id, now)
    return True


async def change_tip_status(
    session: AsyncSession,
    tip_id: int,
    *,
    expected: str,
    status: str,
    outcome: str,
    note: str | None,
    by: int,
    now: datetime,
    final: bool,
) -> bool:
    """Move the tip from ``expected`` to ``status`` and record the step (``outcome``, note).

    Any step acknowledges a tip not yet acknowledged; forwarding keeps its time, a final
    status its closing time (the 24-hour rule is checked on these). False when the tip was
    no longer ``expected`` (another officer moved it first).
    """
    values: dict[str, Any] = {
        "status": status,
        "status_note": note,
        "acknowledged_at": func.coalesce(tips.c.acknowledged_at, now),
    }
    if status == "forwarded":
        values["forwarded_at"] = func.coalesce(tips.c.forwarded_at, now)
    if final:
        values["closed_at"] = now
    result = await session.execute(
        update(tips).where(tips.c.id == tip_id, tips.c.status == expected).values(values)
    )
    if not result.rowcount:
        return False
    await _record_step(session, tip_id, outcome, note, by, now)
    return True


@dataclass(frozen=True, slots=True)
class StaffMember:
    """A member holding a role in a place above (or at) a tip's place."""

    member_id: int
    locale: str | None
    role: str
    area_path: str


def ancestor_paths(path: str) -> list[str]:
    """ "/40/17662/17662-001/" → ["/40/", "/40/17662/", "/40/17662/17662-001/"]."""
    codes = [code for code in path.split("/") if code]
    return ["/" + "/".join(codes[: depth + 1]) + "/" for depth in range(len(codes))]


async def staff_over(
    session: AsyncSession, area_path: str, roles: tuple[str, ...]
) -> list[StaffMember]:
    """Members with an active role in ``roles`` held in the place at ``area_path`` or above
    it, the nearest place first (a commune's staff before the province's)."""
    if not area_path:
        return []
    rows = await session.execute(
        select(
            member_roles.c.member_id,
            members.c.locale,
            member_roles.c.role,
            areas.c.path.label("area_path"),
        )
        .join(areas, areas.c.id == member_roles.c.area_id)
        .join(members, members.c.id == member_roles.c.member_id)
        .where(
            areas.c.path.in_(ancestor_paths(area_path)),
            member_roles.c.role.in_(roles),
            member_roles.c.revoked_at.is_(None),
        )
        .order_by(func.length(areas.c.path).desc(), member_roles.c.member_id)
    )
    return [StaffMember(**row._asdict()) for row in rows]


@dataclass(frozen=True, slots=True)
class UnacknowledgedTip:
    """A tip claimed for escalation: still unacknowledged past the deadline."""

    id: int
    code: str
    category: str
    received_at: datetime
    area_path: str


async def claim_unacknowledged(
    session: AsyncSession, *, received_before: datetime, now: datetime, limit: int = 100
) -> list[UnacknowledgedTip]:
    """Mark as escalated, and return, placed tips received before ``received_before`` that
    nobody acknowledged and that were not escalated yet.

    The claim is one UPDATE guarded by ``escalated_at IS NULL``; on PostgreSQL the candidate
    rows are locked with SKIP LOCKED, so two processes never claim the same tip.
    """
    waiting = and_(
        tips.c.acknowledged_at.is_(None),
        tips.c.escalated_at.is_(None),
        tips.c.status == "received",
        tips.c.received_at <= received_before,
        tips.c.area_id.is_not(None),
    )
    candidates = (
        select(tips.c.id)
        .where(waiting)
        .order_by(tips.c.received_at, tips.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = (
        (
            await session.execute(
                update(tips)
                .where(tips.c.id.in_(candidates), waiting)
                .values(escalated_at=now)
                .returning(tips.c.id)
            )
        )
        .scalars()
        .all()
    )
    if not claimed:
        return []
    rows = await session.execute(
        select(
            tips.c.id,
            tips.c.code,
            tips.c.category,
            tips.c.received_at,
            areas.c.path.label("area_path"),
        )
        .join(areas, areas.c.id == tips.c.area_id)
        .where(tips.c.id.in_(list(claimed)))
        .order_by(tips.c.received_at, tips.c.id)
    )
    return [UnacknowledgedTip(**row._asdict()) for row in rows]


async def member_display_name(session: AsyncSession, member_id: int) -> str | None:
    """The name a member goes by on their platform (a handler's, shown to staff only)."""
    return await session.scalar(select(members.c.display_name).where(members.c.id == member_id))


# -- a tip's thread ------------------------------------------------------------------------------

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
    kept = [{key: item[key] for key in ("kind", "channel", "file_id")} for item in attachments]
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
        select(
            tip_messages.c.id,
            tip_messages.c.direction,
            tip_messages.c.text,
            tip_messages.c.attachments,
            tip_messages.c.created_at,
            tip_messages.c.delivered_at,
            tip_messages.c.read_at,
            tip_messages.c.important,
            tip_messages.c.latitude,
            tip_messages.c.longitude,
        )
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

    Claimed like ``claim_unacknowledged``: one UPDATE guarded by ``escalated_at IS NULL``,
    SKIP LOCKED on PostgreSQL.
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
    candidates = (
        select(tip_messages.c.id)
        .where(waiting, tip_messages.c.tip_id.in_(open_placed))
        .order_by(tip_messages.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    candidate_ids = (await session.execute(candidates)).scalars().all()
    if not candidate_ids:
        return []
    claimed = (
        (
            await session.execute(
                update(tip_messages)
                .where(tip_messages.c.id.in_(list(candidate_ids)), waiting)
                .values(escalated_at=now)
                .returning(tip_messages.c.id)
            )
        )
        .scalars()
        .all()
    )
    if not claimed:
        return []
    rows = await session.execute(
        select(
            tip_messages.c.id,
            tip_messages.c.tip_id,
            tips.c.code,
            tips.c.category,
            tip_messages.c.created_at,
            areas.c.path.label("area_path"),
        )
        .join(tips, tips.c.id == tip_messages.c.tip_id)
        .join(areas, areas.c.id == tips.c.area_id)
        .where(tip_messages.c.id.in_(list(claimed)))
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
