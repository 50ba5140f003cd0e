"""Replacing the server key: re-key the stored keyed marks under the newest key.

Some things are stored only as keyed digests (HMACs under the server key) so that the table
alone names nobody: who has answered an open survey, which tips were rated, the dedup keys of
the notices to a tip's sender. While ``ANTQ_SECRET_KEY`` lists the new key and the old one,
every lookup takes the mark under each listed key, so nothing is counted twice. Before the
old key goes, ``antq secret-key rotate`` makes each mark again from the inputs at hand (each
open survey with each member id, each tip's code or id) under every listed key and replaces
a mark found under an older key by the newest's: no member id and no new link is stored.

What cannot be made again stays under the old key and stops matching once the old key is
removed (deploy/README.md, "Replacing the server key"): the marks of a member since erased
(who can no longer answer), and a thread question's dedup key (it names its own message and
never comes again). The marks of closed surveys are left as they are: nothing looks them up.

A new kind of mark made from a member id must also be carried when two members are merged
by linking (``bot.linking.marks``), or a linked person's mark stops matching.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.sealing import Sealer
from bot.surveys import answered_digests, rated_digests
from bot.tips.handlers import recurring_occasions
from storage.database import Database
from storage.rekeying import (
    RATED_MARKS,
    count_marks,
    member_ids_page,
    open_survey_ids,
    rekey_dedup_keys,
    rekey_marks,
    survey_marks,
    tips_page,
)

__all__ = ["KINDS", "Rekeyed", "rekey"]

PAGE = 500
Row = TypeVar("Row")

# The kinds of marks, in the order ``rekey`` reports them.
SURVEY_MARKS = "survey_marks"
RATING_MARKS = "rating_marks"
TIP_NOTICE_KEYS = "tip_notice_keys"
KINDS = (SURVEY_MARKS, RATING_MARKS, TIP_NOTICE_KEYS)


@dataclass
class Rekeyed:
    """What ``rekey`` did with the marks of one kind."""

    rekeyed: int = 0
    current: int = 0  # under the newest key already
    unmatched: int = 0  # made by no input at hand under any listed key: left as they are

    def add(self, counts: tuple[int, int]) -> None:
        self.rekeyed += counts[0]
        self.current += counts[1]


def _pairs(keys: list[list[str]]) -> tuple[list[str], dict[str, str]]:
    """(each input's newest mark, {its mark under an older key: its newest mark})."""
    newest = [each[0] for each in keys]
    older = {old: each[0] for each in keys for old in each[1:]}
    return newest, older


async def rekey(database: Database, sealer: Sealer, *, page: int = PAGE) -> dict[str, Rekeyed]:
    """Re-key every stored keyed mark that can be made again under ``sealer``'s newest key;
    what was done, by kind (``survey_marks``, ``rating_marks``, ``tip_notice_keys``)."""
    return {
        SURVEY_MARKS: await _survey_marks(database, sealer, page),
        RATING_MARKS: await _rating_marks(database, sealer, page),
        TIP_NOTICE_KEYS: await _tip_notice_keys(database, sealer, page),
    }


async def _pages(
    database: Database,
    read: Callable[[AsyncSession, int, int], Awaitable[list[Row]]],
    handle: Callable[[AsyncSession, list[Row]], Awaitable[None]],
    position: Callable[[Row], int],
    page: int,
) -> None:
    """``handle`` each page ``read`` gives, each page in a short transaction of its own."""
    after = 0
    while True:
        async with database.transaction() as session:
            rows = await read(session, after, page)
            if not rows:
                return
            await handle(session, rows)
        after = position(rows[-1])


async def _members(session: AsyncSession, after: int, limit: int) -> list[int]:
    return await member_ids_page(session, after=after, limit=limit)


async def _tips(session: AsyncSession, after: int, limit: int) -> list[tuple[int, str]]:
    return await tips_page(session, after=after, limit=limit)


def _tip_id(row: tuple[int, str]) -> int:
    return row[0]


async def _survey_marks(database: Database, sealer: Sealer, page: int) -> Rekeyed:
    done = Rekeyed()
    async with database.transaction() as session:
        survey_ids = await open_survey_ids(session)
    for survey_id in survey_ids:
        marks = survey_marks(survey_id)

        async def handle(
            session: AsyncSession, member_ids: list[int], survey_id: int = survey_id
        ) -> None:
            keys = [answered_digests(sealer, survey_id, member_id) for member_id in member_ids]
            done.add(await rekey_marks(session, survey_marks(survey_id), *_pairs(keys)))

        await _pages(database, _members, handle, int, page)
        async with database.transaction() as session:
            done.unmatched += await count_marks(session, marks)
    done.unmatched -= done.rekeyed + done.current
    return done


async def _rating_marks(database: Database, sealer: Sealer, page: int) -> Rekeyed:
    done = Rekeyed()
    marks = RATED_MARKS

    async def handle(session: AsyncSession, rows: list[tuple[int, str]]) -> None:
        keys = [rated_digests(sealer, code) for _, code in rows if code]
        done.add(await rekey_marks(session, marks, *_pairs(keys)))

    await _pages(database, _tips, handle, _tip_id, page)
    async with database.transaction() as session:
        done.unmatched = await count_marks(session, marks) - done.rekeyed - done.current
    return done


async def _tip_notice_keys(database: Database, sealer: Sealer, page: int) -> Rekeyed:
    """Unmatched is not counted: the outbox's other dedup keys are not keyed marks."""
    done = Rekeyed()

    async def handle(session: AsyncSession, rows: list[tuple[int, str]]) -> None:
        occasions = [each for tip_id, _ in rows for each in recurring_occasions(tip_id)]
        keys = [sealer.opaque_keys(occasion) for occasion in occasions]
        done.add(await rekey_dedup_keys(session, *_pairs(keys)))

    await _pages(database, _tips, handle, _tip_id, page)
    return done
