"""The inbox's statements: store a delivery, read a user's waiting updates, take their turn.

Each runs in its own short transaction on a Core connection (no ORM session): a webhook is
answered right after ``store`` commits, so it must cost one statement and nothing more. On
SQLite the writes go through the database's one writer (``storage.group_commit``), a store
ahead of the messages waiting: it never waits for SQLite's lock behind them.

Where the platform numbers a bot's updates one by one (Telegram's update id), an applied
update keeps its row, emptied, for the last ``keep`` numbers (``mark_applied``): a number
below a waiting update that has no row is an update still on its way (``unknown_below``),
and one that never comes is recorded as given up (``give_up_unknown``), so that nobody waits
for it again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import (
    BigInteger,
    Select,
    Table,
    bindparam,
    case,
    delete,
    distinct,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage._sql import read_rows
from storage.database import Database
from storage.group_commit import writer_for
from storage.tables import InboxUpdate

__all__ = [
    "Unknown",
    "Waiting",
    "give_turn",
    "give_up_unknown",
    "mark_applied",
    "remove",
    "store",
    "take_turn",
    "unknown_below",
    "users_waiting",
    "waiting",
]

inbox: Table = InboxUpdate.__table__  # type: ignore[assignment]
Result = TypeVar("Result")


@dataclass(frozen=True)
class Waiting:
    """One stored update waiting to be applied."""

    id: int
    update_key: str
    position: int
    payload: str


async def store(
    database: Database,
    *,
    channel: str,
    user_key: str,
    update_key: str,
    position: int,
    payload: str,
) -> bool:
    """Store one delivery; False when it is stored already (the platform sent it again
    before it was applied)."""
    make_insert = sqlite_insert if database.is_sqlite else pg_insert
    statement = (
        make_insert(inbox)
        .values(
            channel=channel,
            user_key=user_key,
            update_key=update_key,
            position=position,
            payload=payload,
        )
        .on_conflict_do_nothing(index_elements=[inbox.c.channel, inbox.c.update_key])
    )

    async def insert(connection: AsyncConnection) -> bool:
        return bool((await connection.execute(statement)).rowcount)

    return await _write(database, insert, first=True)


_WAITING = (
    select(inbox.c.id, inbox.c.update_key, inbox.c.position, inbox.c.payload)
    .where(
        inbox.c.channel == bindparam("channel"),
        inbox.c.user_key == bindparam("user_key"),
        ~inbox.c.applied,
    )
    .order_by(inbox.c.position, inbox.c.id)
)


async def waiting(database: Database, *, channel: str, user_key: str) -> list[Waiting]:
    """The user's waiting updates in the platform's order."""
    async with database.engine.connect() as connection:
        rows = await read_rows(connection, _WAITING, {"channel": channel, "user_key": user_key})
    return [Waiting(*row) for row in rows]


async def remove(database: Database, ids: Sequence[int]) -> None:
    """Forget updates that were applied (their claims keep a redelivery from running twice)."""
    if not ids:
        return

    async def forget(connection: AsyncConnection) -> None:
        await connection.execute(delete(inbox).where(inbox.c.id.in_(list(ids))))

    await _write(database, forget)


async def mark_applied(database: Database, *, channel: str, ids: Sequence[int], keep: int) -> None:
    """Mark updates applied, their payloads forgotten, their places kept; and forget the
    places of applied updates more than ``keep`` numbers below the newest of them."""
    if not ids:
        return
    newest = select(func.max(inbox.c.position)).where(inbox.c.id.in_(list(ids)))

    async def mark(connection: AsyncConnection) -> None:
        await connection.execute(
            update(inbox).where(inbox.c.id.in_(list(ids))).values(applied=True, payload="")
        )
        horizon = (await connection.execute(newest)).scalar_one() - keep
        await connection.execute(
            delete(inbox).where(
                inbox.c.channel == channel, inbox.c.applied, inbox.c.position < horizon
            )
        )

    await _write(database, mark)


@dataclass(frozen=True)
class Unknown:
    """Numbers below a waiting update with no row: ``count`` of those above ``low``."""

    low: int
    count: int


def _unknown_below() -> Select[Any]:
    positions = inbox.c.position
    channel, first = bindparam("channel"), bindparam("first", type_=BigInteger)
    previous = (
        select(func.max(positions))
        .where(inbox.c.channel == channel, inbox.c.user_key == bindparam("user_key"))
        .where(positions < first)
        .scalar_subquery()
    )
    earliest = select(func.min(positions) - 1).where(inbox.c.channel == channel).scalar_subquery()
    floor = bindparam("floor", type_=BigInteger)
    floor = case((earliest > floor, earliest), else_=floor)
    low = case((previous > floor, previous), else_=floor)
    known = (
        select(func.count(distinct(positions)))
        .where(inbox.c.channel == channel, positions > low)
        .where(positions < bindparam("last", type_=BigInteger))
        .scalar_subquery()
    )
    return select(low.label("low"), known.label("known"))


_UNKNOWN_BELOW = _unknown_below()


async def unknown_below(
    database: Database, *, channel: str, user_key: str, first: int, last: int, window: int
) -> Unknown:
    """How many numbers up to ``last`` and above the user's update before ``first`` (at most
    ``window`` below ``first``, and not below the first number the channel kept) have no row:
    updates still on their way, any user's. One statement."""
    values = {
        "channel": channel,
        "user_key": user_key,
        "first": first,
        "last": last,
        "floor": first - window - 1,
    }
    async with database.engine.connect() as connection:
        ((low, known),) = await read_rows(connection, _UNKNOWN_BELOW, values)
    low_number = int(low) if low is not None else last - 1
    return Unknown(low_number, max(0, last - low_number - 1 - int(known)))


async def give_up_unknown(database: Database, *, channel: str, low: int, position: int) -> int:
    """Record the numbers between ``low`` and ``position`` with no row as given up (an update
    Telegram never sent, or not to this address): nobody waits for them again. If one comes
    after all, it is stored beside its record and applied as it comes. How many there were."""
    known_statement = (
        select(inbox.c.position)
        .where(inbox.c.channel == channel, inbox.c.position > low, inbox.c.position < position)
        .distinct()
    )

    async def record(connection: AsyncConnection) -> int:
        known = set((await connection.execute(known_statement)).scalars())
        missing = [number for number in range(low + 1, position) if number not in known]
        if missing:
            make_insert = sqlite_insert if database.is_sqlite else pg_insert
            await connection.execute(
                make_insert(inbox).on_conflict_do_nothing(
                    index_elements=[inbox.c.channel, inbox.c.update_key]
                ),
                [
                    {
                        "channel": channel,
                        "user_key": "",
                        "update_key": f"gap:{number}",
                        "position": number,
                        "payload": "",
                        "applied": True,
                    }
                    for number in missing
                ],
            )
        return len(missing)

    return await _write(database, record)


async def _write(
    database: Database,
    write: Callable[[AsyncConnection], Awaitable[Result]],
    *,
    first: bool = False,
) -> Result:
    """``write`` in a transaction of its own (PostgreSQL) or in the writer's (SQLite)."""
    if not database.is_sqlite:
        async with database.engine.begin() as connection:
            return await write(connection)

    async def in_session(session: AsyncSession) -> Result:
        return await write(await session.connection())

    return await writer_for(database).run(in_session, first=first)


_USERS_WAITING = (
    select(inbox.c.user_key)
    .where(inbox.c.channel == bindparam("channel"), ~inbox.c.applied)
    .distinct()
)


async def users_waiting(database: Database, *, channel: str) -> list[str]:
    """Users with updates waiting (after a restart, or a process that died holding a turn)."""
    async with database.engine.connect() as connection:
        rows = await read_rows(connection, _USERS_WAITING, {"channel": channel})
    return [user_key for (user_key,) in rows]


_TAKE_TURN = text(
    """
    INSERT INTO inbox_turns AS turn (channel, user_key, holder, held_until)
    VALUES (:channel, :user_key, :holder, statement_timestamp() + make_interval(secs => :lease))
    ON CONFLICT (channel, user_key) DO UPDATE
    SET holder = :holder, held_until = statement_timestamp() + make_interval(secs => :lease)
    WHERE turn.holder = :holder OR turn.held_until < statement_timestamp()
    RETURNING 1
    """
)
_GIVE_TURN = text(
    "DELETE FROM inbox_turns WHERE channel = :channel AND user_key = :user_key AND holder = :holder"
)


async def take_turn(
    database: Database, *, channel: str, user_key: str, holder: str, lease: float
) -> bool:
    """Take (or renew) the user's turn for ``lease`` seconds (PostgreSQL); False when another
    process holds it."""
    values = {"channel": channel, "user_key": user_key, "holder": holder, "lease": lease}
    async with database.engine.begin() as connection:
        return (await connection.execute(_TAKE_TURN, values)).first() is not None


async def give_turn(database: Database, *, channel: str, user_key: str, holder: str) -> None:
    values = {"channel": channel, "user_key": user_key, "holder": holder}
    async with database.engine.begin() as connection:
        await connection.execute(_GIVE_TURN, values)
