"""Replies waiting to be sent: written with the state that caused them, deleted once sent.

The processor stores the replies to an inbound message in the transaction that saves the new
conversation state (``store_replies``); the channel sends them after the commit and deletes
them (``finish_replies``). What a crash, a 429 storm or an outage leaves behind is read again
by ``unsent_replies`` and sent then. Deleting rather than marking keeps nothing of a sent
reply (whose text may quote a tip) in the database or its backups.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Update, bindparam, delete, func, insert, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.base import Executable

from storage._sql import dialect_name, identities, pending_replies, run_together
from storage.errors import ConcurrentUpdate

__all__ = [
    "StoredReplies",
    "finish_replies",
    "forget_unsent_replies",
    "record_progress",
    "replies_for_update",
    "store_replies",
    "unsent_replies",
]


@dataclass(frozen=True, slots=True)
class StoredReplies:
    """One stored batch with where it goes: the identity's current chat."""

    id: int
    channel: str
    chat_id: str
    user_id: str
    locale: str | None
    payload: list[Any]
    parts_sent: int
    created_at: datetime
    removal_owed: bool
    update_key: str | None = None


_insert = insert(pending_replies).returning(pending_replies.c.id)
_keyboard_shown = (
    update(identities)
    .where(identities.c.id == bindparam("identity_id_"))
    .values(reply_keyboard=bindparam("shown"))
)

_stored = select(
    pending_replies.c.id,
    pending_replies.c.channel,
    identities.c.chat_id,
    identities.c.platform_user_id,
    pending_replies.c.locale,
    pending_replies.c.payload,
    pending_replies.c.parts_sent,
    pending_replies.c.created_at,
    pending_replies.c.removal_owed,
    pending_replies.c.update_key,
).select_from(pending_replies.join(identities, identities.c.id == pending_replies.c.identity_id))


def _record(row: Any) -> StoredReplies:
    return StoredReplies(
        id=row.id,
        channel=row.channel,
        chat_id=row.chat_id,
        user_id=row.platform_user_id,
        locale=row.locale,
        payload=row.payload,
        parts_sent=row.parts_sent,
        created_at=row.created_at,
        removal_owed=row.removal_owed,
        update_key=row.update_key,
    )


async def store_replies(
    session: AsyncSession,
    *,
    identity_id: int,
    channel: str,
    update_key: str | None,
    locale: str | None,
    payload: list[Any],
    now: datetime,
    removal_owed: bool = False,
    reply_keyboard: bool = False,
    saving: tuple[Executable, Mapping[str, Any]] | None = None,
) -> int:
    """Store a batch in the caller's transaction; its id orders it among the chat's batches.

    ``removal_owed``: the chat shows a reply keyboard before the batch; ``reply_keyboard``:
    it shows one once the batch went (kept on the identity for the next batch). ``saving``:
    the conversation's save (``storage.conversations.conversation_update``), written in the
    same trip to the database; raises ``ConcurrentUpdate`` when it missed."""
    values = {
        "identity_id": identity_id,
        "channel": channel,
        "update_key": update_key,
        "locale": locale,
        "payload": payload,
        "parts_sent": 0,
        "created_at": now,
        "removal_owed": removal_owed,
    }
    if saving is not None and dialect_name(session) == "postgresql":
        # A round trip per statement on PostgreSQL: the save and the insert go as one
        # (a CTE); the batch's id comes back with the number of conversation rows saved.
        statement, parameters = _saved_then_inserted(saving[0], saving[1])
        combined: list[tuple[Executable, Mapping[str, Any]]] = [
            (statement, {**parameters, **values})
        ]
        if reply_keyboard != removal_owed:
            combined.append(
                (_keyboard_shown, {"identity_id_": identity_id, "shown": reply_keyboard})
            )
        outcomes = await run_together(session, combined)
        ((batch_id, saved),) = outcomes[0].rows
        if saved != 1:
            raise ConcurrentUpdate("the conversation changed meanwhile")
        return int(batch_id)
    steps: list[tuple[Executable, Mapping[str, Any]]] = [] if saving is None else [saving]
    inserted = len(steps)
    steps.append((_insert, values))
    if reply_keyboard != removal_owed:  # most batches change nothing: no third write
        steps.append((_keyboard_shown, {"identity_id_": identity_id, "shown": reply_keyboard}))
    outcomes = await run_together(session, steps)
    if saving is not None and outcomes[0].rowcount != 1:
        raise ConcurrentUpdate("the conversation changed meanwhile")
    return int(outcomes[inserted].rows[0][0])


_combined: dict[tuple[int, tuple[str, ...]], tuple[Executable, Executable]] = {}


def _saved_then_inserted(
    saving: Executable, parameters: Mapping[str, Any]
) -> tuple[Executable, dict[str, Any]]:
    """``saving`` (an UPDATE whose SET columns are named by ``parameters``, its WHERE by bound
    parameters) and the batch's insert as one statement:
    ``WITH saved AS (UPDATE … RETURNING 1) INSERT … RETURNING id, (SELECT count(*) FROM saved)``.
    The SET parameters are renamed (``saved_<column>``) so that no name meets the insert's.
    Built once per statement and set of columns."""
    assert isinstance(saving, Update)
    table = saving.table
    columns = tuple(sorted(key for key in parameters if key in table.c))  # type: ignore[union-attr]
    key = (id(saving), columns)
    found = _combined.get(key)
    if found is None or found[0] is not saving:
        saved = (
            saving.values(
                {
                    name: bindparam(f"saved_{name}", type_=table.c[name].type)  # type: ignore[union-attr]
                    for name in columns
                }
            )
            .returning(literal_column("1"))
            .cte("saved")
        )
        combined = (
            insert(pending_replies)
            .add_cte(saved)
            .returning(
                pending_replies.c.id,
                select(func.count()).select_from(saved).scalar_subquery(),
            )
        )
        found = _combined[key] = (saving, combined)
    renamed = {
        (f"saved_{name}" if name in columns else name): value for name, value in parameters.items()
    }
    return found[1], renamed


async def replies_for_update(
    session: AsyncSession, *, channel: str, update_key: str
) -> StoredReplies | None:
    """The unsent batch that answered ``update_key``, if it has not all gone out yet."""
    row = (
        await session.execute(
            _stored.where(
                pending_replies.c.channel == channel, pending_replies.c.update_key == update_key
            )
        )
    ).first()
    return None if row is None else _record(row)


async def unsent_replies(
    session: AsyncSession, *, channel: str, after_id: int = 0, limit: int = 500
) -> list[StoredReplies]:
    """Unsent batches of ``channel`` in the order they were stored, ``limit`` at a time."""
    rows = await session.execute(
        _stored.where(pending_replies.c.channel == channel, pending_replies.c.id > after_id)
        .order_by(pending_replies.c.id)
        .limit(limit)
    )
    return [_record(row) for row in rows]


async def forget_unsent_replies(session: AsyncSession, *, channel: str, chat_id: str) -> None:
    """Delete every batch waiting for ``chat_id`` on ``channel``."""
    of_chat = select(identities.c.id).where(
        identities.c.channel == channel, identities.c.chat_id == chat_id
    )
    await session.execute(
        delete(pending_replies).where(
            pending_replies.c.channel == channel, pending_replies.c.identity_id.in_(of_chat)
        )
    )


async def finish_replies(session: AsyncSession, ids: Collection[int]) -> None:
    """Forget batches that were sent (or given up on)."""
    if ids:
        await session.execute(delete(pending_replies).where(pending_replies.c.id.in_(ids)))


async def record_progress(session: AsyncSession, reply_id: int, parts_sent: int) -> None:
    """``parts_sent`` messages of the batch went out: a resumed send starts after them."""
    await session.execute(
        update(pending_replies)
        .where(pending_replies.c.id == reply_id)
        .values(parts_sent=parts_sent)
    )
