"""Moving stored keyed marks from an older server key to the newest (``antq secret-key rotate``).

A keyed mark (an HMAC under the server key) cannot be opened, only made again: the caller
recomputes each mark under every listed key from inputs it already has (a survey and a member
id, a tip's code or id) and hands this module the pairs (older mark → newest mark). Nothing
new is stored: a mark found under an older key is replaced by the same mark under the newest,
so the tables keep no member id and no link they did not keep before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import members, outbox, tips
from storage.surveys import OPEN, _insert_new, survey_answered, surveys, tip_rated

__all__ = [
    "RATED_MARKS",
    "MarkTable",
    "count_marks",
    "member_ids_page",
    "open_survey_ids",
    "rekey_dedup_keys",
    "rekey_marks",
    "survey_marks",
    "tips_page",
]


@dataclass(frozen=True, slots=True)
class MarkTable:
    """A table of keyed marks: the marks of one survey, or the tips' "rated" marks."""

    table: Table
    survey_id: int | None = None

    def _where(self) -> list:  # type: ignore[type-arg]
        if self.survey_id is None:
            return []
        return [self.table.c.survey_id == self.survey_id]


RATED_MARKS = MarkTable(tip_rated)


def survey_marks(survey_id: int) -> MarkTable:
    """The "answered" marks of one survey."""
    return MarkTable(survey_answered, survey_id)


async def open_survey_ids(session: AsyncSession) -> list[int]:
    """The surveys still taking answers: the only ones whose "answered" marks are looked up."""
    rows = await session.scalars(select(surveys.c.id).where(surveys.c.status == OPEN))
    return list(rows)


async def member_ids_page(session: AsyncSession, *, after: int, limit: int) -> list[int]:
    """The next ``limit`` member ids after ``after``, in order."""
    rows = await session.scalars(
        select(members.c.id).where(members.c.id > after).order_by(members.c.id).limit(limit)
    )
    return list(rows)


async def tips_page(session: AsyncSession, *, after: int, limit: int) -> list[tuple[int, str]]:
    """The next ``limit`` tips (id, code) after tip id ``after``, in order."""
    rows = await session.execute(
        select(tips.c.id, tips.c.code).where(tips.c.id > after).order_by(tips.c.id).limit(limit)
    )
    return [(row.id, row.code) for row in rows]


async def count_marks(session: AsyncSession, marks: MarkTable) -> int:
    statement = select(func.count()).select_from(marks.table).where(*marks._where())
    return int(await session.scalar(statement) or 0)


async def rekey_marks(
    session: AsyncSession, marks: MarkTable, newest: Sequence[str], older: Mapping[str, str]
) -> tuple[int, int]:
    """(re-keyed, already under the newest key) among the given marks. ``older`` maps a mark
    under an older key to the same mark under the newest; each one found is replaced."""
    column = marks.table.c.digest
    current = 0
    if newest:
        found = await session.scalars(
            select(column).where(*marks._where(), column.in_(list(newest)))
        )
        current = len(list(found))
    if not older:
        return 0, current
    found_older = list(
        await session.scalars(select(column).where(*marks._where(), column.in_(list(older))))
    )
    for old in found_older:
        values = {"digest": older[old]}
        if marks.survey_id is not None:
            values["survey_id"] = marks.survey_id  # type: ignore[assignment]
        await _insert_new(session, marks.table, values)
        await session.execute(delete(marks.table).where(*marks._where(), column == old))
    return len(found_older), current


async def rekey_dedup_keys(
    session: AsyncSession, newest: Sequence[str], older: Mapping[str, str]
) -> tuple[int, int]:
    """(re-keyed, already under the newest key) among the outbox rows of the given keyed dedup
    keys: a row whose key is under an older server key (``older`` maps it to the newest's)
    takes the newest's."""
    current = 0
    if newest:
        found_newest = await session.scalars(
            select(outbox.c.dedup_key).where(outbox.c.dedup_key.in_(list(newest)))
        )
        current = len(list(found_newest))
    if not older:
        return 0, current
    found = list(
        await session.scalars(select(outbox.c.dedup_key).where(outbox.c.dedup_key.in_(list(older))))
    )
    taken = set(
        await session.scalars(
            select(outbox.c.dedup_key).where(outbox.c.dedup_key.in_([older[old] for old in found]))
        )
    )
    rekeyed = 0
    for old in found:
        if older[old] in taken:
            continue  # the same message under the newest key is there: lookups match either
        await session.execute(
            update(outbox).where(outbox.c.dedup_key == old).values(dedup_key=older[old])
        )
        rekeyed += 1
    return rekeyed, current
