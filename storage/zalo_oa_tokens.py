"""The Zalo OA token pair: read (locked for a refresh on PostgreSQL) and written, sealed.

The pair is opaque bytes here (sealed by ``bot.sealing.Sealer`` with the server key): storage
never sees a token. ``lock_tokens`` takes the row with ``FOR UPDATE`` on PostgreSQL, so that
of several processes only one refreshes at a time and the others, once it committed, read the
new pair; SQLite renders no ``FOR UPDATE`` (one process writes there, see the caller).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import dialect_name
from storage.tables import ZaloOaToken

zalo_oa_tokens: Table = ZaloOaToken.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class StoredTokens:
    oa_id: str
    sealed_pair: bytes
    access_expires_at: datetime
    generation: int
    refreshed_at: datetime


async def read_tokens(
    session: AsyncSession, oa_id: str, *, lock: bool = False
) -> StoredTokens | None:
    """The OA's stored pair, or None; ``lock`` holds the row until the transaction ends
    (PostgreSQL), so that a second refresher waits and then reads the new pair."""
    query = select(zalo_oa_tokens).where(zalo_oa_tokens.c.oa_id == oa_id)
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    if row is None:
        return None
    return StoredTokens(
        row.oa_id, row.sealed_pair, row.access_expires_at, row.generation, row.refreshed_at
    )


async def store_tokens(
    session: AsyncSession,
    oa_id: str,
    *,
    sealed_pair: bytes,
    access_expires_at: datetime,
    now: datetime,
) -> int:
    """Keep the new pair (replacing the old one); the generation it is stored as."""
    dialect = postgresql if dialect_name(session) == "postgresql" else sqlite
    insert = dialect.insert(zalo_oa_tokens).values(
        oa_id=oa_id,
        sealed_pair=sealed_pair,
        access_expires_at=access_expires_at,
        generation=0,
        refreshed_at=now,
    )
    statement = insert.on_conflict_do_update(
        index_elements=["oa_id"],
        set_={
            "sealed_pair": insert.excluded.sealed_pair,
            "access_expires_at": insert.excluded.access_expires_at,
            "generation": zalo_oa_tokens.c.generation + 1,
            "refreshed_at": insert.excluded.refreshed_at,
        },
    ).returning(zalo_oa_tokens.c.generation)
    return int((await session.execute(statement)).scalar_one())
