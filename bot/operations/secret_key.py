"""Replacing the server key: re-seal every stored value under the newest key.

The operator lists the new key before the old one (``ANTQ_SECRET_KEY=NEW,OLD``) on every
process, restarts them, runs ``antq secret-key rotate``, and once it reports nothing left
under the old key, removes the old key (deploy/README.md, "Replacing the server key"). The
bot keeps serving meanwhile: values are re-sealed a page at a time, each page in a short
transaction of its own, and a value a process changed meanwhile is read again. The keyed marks
(who answered a survey, which tips were rated, tip notices' dedup keys) are re-keyed by
``bot.operations.rekeying`` in the same command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag

from bot.channels.zalo_oa.tokens import PURPOSE as ZALO_OA_TOKEN_PURPOSE
from bot.commendations.tipster import PURPOSE as TIP_COMMENDATION_PURPOSE
from bot.sealing import Sealer
from storage.database import Database
from storage.operations import (
    SEALED_COLUMNS,
    TIP_COMMENDATION_REFS,
    ZALO_OA_TOKENS,
    SealedColumn,
    read_sealed,
    replace_sealed,
    sealed_page,
)

__all__ = ["Resealed", "rotate"]

PAGE = 500
# A value re-read this many times because a process kept changing it is left for another run.
ATTEMPTS = 5

Reseal = Callable[[Sealer, bytes], "bytes | None"]


@dataclass
class Resealed:
    """What ``rotate`` did with the values of one kind."""

    resealed: int = 0
    current: int = 0  # sealed under the newest key already
    unreadable: int = 0  # sealed under no listed key: left as they are
    busy: int = 0  # changed by a process on every attempt: left for another run


def _reseal(sealed: SealedColumn) -> Reseal:
    if sealed is ZALO_OA_TOKENS:
        return lambda sealer, value: sealer.reseal_secret(ZALO_OA_TOKEN_PURPOSE, value)
    if sealed is TIP_COMMENDATION_REFS:
        return lambda sealer, value: sealer.reseal_secret(TIP_COMMENDATION_PURPOSE, value)
    return lambda sealer, value: sealer.reseal_route(value)


async def rotate(database: Database, sealer: Sealer, *, page: int = PAGE) -> dict[str, Resealed]:
    """Re-seal every stored sealed value under ``sealer``'s newest key; what was done, by kind
    (``tip_routes``, ``outbox_routes``, ``zalo_oa_tokens``)."""
    return {
        sealed.kind: await _rotate_column(database, sealer, sealed, page)
        for sealed in SEALED_COLUMNS
    }


async def _rotate_column(
    database: Database, sealer: Sealer, sealed: SealedColumn, page: int
) -> Resealed:
    done = Resealed()
    reseal = _reseal(sealed)
    after: Any | None = None
    while True:
        async with database.transaction() as session:
            rows = await sealed_page(session, sealed, after=after, limit=page)
        if not rows:
            return done
        for key, value in rows:
            await _rotate_value(database, sealer, sealed, reseal, key, value, done)
        after = rows[-1][0]


async def _rotate_value(
    database: Database,
    sealer: Sealer,
    sealed: SealedColumn,
    reseal: Reseal,
    key: Any,
    value: bytes | None,
    done: Resealed,
) -> None:
    for _ in range(ATTEMPTS):
        if value is None:
            return  # erased meanwhile: nothing left to re-seal
        try:
            new = reseal(sealer, value)
        except (InvalidTag, ValueError):
            done.unreadable += 1
            return
        if new is None:
            done.current += 1
            return
        async with database.transaction() as session:
            if await replace_sealed(session, sealed, key, old=value, new=new):
                done.resealed += 1
                return
            value = await read_sealed(session, sealed, key)
    done.busy += 1
