"""Tips (tin báo) and their attachments as stored: a new tip, one found by its code, the
newest ones."""

from __future__ import annotations

import re
from dataclasses import KW_ONLY, asdict, dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import dialect_name, run_together, tip_attachments, tips
from storage.errors import DuplicateTipCode, InvalidRecord

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
    caption: str | None = None  # the sender's words with the file


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
_TIP_NAMES = tuple(column.name for column in _TIP_COLUMNS)
# The columns' own defaults (a new tip's status): ``run_together`` sends only the values given,
# where the session's execution would have filled these in.
_TIP_DEFAULTS = {
    column.name: column.default.arg
    for column in tips.c
    if column.default is not None and column.default.is_scalar
}
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
    """Store a tip and its attachments; return its id (see ``store_tip_record``)."""
    return (await store_tip_record(session, tip)).id


def _tip_insert(session: AsyncSession) -> Any:
    # A taken code inserts nothing instead of failing the caller's transaction: no SAVEPOINT
    # (two more statements for a collision once in ~10^12), and the caller tries another code.
    dialect = postgresql if dialect_name(session) == "postgresql" else sqlite
    return _TIP_INSERTS[dialect.__name__]


_TIP_INSERTS = {
    dialect.__name__: dialect.insert(tips)
    .on_conflict_do_nothing(index_elements=[tips.c.code])
    .returning(*_TIP_COLUMNS)
    for dialect in (postgresql, sqlite)
}


_insert_attachment = insert(tip_attachments)


async def store_tip_record(session: AsyncSession, tip: NewTip) -> TipRecord:
    """Store a tip and its attachments; the tip as stored, read back from the insert itself
    (no SELECT after it).

    Raises InvalidRecord when an anonymous tip carries a member id or phone, and
    DuplicateTipCode when the code is taken; the caller's transaction stays usable.
    """
    _validate(tip)
    values = {**_TIP_DEFAULTS, **asdict(tip)}
    values.pop("attachments")
    # Past the session's execution layer (``run_together``), as the hot path's other writes.
    (inserted,) = await run_together(session, [(_tip_insert(session), values)])
    if not inserted.rows:
        raise DuplicateTipCode(tip.code)
    stored = dict(zip(_TIP_NAMES, inserted.rows[0], strict=True))
    attachments = tuple(
        AttachmentRecord(**asdict(attachment), position=position)
        for position, attachment in enumerate(tip.attachments)
    )
    if attachments:
        # One statement per file, all of them in one trip to the database.
        await run_together(
            session,
            [
                (_insert_attachment, {"tip_id": stored["id"], **asdict(attachment)})
                for attachment in attachments
            ],
        )
    return TipRecord(**stored, attachments=attachments)


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
