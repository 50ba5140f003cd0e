"""Operating the database for years: the stored values sealed with the server key, read page
by page and replaced one by one when the key is replaced (``antq secret-key rotate``).

A value is replaced only if it is still what was read: a process that changed it meanwhile
(erased a route, refreshed a token pair) wins, and the caller reads it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import outbox, tips
from storage.opinions import opinions
from storage.tips.invites import invites as tip_commendation_invites
from storage.zalo_oa_tokens import zalo_oa_tokens

__all__ = [
    "OPINION_ROUTES",
    "OUTBOX_ROUTES",
    "SEALED_COLUMNS",
    "TIP_COMMENDATION_REFS",
    "TIP_ROUTES",
    "ZALO_OA_TOKENS",
    "SealedColumn",
    "read_sealed",
    "replace_sealed",
    "sealed_page",
]


@dataclass(frozen=True)
class SealedColumn:
    """A column that holds values sealed with the server key, and its table's key."""

    kind: str
    table: Table
    key: str
    column: str

    @property
    def key_column(self) -> Column[Any]:
        return self.table.c[self.key]

    @property
    def sealed_column(self) -> Column[Any]:
        return self.table.c[self.column]


TIP_ROUTES = SealedColumn("tip_routes", tips, "id", "sender_route")
OUTBOX_ROUTES = SealedColumn("outbox_routes", outbox, "id", "sealed_route")
ZALO_OA_TOKENS = SealedColumn("zalo_oa_tokens", zalo_oa_tokens, "oa_id", "sealed_pair")
# Anonymous opinions' routes back to their senders (as tips').
OPINION_ROUTES = SealedColumn("opinion_routes", opinions, "id", "sender_route")
# A tip's sender commended by their own choice: the proposal's id, held on the thread's side
# until they are told the decision (``bot.commendations.tipster``).
TIP_COMMENDATION_REFS = SealedColumn(
    "tip_commendation_refs", tip_commendation_invites, "tip_id", "sealed_ref"
)
# Every sealed value the database stores.
SEALED_COLUMNS = (TIP_ROUTES, OUTBOX_ROUTES, ZALO_OA_TOKENS, OPINION_ROUTES, TIP_COMMENDATION_REFS)


async def sealed_page(
    session: AsyncSession, sealed: SealedColumn, *, after: Any | None, limit: int
) -> list[tuple[Any, bytes]]:
    """Up to ``limit`` (key, sealed value) pairs after the key ``after``, in key order."""
    query = (
        select(sealed.key_column, sealed.sealed_column)
        .where(sealed.sealed_column.is_not(None))
        .order_by(sealed.key_column)
        .limit(limit)
    )
    if after is not None:
        query = query.where(sealed.key_column > after)
    return [(key, bytes(value)) for key, value in (await session.execute(query)).all()]


async def read_sealed(session: AsyncSession, sealed: SealedColumn, key: Any) -> bytes | None:
    """The row's sealed value now (None when erased, or the row is gone)."""
    value = await session.scalar(select(sealed.sealed_column).where(sealed.key_column == key))
    return None if value is None else bytes(value)


async def replace_sealed(
    session: AsyncSession, sealed: SealedColumn, key: Any, *, old: bytes, new: bytes
) -> bool:
    """Store ``new`` in place of ``old``; False when the row no longer holds ``old``."""
    result = await session.execute(
        update(sealed.table)
        .where(sealed.key_column == key, sealed.sealed_column == old)
        .values({sealed.column: new})
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
