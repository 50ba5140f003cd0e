"""Conversation state (flow, step, answers) saved after every step, with an optimistic lock."""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.base import Executable

from storage._sql import conversations, dialect_name, identities, labelled, members, run_together
from storage.errors import ConcurrentUpdate
from storage.people.members import (
    IDENTITY_COLUMNS,
    IDENTITY_MATCH,
    MemberRecord,
    create_member_noting,
    refresh_identity,
)
from storage.tables import day_end

__all__ = [
    "ConcurrentUpdate",
    "ConversationRecord",
    "conversation_update",
    "load_conversation",
    "load_member_and_conversation",
    "save_conversation",
]


@dataclass(frozen=True, slots=True)
class ConversationRecord:
    """A member's saved conversation; pass ``version`` back as ``expected_version``."""

    flow: str | None
    step: str | None
    data: dict[str, Any]
    version: int
    updated_at: datetime


_CONVERSATION_FIELDS = tuple(field.name for field in fields(ConversationRecord))
_CONVERSATION_COLUMNS = labelled(conversations, "conversation", _CONVERSATION_FIELDS)
_CONVERSATION_LABELS = tuple(column.name for column in _CONVERSATION_COLUMNS)

_load_both = (
    select(*IDENTITY_COLUMNS, *_CONVERSATION_COLUMNS)
    .select_from(
        identities.join(members, members.c.id == identities.c.member_id).outerjoin(
            conversations, conversations.c.member_id == members.c.id
        )
    )
    .where(*IDENTITY_MATCH)
)

# Built once (saved after every message): the SET columns come from the parameters' keys.
_update_if_unchanged = update(conversations).where(
    conversations.c.member_id == bindparam("member_id_"),
    conversations.c.version == bindparam("expected_version"),
)


_load_one = select(*_CONVERSATION_COLUMNS).where(
    conversations.c.member_id == bindparam("member_id")
)

# A first save: a conversation row that appeared meanwhile (another message of the member saved
# first) inserts nothing instead of failing the transaction; one statement, no SAVEPOINT.
_INSERTS: dict[str, Executable] = {
    name: make_insert(conversations)
    .on_conflict_do_nothing(index_elements=[conversations.c.member_id])
    .returning(conversations.c.version)
    for name, make_insert in (("sqlite", sqlite_insert), ("postgresql", pg_insert))
}
_insert_plain = insert(conversations)


# A row of ``_load_both`` by its labels, as ``run_together`` returns it (a tuple).
_LOADED_LABELS = [column.key for column in _load_both.selected_columns]
_LoadedRow = namedtuple("_LoadedRow", _LOADED_LABELS)  # type: ignore[misc]


def _record(row: Row[Any] | _LoadedRow) -> ConversationRecord | None:
    if row.conversation_version is None:
        return None
    return ConversationRecord(*(getattr(row, label) for label in _CONVERSATION_LABELS))


async def load_conversation(session: AsyncSession, member_id: int) -> ConversationRecord | None:
    """The member's saved conversation, or None if they never had one."""
    (loaded,) = await run_together(session, [(_load_one, {"member_id": member_id})])
    if not loaded.rows:
        return None
    return ConversationRecord(*loaded.rows[0])


async def load_member_and_conversation(
    session: AsyncSession,
    *,
    channel: str,
    platform_user_id: str,
    chat_id: str,
    display_name: str | None,
    now: datetime | None = None,
) -> tuple[MemberRecord, ConversationRecord | None]:
    """Hot path: identity, member and conversation in one SELECT (creates a new member);
    ``now`` dates what is written (to the day)."""
    # Past the session's execution layer: on SQLite one trip, no compile or result machinery.
    (loaded,) = await run_together(
        session, [(_load_both, {"channel": channel, "platform_user_id": platform_user_id})]
    )
    if loaded.rows:
        row = _LoadedRow(*loaded.rows[0])
        member = await refresh_identity(
            session, row, chat_id=chat_id, display_name=display_name, now=now
        )
        return member, _record(row)
    member, created = await create_member_noting(
        session,
        channel=channel,
        platform_user_id=platform_user_id,
        chat_id=chat_id,
        display_name=display_name,
        now=now,
    )
    if created:
        # Created in this transaction: nobody can have saved a conversation for it yet.
        return member, None
    # A concurrent first message won the race and may have saved a conversation already.
    return member, await load_conversation(session, member.id)


def _saved(
    *, flow: str | None, step: str | None, data: dict[str, Any], version: int, now: datetime
) -> dict[str, Any]:
    """The columns a save writes: the one place their values (the time included) are made."""
    return {
        "flow": flow,
        "step": step,
        "data": data,
        "version": version,
        "updated_at": day_end(now),
    }


def conversation_update(
    member_id: int,
    *,
    flow: str | None,
    step: str | None,
    data: dict[str, Any],
    expected_version: int,
    now: datetime,
) -> tuple[Executable, dict[str, Any]]:
    """The statement (and its parameters) that saves a conversation loaded at
    ``expected_version``, for ``storage._sql.run_together``; it changes one row, or none when
    another message saved first (then raise ``ConcurrentUpdate``, see ``save_conversation``)."""
    values = _saved(flow=flow, step=step, data=data, version=expected_version + 1, now=now)
    return _update_if_unchanged, {
        "member_id_": member_id,
        "expected_version": expected_version,
        **values,
    }


async def save_conversation(
    session: AsyncSession,
    member_id: int,
    *,
    flow: str | None,
    step: str | None,
    data: dict[str, Any],
    expected_version: int | None,
    now: datetime,
) -> int:
    """Save the member's conversation and return its new version.

    ``updated_at`` keeps only the day (``day_end``: the midnight after ``now``): a member's row
    must not carry a time an anonymous tip's could be matched to. A draft therefore lives at
    least its lifetime, and at most a day longer.

    ``expected_version`` is the version that was loaded (None when there was no row). If the
    row changed in the meantime (or appeared), raise ConcurrentUpdate: another message of the
    same member was processed first, and this one must be retried from a fresh load.
    """
    if expected_version is None:
        return await _insert(session, member_id, flow=flow, step=step, data=data, now=now)
    statement, parameters = conversation_update(
        member_id, flow=flow, step=step, data=data, expected_version=expected_version, now=now
    )
    result = await session.execute(statement, parameters)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ConcurrentUpdate(f"conversation of member {member_id} changed meanwhile")
    return expected_version + 1


async def _insert(
    session: AsyncSession,
    member_id: int,
    *,
    flow: str | None,
    step: str | None,
    data: dict[str, Any],
    now: datetime,
) -> int:
    values = {"member_id": member_id, **_saved(flow=flow, step=step, data=data, version=1, now=now)}
    statement = _INSERTS.get(dialect_name(session))
    if statement is not None:
        (inserted,) = await run_together(session, [(statement, values)])
        if not inserted.rows:
            raise ConcurrentUpdate(f"conversation of member {member_id} was created meanwhile")
        return 1
    try:
        async with session.begin_nested():
            await session.execute(_insert_plain, values)
    except IntegrityError as error:
        raise ConcurrentUpdate(
            f"conversation of member {member_id} was created meanwhile"
        ) from error
    return 1
