"""The outbox: every message that is not a direct reply, from its cause until it is delivered.

A message is enqueued in the caller's transaction, so it exists exactly when its cause does.
A sender claims due rows with a lease (``status='sending'``, ``lease_until``): should it crash,
the lease runs out and the rows become claimable again, so nothing is lost and at most the
messages that were in flight are sent twice. A claim names its ``LeaseOwner`` (a stable worker
id and the id of this run): the same worker, started again, takes back its earlier run's rows at
once instead of waiting for their lease. On PostgreSQL the claim skips rows another sender
has locked (``FOR UPDATE SKIP LOCKED``); SQLite has one writer at a time and renders no
``FOR UPDATE``, so the same statement is safe there too.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage._sql import (
    claim_ids,
    dialect_name,
    identities,
    member_preferences,
    members,
    outbox,
)
from storage.errors import InvalidRecord
from storage.linking import notice_account_first
from storage.tables import day_stamp, utcnow
from storage.zalo_oa_window import CUSTOMER_SERVICE_WINDOW, seen_since

__all__ = [
    "BROADCAST",
    "CAMPAIGN_KINDS",
    "DIGEST",
    "FINISHED",
    "NOTICE",
    "OPTIONAL_KINDS",
    "OUTSIDE_WINDOW",
    "REMINDER",
    "TIP_NOTICE",
    "URGENT",
    "ClaimedMessage",
    "LeaseOwner",
    "NewMessage",
    "cancel_broadcast_copies",
    "claim_due",
    "count_by_broadcast",
    "count_by_status",
    "dedup_key_taken",
    "enqueue",
    "enqueue_many",
    "lock_worker_name",
    "mark_blocked",
    "mark_failed",
    "mark_outside_window",
    "mark_sent",
    "reachable_identity",
    "retry_later",
    "unlock_worker_name",
]

# Kinds of messages. Only tip notices may break the quiet hours (bot.delivery.quiet_hours).
TIP_NOTICE = "tip_notice"
REMINDER = "reminder"
DIGEST = "digest"
BROADCAST = "broadcast"
NOTICE = "notice"
# An urgent incident reported to the commune's officers: goes out at any hour.
URGENT = "urgent"
# Kinds a member can turn off (member_preferences.reminders).
OPTIONAL_KINDS = frozenset({REMINDER})
# Campaign messages a member can turn off (member_preferences.campaigns).
CAMPAIGN_KINDS = frozenset({BROADCAST})

QUEUED = "queued"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
BLOCKED = "blocked"
CANCELLED = "cancelled"
# The platform takes messages to this user only for a while after they wrote (Zalo OA: 7 days).
OUTSIDE_WINDOW = "outside_window"
FINISHED = frozenset({SENT, FAILED, BLOCKED, CANCELLED, OUTSIDE_WINDOW})


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A message to put in the outbox.

    Give ``identity_id`` (a member's account on ``channel``), ``chat_id`` (any other chat) or
    ``sealed_route`` (an anonymous tipster's chat, sealed: the sender opens it), and ``text``
    or ``message_key`` (+ ``params``), rendered in the member's language when sent.
    """

    channel: str
    kind: str
    not_before: datetime
    identity_id: int | None = None
    member_id: int | None = None
    chat_id: str | None = None
    text: str | None = None
    message_key: str | None = None
    params: dict[str, Any] | None = None
    dedup_key: str | None = None
    priority: int = 0
    broadcast_id: int | None = None
    sealed_route: bytes | None = None

    def __post_init__(self) -> None:
        addresses = (self.identity_id, self.chat_id, self.sealed_route)
        if sum(address is not None for address in addresses) != 1:
            raise InvalidRecord(
                "an outbox message needs exactly one of identity_id, chat_id and sealed_route"
            )
        if (self.text is None) == (self.message_key is None):
            raise InvalidRecord("an outbox message needs exactly one of text and message_key")


@dataclass(frozen=True, slots=True)
class LeaseOwner:
    """Who claims outbox rows: ``worker`` is stable across restarts of one process (its
    ``ANTQ_WORKER_ID``), ``boot`` differs on every start. Rows leased by the same worker under
    another boot were abandoned by a crash: the new run takes them back at once."""

    worker: str
    boot: str


@dataclass(frozen=True, slots=True)
class ClaimedMessage:
    """A message claimed for sending, with everything needed to send it."""

    id: int
    kind: str
    chat_id: str  # for a sealed route, filled in by the sender once it opened the route
    attempts: int  # including this one
    lease_until: datetime
    text: str | None = None
    message_key: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    locale: str | None = None
    identity_id: int | None = None
    sealed_route: bytes | None = None


# The first key of the PostgreSQL advisory locks that say "a process named this is alive".
_WORKER_LOCK_CLASS = 20_017


async def lock_worker_name(connection: AsyncConnection, worker: str) -> bool:
    """Hold a PostgreSQL session lock on the name ``worker`` for as long as ``connection``
    stays open; False when another live process holds it (two processes given one name must
    not take back each other's rows as abandoned)."""
    locked = await connection.scalar(
        text("SELECT pg_try_advisory_lock(:lock_class, hashtext(:worker))"),
        {"lock_class": _WORKER_LOCK_CLASS, "worker": worker},
    )
    await connection.commit()
    return bool(locked)


async def unlock_worker_name(connection: AsyncConnection, worker: str) -> None:
    """Let go of the name (the pool keeps the connection, and a lock would stay with it)."""
    await connection.execute(
        text("SELECT pg_advisory_unlock(:lock_class, hashtext(:worker))"),
        {"lock_class": _WORKER_LOCK_CLASS, "worker": worker},
    )
    await connection.commit()


def _values(message: NewMessage, now: datetime) -> dict[str, Any]:
    return {
        "channel": message.channel,
        "member_id": message.member_id,
        "identity_id": message.identity_id,
        "chat_id": message.chat_id,
        "sealed_route": message.sealed_route,
        "kind": message.kind,
        "dedup_key": message.dedup_key,
        "text": message.text,
        "message_key": message.message_key,
        "params": message.params,
        "priority": message.priority,
        "status": QUEUED,
        "not_before": message.not_before,
        "lease_until": None,
        "attempts": 0,
        "last_error": None,
        # Kept to the day: a row addressed to a person keeps no finer time than it needs
        # (``not_before`` until it is sent), so none an anonymous tip's could be matched to.
        "created_at": day_stamp(now),
        "finished_at": None,
        "broadcast_id": message.broadcast_id,
    }


def _insert_ignoring_duplicates(session: AsyncSession, statements: dict[str, Any]) -> Any:
    """INSERT that skips a row whose dedup_key is already stored (also one just committed by
    another process), instead of failing the caller's whole transaction; of ``statements``
    (built once), the one of the session's database."""
    dialect = postgresql if dialect_name(session) == "postgresql" else sqlite
    return statements[dialect.__name__]


_ENQUEUE = {
    dialect.__name__: dialect.insert(outbox)
    .on_conflict_do_nothing(index_elements=["dedup_key"])
    .returning(outbox.c.id)
    for dialect in (postgresql, sqlite)
}
# Without RETURNING, for many rows at once.
_ENQUEUE_MANY = {
    dialect.__name__: dialect.insert(outbox).on_conflict_do_nothing(index_elements=["dedup_key"])
    for dialect in (postgresql, sqlite)
}


async def enqueue(
    session: AsyncSession, message: NewMessage, *, now: datetime | None = None
) -> bool:
    """Add ``message`` in the caller's transaction; False when its dedup_key was already there."""
    statement = _insert_ignoring_duplicates(session, _ENQUEUE)
    row = (await session.execute(statement, _values(message, now or utcnow()))).first()
    return row is not None


async def dedup_key_taken(session: AsyncSession, keys: Sequence[str]) -> bool:
    """Whether any of ``keys`` is an outbox row's dedup_key (a keyed dedup key made under each
    listed server key, while the key is being replaced)."""
    found = await session.scalar(
        select(outbox.c.id).where(outbox.c.dedup_key.in_(list(keys))).limit(1)
    )
    return found is not None


async def enqueue_many(
    session: AsyncSession, messages: Sequence[NewMessage], *, now: datetime | None = None
) -> None:
    """Add many messages in one statement (a broadcast); duplicates are skipped silently."""
    if not messages:
        return
    stamp = now or utcnow()
    await session.execute(
        _insert_ignoring_duplicates(session, _ENQUEUE_MANY),
        [_values(message, stamp) for message in messages],
    )


# The kinds a member may turn off, and the preference that does it (no row: wanted).
_CHOICES = (
    (OPTIONAL_KINDS, member_preferences.c.reminders),
    (CAMPAIGN_KINDS, member_preferences.c.campaigns),
)


# Built once (a notice is queued in the transaction of its cause, a message's effect): the
# member's preference of each kind, and their account to write to, now or whenever.
_WANTED = {
    choice.key: select(choice).where(member_preferences.c.member_id == bindparam("member_id"))
    for _, choice in _CHOICES
}


def _reachable_by(*first: ColumnElement[int]) -> Select[Any]:
    member_id = bindparam("member_id", type_=Integer)
    return (
        select(identities.c.id, identities.c.channel)
        .where(identities.c.member_id == member_id, identities.c.active.is_(True))
        .order_by(
            *first,
            # A linked member's chosen or last used account (storage.linking) first.
            notice_account_first(member_id),
            identities.c.last_seen_at.desc(),
            identities.c.id.desc(),
        )
        .limit(1)
    )


_reachable = _reachable_by()
_reachable_now = _reachable_by(
    case((seen_since(bindparam("window_start", type_=identities.c.last_seen_at.type)), 0), else_=1)
)


async def reachable_identity(
    session: AsyncSession, member_id: int, *, kind: str, now: datetime | None = None
) -> tuple[int, str] | None:
    """(identity id, channel) to send a ``kind`` message to the member, or None.

    None when the member has no identity that still accepts messages, or turned ``kind`` off.
    The identity the member used last is chosen: it is the app they are most likely to read.
    With ``now``, an account that cannot be written to now (a Zalo OA user past the OA's
    messaging window) goes after every linked account that can, even the chosen one: the
    message would only fail there. With no other, it is still the one (it fails visibly).
    """
    for kinds, choice in _CHOICES:
        if kind in kinds:
            wanted = await session.scalar(_WANTED[choice.key], {"member_id": member_id})
            if wanted is False:
                return None
    if now is None:
        statement, values = _reachable, {"member_id": member_id}
    else:
        window_start = now - CUSTOMER_SERVICE_WINDOW
        statement = _reachable_now
        values = {"member_id": member_id, "window_start": window_start}
    row = (await session.execute(statement, values)).first()
    return None if row is None else (row.id, row.channel)


async def claim_due(
    session: AsyncSession,
    *,
    channel: str,
    now: datetime,
    lease: timedelta,
    limit: int,
    kinds: Collection[str] | None = None,
    chat_ids: Collection[str] | None = None,
    owner: LeaseOwner | None = None,
) -> list[ClaimedMessage]:
    """Claim up to ``limit`` due messages of ``channel`` until ``now + lease``, best first.

    Due: queued with ``not_before <= now``, claimed by a sender whose lease ran out, or claimed
    by ``owner``'s worker in an earlier run (it crashed: nobody is sending them).
    ``kinds`` restricts the claim (during quiet hours); ``chat_ids`` to messages for those
    chats and sealed ones (whose chat only the sender can see). Claimed messages to an identity that
    no longer accepts messages are marked blocked, optional ones the member turned off are
    cancelled; neither is returned.
    """
    lease_until = now + lease
    due = or_(
        and_(outbox.c.status == QUEUED, outbox.c.not_before <= now),
        and_(outbox.c.status == SENDING, outbox.c.lease_until <= now),
        *(
            []
            if owner is None
            else [
                and_(
                    outbox.c.status == SENDING,
                    outbox.c.lease_worker == owner.worker,
                    outbox.c.lease_boot != owner.boot,
                )
            ]
        ),
    )
    among = [outbox.c.channel == channel]
    if kinds is not None:
        among.append(outbox.c.kind.in_(list(kinds)))
    if chat_ids is not None:
        accounts = select(identities.c.id).where(
            identities.c.channel == channel, identities.c.chat_id.in_(list(chat_ids))
        )
        among.append(
            or_(
                outbox.c.chat_id.in_(list(chat_ids)),
                outbox.c.identity_id.in_(accounts),
                outbox.c.sealed_route.is_not(None),
            )
        )
    claimed_ids = await claim_ids(
        session,
        outbox,
        due,
        among=among,
        values={
            "status": SENDING,
            "lease_until": lease_until,
            "attempts": outbox.c.attempts + 1,
            "lease_worker": None if owner is None else owner.worker,
            "lease_boot": None if owner is None else owner.boot,
        },
        order_by=(outbox.c.priority.desc(), outbox.c.not_before, outbox.c.id),
        limit=limit,
    )
    if not claimed_ids:
        return []
    rows = (
        await session.execute(
            select(
                outbox.c.id,
                outbox.c.kind,
                outbox.c.attempts,
                outbox.c.text,
                outbox.c.message_key,
                outbox.c.params,
                outbox.c.identity_id,
                func.coalesce(outbox.c.chat_id, identities.c.chat_id).label("chat_id"),
                outbox.c.sealed_route,
                identities.c.active,
                members.c.locale,
                member_preferences.c.reminders,
                member_preferences.c.campaigns,
            )
            .select_from(
                outbox.outerjoin(identities, identities.c.id == outbox.c.identity_id)
                .outerjoin(members, members.c.id == outbox.c.member_id)
                .outerjoin(member_preferences, member_preferences.c.member_id == outbox.c.member_id)
            )
            .where(outbox.c.id.in_(claimed_ids))
            .order_by(outbox.c.priority.desc(), outbox.c.not_before, outbox.c.id)
        )
    ).all()
    claimed: list[ClaimedMessage] = []
    blocked: list[int] = []
    cancelled: list[int] = []
    for row in rows:
        if row.identity_id is not None and not row.active:
            blocked.append(row.id)
        elif row.kind in OPTIONAL_KINDS and row.reminders is False:
            cancelled.append(row.id)
        elif row.kind in CAMPAIGN_KINDS and row.campaigns is False:
            cancelled.append(row.id)  # turned campaigns off after the copy was queued
        else:
            claimed.append(
                ClaimedMessage(
                    id=row.id,
                    kind=row.kind,
                    chat_id=row.chat_id or "",
                    attempts=row.attempts,
                    lease_until=lease_until,
                    text=row.text,
                    message_key=row.message_key,
                    params=row.params or {},
                    locale=row.locale,
                    identity_id=row.identity_id,
                    sealed_route=row.sealed_route,
                )
            )
    for status, ids in ((BLOCKED, blocked), (CANCELLED, cancelled)):
        if ids:
            await _finish(session, ids, lease_until, status=status, now=now)
    return claimed


def _held(ids: Collection[int], lease_until: datetime) -> Any:
    """Rows still held by the claim that set ``lease_until``: if our lease ran out and another
    sender claimed a row, its outcome is theirs to record."""
    return and_(
        outbox.c.id.in_(list(ids)),
        outbox.c.status == SENDING,
        outbox.c.lease_until == lease_until,
    )


async def _finish(
    session: AsyncSession,
    ids: Collection[int],
    lease_until: datetime,
    *,
    status: str,
    now: datetime,
    error: str | None = None,
) -> None:
    # The text and a sealed route are erased with the delivery: the outbox is no archive of
    # what people were told, nor of how to reach an anonymous tipster. Its times go to the day:
    # a finished row needs none finer, and a finer one could be matched to a tip's.
    await session.execute(
        update(outbox)
        .where(_held(ids, lease_until))
        .values(
            status=status,
            lease_until=None,
            not_before=day_stamp(now),
            finished_at=day_stamp(now),
            last_error=error,
            text=None,
            params=None,
            sealed_route=None,
        )
    )


async def mark_sent(
    session: AsyncSession, ids: Collection[int], lease_until: datetime, *, now: datetime
) -> None:
    """The platform accepted these messages."""
    if ids:
        await _finish(session, ids, lease_until, status=SENT, now=now)


async def mark_failed(
    session: AsyncSession, message_id: int, lease_until: datetime, *, now: datetime, error: str
) -> None:
    """Give up on a message (refused for good, or out of attempts); ``error`` is a class name."""
    await _finish(session, [message_id], lease_until, status=FAILED, now=now, error=error)


async def mark_outside_window(
    session: AsyncSession, message_id: int, lease_until: datetime, *, now: datetime, error: str
) -> None:
    """The recipient is outside the platform's window: not sent, not retried, not blocked."""
    await _finish(session, [message_id], lease_until, status=OUTSIDE_WINDOW, now=now, error=error)


async def mark_blocked(
    session: AsyncSession, message: ClaimedMessage, *, now: datetime, error: str
) -> None:
    """The recipient blocked the bot: the message is dropped and the identity gets no more."""
    await _finish(session, [message.id], message.lease_until, status=BLOCKED, now=now, error=error)
    if message.identity_id is not None:
        await session.execute(
            update(identities).where(identities.c.id == message.identity_id).values(active=False)
        )


async def retry_later(
    session: AsyncSession,
    message: ClaimedMessage,
    *,
    not_before: datetime,
    error: str | None,
    count_attempt: bool = True,
) -> None:
    """Put a claimed message back in the queue until ``not_before``.

    ``count_attempt=False`` when the message was not really tried (a rate limit, a chat that
    must wait its turn), so that waiting never uses up its attempts.
    """
    values: dict[str, Any] = {
        "status": QUEUED,
        "lease_until": None,
        "not_before": not_before,
        "last_error": error,
    }
    if not count_attempt:
        values["attempts"] = outbox.c.attempts - 1
    await session.execute(
        update(outbox).where(_held([message.id], message.lease_until)).values(**values)
    )


async def cancel_broadcast_copies(
    session: AsyncSession, broadcast_id: int, *, now: datetime
) -> int:
    """Cancel the copies of a broadcast that are still queued; copies in flight finish."""
    result = await session.execute(
        update(outbox)
        .where(outbox.c.broadcast_id == broadcast_id, outbox.c.status == QUEUED)
        .values(
            status=CANCELLED,
            not_before=day_stamp(now),
            finished_at=day_stamp(now),
            text=None,
            params=None,
            sealed_route=None,
        )
    )
    return result.rowcount or 0


async def count_by_broadcast(
    session: AsyncSession, broadcast_ids: Collection[int]
) -> dict[int, dict[str, int]]:
    """For each broadcast, how many of its copies are in each status."""
    if not broadcast_ids:
        return {}
    rows = await session.execute(
        select(outbox.c.broadcast_id, outbox.c.status, func.count())
        .where(outbox.c.broadcast_id.in_(list(broadcast_ids)))
        .group_by(outbox.c.broadcast_id, outbox.c.status)
    )
    counts: dict[int, dict[str, int]] = {broadcast_id: {} for broadcast_id in broadcast_ids}
    for broadcast_id, status, count in rows.all():
        counts[broadcast_id][status] = count
    return counts


async def count_by_status(session: AsyncSession, *, channel: str | None = None) -> dict[str, int]:
    """How many messages are in each status (for /metrics and tests)."""
    statement = select(outbox.c.status, func.count()).group_by(outbox.c.status)
    if channel is not None:
        statement = statement.where(outbox.c.channel == channel)
    return {status: count for status, count in (await session.execute(statement)).all()}
