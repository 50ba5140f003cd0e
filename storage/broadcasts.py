"""Broadcasts (campaign messages): the rows, their audiences and their progress.

An audience is a set of places (each with its subtree), roles and channels. A member is in it
when they have an active account on one of the channels, did not turn campaign messages off,
and either lives in one of the places (``members.home_area_id``, for the role "resident") or
holds one of the roles there. Recipients are read in pages ordered by member id (keyset
pagination), so a broadcast to 100,000 people never holds more than a page in memory, and a
fan-out that stopped half-way resumes after the last member it queued.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import KW_ONLY, asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import (
    areas,
    broadcasts,
    identities,
    insert_row,
    inside,
    member_preferences,
    member_roles,
    members,
    outbox,
    record_columns,
)
from storage.linking import notice_account_first
from storage.zalo_oa_window import inside_window

__all__ = [
    "AudienceMember",
    "BroadcastRecord",
    "NewBroadcast",
    "Recipient",
    "audience_member",
    "audience_size",
    "broadcast_by_id",
    "due_broadcasts",
    "finished_broadcasts",
    "insert_broadcast",
    "last_queued_member",
    "list_broadcasts",
    "lock_broadcast",
    "recipients_page",
    "set_broadcast_status",
]

RESIDENT = "resident"


@dataclass(frozen=True, slots=True)
class NewBroadcast:
    """A broadcast to store; ``audience`` is {"area_ids", "roles", "channels"}."""

    created_by: int | None
    area_id: int
    audience: dict[str, Any]
    text_vi: str
    text_en: str | None
    photo: dict[str, str] | None
    status: str
    send_at: datetime
    recipients: int | None
    created_at: datetime
    # {"vi": [[label, command]], "en": [...]}: buttons under each copy (a survey's invitation)
    buttons: dict[str, list[list[str]]] | None = None


@dataclass(frozen=True, slots=True)
class BroadcastRecord(NewBroadcast):
    """A stored broadcast (``NewBroadcast``) with its id, the name and path of the place it was
    sent within, and when its sending started, finished or was cancelled."""

    _: KW_ONLY
    id: int
    area_name: str
    area_path: str
    started_at: datetime | None
    finished_at: datetime | None
    cancelled_at: datetime | None


@dataclass(frozen=True, slots=True)
class Recipient:
    """One member to get a copy: the account they used last on the broadcast's channels."""

    member_id: int
    identity_id: int
    channel: str
    locale: str | None


_select_broadcasts = select(
    *record_columns(BroadcastRecord, broadcasts, area_name=areas.c.name, area_path=areas.c.path)
).select_from(broadcasts.join(areas, areas.c.id == broadcasts.c.area_id))


def _record(row: Any) -> BroadcastRecord:
    return BroadcastRecord(**row._asdict())


def _inside_any(paths: Sequence[str]) -> ColumnElement[bool]:
    if not paths:
        return false()
    return or_(*(inside(areas.c.path, path) for path in paths))


async def insert_broadcast(session: AsyncSession, broadcast: NewBroadcast) -> int:
    """Store a new broadcast; its id."""
    return await insert_row(session, broadcasts, asdict(broadcast))


async def broadcast_by_id(session: AsyncSession, broadcast_id: int) -> BroadcastRecord | None:
    row = (
        await session.execute(_select_broadcasts.where(broadcasts.c.id == broadcast_id))
    ).one_or_none()
    return None if row is None else _record(row)


async def list_broadcasts(
    session: AsyncSession, *, within_path: str | None = None, limit: int = 20
) -> list[BroadcastRecord]:
    """The newest broadcasts, optionally only those sent within a place's subtree."""
    statement = _select_broadcasts
    if within_path is not None:
        statement = statement.where(_inside_any([within_path]))
    statement = statement.order_by(broadcasts.c.id.desc()).limit(limit)
    return [_record(row) for row in await session.execute(statement)]


async def set_broadcast_status(
    session: AsyncSession,
    broadcast_id: int,
    status: str,
    *,
    expected: Sequence[str] | None = None,
    **stamps: Any,
) -> bool:
    """Move a broadcast to ``status`` (only from ``expected`` states); False if it was not
    in one of them (another process moved it first)."""
    statement = update(broadcasts).where(broadcasts.c.id == broadcast_id)
    if expected is not None:
        statement = statement.where(broadcasts.c.status.in_(list(expected)))
    result = await session.execute(statement.values(status=status, **stamps))
    return bool(result.rowcount)


async def lock_broadcast(session: AsyncSession, broadcast_id: int) -> bool:
    """Hold the broadcast's row until the transaction ends; False when another process holds
    it (PostgreSQL; SQLite has one writer at a time, so the lock is always had there)."""
    row = await session.execute(
        select(broadcasts.c.id)
        .where(broadcasts.c.id == broadcast_id)
        .with_for_update(skip_locked=True)
    )
    return row.first() is not None


async def due_broadcasts(session: AsyncSession, *, now: datetime, limit: int = 10) -> list[int]:
    """Broadcasts whose copies are to be written now: scheduled and due, or half-written."""
    statement = (
        select(broadcasts.c.id)
        .where(
            or_(
                and_(broadcasts.c.status == "scheduled", broadcasts.c.send_at <= now),
                broadcasts.c.status == "queueing",
            )
        )
        .order_by(broadcasts.c.send_at, broadcasts.c.id)
        .limit(limit)
    )
    return list((await session.execute(statement)).scalars())


async def finished_broadcasts(session: AsyncSession, *, limit: int = 50) -> list[int]:
    """Broadcasts being sent of which no copy is queued or in flight any more."""
    waiting = exists().where(
        outbox.c.broadcast_id == broadcasts.c.id, outbox.c.status.in_(["queued", "sending"])
    )
    statement = (
        select(broadcasts.c.id)
        .where(broadcasts.c.status == "sending", ~waiting)
        .order_by(broadcasts.c.id)
        .limit(limit)
    )
    return list((await session.execute(statement)).scalars())


async def last_queued_member(session: AsyncSession, broadcast_id: int) -> int:
    """The highest member id already given a copy (0: none): where a fan-out resumes."""
    value = await session.scalar(
        select(func.max(outbox.c.member_id)).where(outbox.c.broadcast_id == broadcast_id)
    )
    return int(value or 0)


async def _audience_paths(session: AsyncSession, area_ids: Sequence[int]) -> list[str]:
    if not area_ids:
        return []
    rows = await session.execute(select(areas.c.path).where(areas.c.id.in_(list(area_ids))))
    return [row.path for row in rows]


def _eligible(
    paths: Sequence[str],
    roles: Sequence[str],
    channels: Sequence[str],
    now: datetime | None = None,
) -> Any:
    """The members in the audience, as a WHERE clause on ``members``; with ``now``, only those
    reachable now (inside a channel's messaging window)."""
    in_audience: list[ColumnElement[bool]] = []
    if RESIDENT in roles:
        homes = select(areas.c.id).where(_inside_any(paths))
        in_audience.append(members.c.home_area_id.in_(homes))
    held = [role for role in roles if role != RESIDENT]
    if held:
        in_audience.append(
            exists().where(
                member_roles.c.member_id == members.c.id,
                member_roles.c.revoked_at.is_(None),
                member_roles.c.role.in_(held),
                member_roles.c.area_id == areas.c.id,
                _inside_any(paths),
            )
        )
    reachable = exists().where(
        identities.c.member_id == members.c.id,
        identities.c.active.is_(True),
        identities.c.channel.in_(list(channels)),
        *([] if now is None else [inside_window(now)]),
    )
    opted_out = exists().where(
        member_preferences.c.member_id == members.c.id,
        member_preferences.c.campaigns.is_(False),
    )
    return and_(or_(*in_audience) if in_audience else false(), reachable, ~opted_out)


async def audience_size(
    session: AsyncSession, audience: dict[str, Any], *, now: datetime | None = None
) -> int:
    """How many members the audience reaches now (``now``: also inside the messaging windows
    of channels that have one, as a preview must count)."""
    paths = await _audience_paths(session, audience.get("area_ids", []))
    where = _eligible(paths, audience.get("roles", []), audience.get("channels", []), now)
    return int(await session.scalar(select(func.count()).select_from(members).where(where)) or 0)


@dataclass(frozen=True, slots=True)
class AudienceMember:
    """A member found in an audience, with the place they live in (None: never said)."""

    member_id: int
    home_area_id: int | None


async def audience_member(
    session: AsyncSession, audience: dict[str, Any], member_id: int
) -> AudienceMember | None:
    """The member if they are in the audience today (a survey's: who may answer it)."""
    paths = await _audience_paths(session, audience.get("area_ids", []))
    where = _eligible(paths, audience.get("roles", []), audience.get("channels", []))
    row = (
        await session.execute(
            select(members.c.id, members.c.home_area_id).where(members.c.id == member_id, where)
        )
    ).first()
    return None if row is None else AudienceMember(row.id, row.home_area_id)


async def recipients_page(
    session: AsyncSession, audience: dict[str, Any], *, after_member_id: int, limit: int
) -> list[Recipient]:
    """The next ``limit`` recipients after ``after_member_id``, by member id."""
    paths = await _audience_paths(session, audience.get("area_ids", []))
    channels = list(audience.get("channels", []))
    where = _eligible(paths, audience.get("roles", []), channels)
    page = (
        await session.execute(
            select(members.c.id, members.c.locale)
            .where(members.c.id > after_member_id, where)
            .order_by(members.c.id)
            .limit(limit)
        )
    ).all()
    if not page:
        return []
    locales = {row.id: row.locale for row in page}
    accounts = await session.execute(
        select(identities.c.member_id, identities.c.id, identities.c.channel)
        .where(
            identities.c.member_id.in_(list(locales)),
            identities.c.active.is_(True),
            identities.c.channel.in_(channels),
        )
        # The account used last first: the app the member is most likely to read.
        .order_by(
            identities.c.member_id,
            # A linked member's chosen or last used account (storage.linking).
            notice_account_first(identities.c.member_id),
            identities.c.last_seen_at.desc(),
            identities.c.id.desc(),
        )
    )
    chosen: dict[int, Recipient] = {}
    for row in accounts:
        if row.member_id not in chosen:
            chosen[row.member_id] = Recipient(
                row.member_id, row.id, row.channel, locales[row.member_id]
            )
    return [chosen[member_id] for member_id in sorted(chosen)]
