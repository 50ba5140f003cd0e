"""Retention: which rows are past their period, erasing them, and the record of each run.

Most categories are an ``Expiry``: a table, the rows past their period for a cut-off time, and
what erasing means: deleting the rows, or clearing the personal columns of rows that must stay
(a tip is never deleted, only its contact phone and its sealed route go). Drafts and inactive
members need more than a cut-off and have functions of their own. Everything here returns
counts or ids, never what the rows held, so that a caller can log it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Table,
    Text,
    and_,
    cast,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import (
    audit_log,
    conversations,
    identities,
    member_roles,
    members,
    outbox,
    processed_updates,
    record_columns,
    retention_runs,
    tip_messages,
    tips,
)
from storage.delivery.outbox import FINISHED

__all__ = [
    "AUDIT_ENTRIES",
    "CLOSED_TIP_PHONES",
    "CLOSED_TIP_ROUTES",
    "CLOSED_TIP_THREADS",
    "FINISHED_OUTBOX",
    "PROCESSED_UPDATES",
    "CategoryRun",
    "Expiry",
    "IdleDraft",
    "RunCount",
    "count_expired",
    "erase_drafts",
    "erase_expired",
    "idle_drafts",
    "inactive_members",
    "recent_runs",
    "record_run",
]


@dataclass(frozen=True)
class Expiry:
    """The rows of ``table`` past their period (``past(cut_off)``); erasing them deletes the
    rows, or sets ``clears`` to NULL when the rows themselves must stay."""

    table: Table
    past: Callable[[datetime], ColumnElement[bool]]
    clears: tuple[str, ...] = ()


# Platforms stop redelivering within a day; a claim older than its period is only a trace.
PROCESSED_UPDATES = Expiry(processed_updates, lambda cut: processed_updates.c.processed_at < cut)
# Only finished rows: a queued message is never dropped by retention.
FINISHED_OUTBOX = Expiry(
    outbox, lambda cut: and_(outbox.c.finished_at < cut, outbox.c.status.in_(FINISHED))
)
CLOSED_TIP_PHONES = Expiry(
    tips,
    lambda cut: and_(tips.c.closed_at < cut, tips.c.contact_phone.is_not(None)),
    clears=("contact_phone",),
)
CLOSED_TIP_ROUTES = Expiry(
    tips,
    lambda cut: and_(tips.c.closed_at < cut, tips.c.sender_route.is_not(None)),
    clears=("sender_route",),
)
# A closed tip's thread goes when its sealed route does (the same period): both are what
# a tipster said to, and could be told by, the officers.
CLOSED_TIP_THREADS = Expiry(
    tip_messages,
    lambda cut: tip_messages.c.tip_id.in_(select(tips.c.id).where(tips.c.closed_at < cut)),
)
AUDIT_ENTRIES = Expiry(audit_log, lambda cut: audit_log.c.at < cut)


async def erase_expired(session: AsyncSession, expiry: Expiry, cut_off: datetime) -> int:
    """Erase the rows of ``expiry`` past their period at ``cut_off``; how many."""
    if expiry.clears:
        statement: Any = (
            update(expiry.table).where(expiry.past(cut_off)).values(dict.fromkeys(expiry.clears))
        )
    else:
        statement = delete(expiry.table).where(expiry.past(cut_off))
    result = await session.execute(statement)
    return result.rowcount or 0


async def count_expired(session: AsyncSession, expiry: Expiry, cut_off: datetime) -> int:
    """How many rows ``erase_expired`` would erase now."""
    statement = select(func.count()).select_from(expiry.table).where(expiry.past(cut_off))
    return int(await session.scalar(statement) or 0)


@dataclass(frozen=True)
class IdleDraft:
    """A conversation with a flow or a draft put aside, last saved at ``updated_at``."""

    member_id: int
    flow: str | None
    data: dict[str, Any]
    updated_at: datetime
    version: int


async def idle_drafts(session: AsyncSession, saved_before: datetime) -> list[IdleDraft]:
    """Conversations holding a flow or a draft, untouched since ``saved_before``."""
    rows = await session.execute(
        select(*record_columns(IdleDraft, conversations)).where(
            conversations.c.updated_at < saved_before,
            # Nothing in progress is stored as flow NULL and data {} (the engine's state).
            or_(conversations.c.flow.is_not(None), cast(conversations.c.data, Text) != "{}"),
        )
    )
    return [IdleDraft(**row._asdict()) for row in rows]


async def erase_drafts(session: AsyncSession, drafts: Sequence[IdleDraft]) -> int:
    """Empty these conversations, each only if nobody saved it since it was read; how many.

    The version is bumped, so a message being answered from the old state is retried on the
    emptied one instead of writing the draft back.
    """
    erased = 0
    for draft in drafts:
        result = await session.execute(
            update(conversations)
            .where(
                conversations.c.member_id == draft.member_id,
                conversations.c.version == draft.version,
            )
            .values(flow=None, step=None, data={}, version=draft.version + 1)
        )
        erased += result.rowcount or 0
    return erased


async def inactive_members(session: AsyncSession, silent_since: datetime) -> list[int]:
    """Members who have not written since ``silent_since`` (on any channel; a member with no
    account left counts from their creation) and hold no role in force."""
    last_seen = (
        select(func.max(identities.c.last_seen_at))
        .where(identities.c.member_id == members.c.id)
        .scalar_subquery()
    )
    holds_a_role = exists().where(
        member_roles.c.member_id == members.c.id, member_roles.c.revoked_at.is_(None)
    )
    rows = await session.execute(
        select(members.c.id)
        .where(func.coalesce(last_seen, members.c.created_at) < silent_since, ~holds_a_role)
        .order_by(members.c.id)
    )
    return list(rows.scalars())


@dataclass(frozen=True)
class RunCount:
    """What one run did in one category."""

    erased: int
    left_due: int = 0


@dataclass(frozen=True)
class CategoryRun:
    """One category's line of a past run."""

    ran_at: datetime
    category: str
    erased: int
    left_due: int


async def record_run(
    session: AsyncSession, ran_at: datetime, counts: Mapping[str, RunCount]
) -> None:
    """Keep what a run did, one row per category."""
    await session.execute(
        insert(retention_runs),
        [
            {
                "ran_at": ran_at,
                "category": category,
                "erased": count.erased,
                "left_due": count.left_due,
            }
            for category, count in counts.items()
        ],
    )


async def recent_runs(session: AsyncSession, category: str, limit: int) -> list[CategoryRun]:
    """The last ``limit`` runs of ``category``, newest first."""
    rows = await session.execute(
        select(
            retention_runs.c.ran_at,
            retention_runs.c.category,
            retention_runs.c.erased,
            retention_runs.c.left_due,
        )
        .where(retention_runs.c.category == category)
        .order_by(retention_runs.c.ran_at.desc(), retention_runs.c.id.desc())
        .limit(limit)
    )
    return [CategoryRun(**row._asdict()) for row in rows]
