"""Platform deliveries: each update processed once, one user's at a time, in the platform's order.

- ``claim_update``: a delivery seen before is not processed again;
- ``lock_user``: on PostgreSQL a transaction-scoped advisory lock per platform user, so that
  two processes never apply one user's updates at once (an update that arrives while an
  earlier one is being applied waits for it); SQLite has one writer at a time already;
- ``lock_and_claim``: both in one statement (one round trip on PostgreSQL);
- ``advance_update_order``: the platform's order number (Telegram's update id) of the last
  update applied to an account; an older one arrived late.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, bindparam, func, literal_column, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import dialect_name, identities, processed_updates, run_together
from storage.tables import day_stamp

__all__ = ["advance_update_order", "claim_update", "is_claimed", "lock_and_claim", "lock_user"]

# The first key of the advisory locks on platform users (another class locks worker names).
_USER_LOCK_CLASS = 20_020


async def claim_update(
    session: AsyncSession, *, channel: str, update_key: str, now: datetime
) -> bool:
    """Record ``update_key`` as processed; False when it already was.

    The claim commits or rolls back with the caller's transaction: a crash before commit leaves
    the update unclaimed, so the platform's redelivery is processed then. One statement (ON
    CONFLICT DO NOTHING) and no savepoint: it runs for every platform message. Kept to the
    day: the key is the account's ``last_update_order`` on Telegram, so a finer time would date
    that person's message, and could be matched to an anonymous tip's.
    """
    make_insert = sqlite_insert if dialect_name(session) == "sqlite" else pg_insert
    statement = (
        make_insert(processed_updates)
        .values(channel=channel, update_key=update_key, processed_at=day_stamp(now))
        .on_conflict_do_nothing(
            index_elements=[processed_updates.c.channel, processed_updates.c.update_key]
        )
    )
    result = await session.execute(statement)
    return bool(result.rowcount)  # type: ignore[attr-defined]


# The lock, then the claim, in one statement: the claim's row comes from the CTE that takes
# the lock (a volatile function: PostgreSQL evaluates it once, before the insert), so the
# claim is made under the lock. ON CONFLICT looks at the unique index, not at the statement's
# snapshot: an earlier holder's committed claim of the same update is seen.
_locked = select(
    func.pg_advisory_xact_lock(
        literal_column(str(_USER_LOCK_CLASS)), func.hashtext(bindparam("user_key", type_=String))
    ).label("locked")
).cte("locked")
_lock_then_claim = (
    pg_insert(processed_updates)
    .from_select(
        ["channel", "update_key", "processed_at"],
        select(
            bindparam("channel_", type_=processed_updates.c.channel.type),
            bindparam("update_key_", type_=processed_updates.c.update_key.type),
            bindparam("processed_at_", type_=processed_updates.c.processed_at.type),
        ).select_from(_locked),
    )
    .on_conflict_do_nothing(
        index_elements=[processed_updates.c.channel, processed_updates.c.update_key]
    )
)


async def lock_and_claim(
    session: AsyncSession, *, channel: str, platform_user_id: str, update_key: str, now: datetime
) -> bool:
    """``lock_user`` then ``claim_update``, in one round trip on PostgreSQL; False when the
    update was processed already (the lock is held all the same)."""
    if dialect_name(session) != "postgresql":
        return await claim_update(session, channel=channel, update_key=update_key, now=now)
    (claimed,) = await run_together(
        session,
        [
            (
                _lock_then_claim,
                {
                    "user_key": f"{channel}:{platform_user_id}",
                    "channel_": channel,
                    "update_key_": update_key,
                    "processed_at_": day_stamp(now),
                },
            )
        ],
    )
    return bool(claimed.rowcount)


async def is_claimed(session: AsyncSession, *, channel: str, update_key: str) -> bool:
    """Whether ``update_key`` was claimed already (a read: ``claim_update`` is the write)."""
    found = await session.execute(
        select(processed_updates.c.update_key).where(
            processed_updates.c.channel == channel, processed_updates.c.update_key == update_key
        )
    )
    return found.first() is not None


_lock = select(
    func.pg_advisory_xact_lock(
        literal_column(str(_USER_LOCK_CLASS)), func.hashtext(bindparam("user_key", type_=String))
    )
)


async def lock_user(session: AsyncSession, *, channel: str, platform_user_id: str) -> None:
    """Hold the user's lock until the transaction ends (PostgreSQL; nothing on SQLite, whose
    transactions take the one write lock as they begin)."""
    if dialect_name(session) != "postgresql":
        return
    # Past the session's execution layer (``run_together``): it runs for every message.
    await run_together(session, [(_lock, {"user_key": f"{channel}:{platform_user_id}"})])


async def advance_update_order(
    session: AsyncSession, *, channel: str, platform_user_id: str, order: int
) -> bool:
    """Record ``order`` as the account's last applied update; False when a later one was
    applied already (this one arrived late). Call it under ``lock_user``, once the account
    exists."""
    column = identities.c.last_update_order
    result = await session.execute(
        update(identities)
        .where(
            identities.c.channel == channel,
            identities.c.platform_user_id == platform_user_id,
            or_(column.is_(None), column < order),
        )
        .values(last_update_order=order)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
