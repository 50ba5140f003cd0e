"""The inbox's statements: store a delivery, read a user's waiting updates, take their turn.

Each runs in its own short transaction on a Core connection (no ORM session): a webhook is
answered right after ``store`` commits, so it must cost one statement and nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Table, delete, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage.database import Database
from storage.tables import InboxUpdate

__all__ = [
    "Waiting",
    "give_turn",
    "remove",
    "store",
    "take_turn",
    "users_waiting",
    "waiting",
]

inbox: Table = InboxUpdate.__table__  # type: ignore[assignment]


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
    async with database.engine.begin() as connection:
        result = await connection.execute(statement)
    return bool(result.rowcount)


async def waiting(database: Database, *, channel: str, user_key: str) -> list[Waiting]:
    """The user's waiting updates in the platform's order."""
    statement = (
        select(inbox.c.id, inbox.c.update_key, inbox.c.position, inbox.c.payload)
        .where(inbox.c.channel == channel, inbox.c.user_key == user_key)
        .order_by(inbox.c.position, inbox.c.id)
    )
    async with database.engine.connect() as connection:
        rows = (await connection.execute(statement)).all()
    return [Waiting(row.id, row.update_key, row.position, row.payload) for row in rows]


async def remove(database: Database, ids: Sequence[int]) -> None:
    """Forget updates that were applied (their claims keep a redelivery from running twice)."""
    if not ids:
        return
    async with database.engine.begin() as connection:
        await connection.execute(delete(inbox).where(inbox.c.id.in_(list(ids))))


async def users_waiting(database: Database, *, channel: str) -> list[str]:
    """Users with updates waiting (after a restart, or a process that died holding a turn)."""
    statement = select(inbox.c.user_key).where(inbox.c.channel == channel).distinct()
    async with database.engine.connect() as connection:
        return list((await connection.execute(statement)).scalars())


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
