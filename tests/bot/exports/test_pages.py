"""Export reads page by page: every row once, in order, whatever the page size, and a shared
session free again as soon as the caller stops early."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing, asynccontextmanager

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from conversations.places import RESIDENTIAL
from storage._sql import areas
from storage.database import Database
from storage.exports import Sessions, iter_area_filings, iter_monthly_reports
from tests.bot.exports.harness import PERIOD, seed_province

AREAS_BY_PATH = ["17641-001", "17662-001", "17662-002", "17662-003"]


def shared(session: AsyncSession) -> Sessions:
    @asynccontextmanager
    async def opened() -> AsyncIterator[AsyncSession]:
        yield session

    return opened


async def test_pages_of_one_row_give_every_row_once_in_order(database: Database) -> None:
    await seed_province(database)
    for page_size in (1, 2, 3, 4, 50):
        codes = [
            filing.code
            async for filing in iter_area_filings(
                database.transaction, "/40/", PERIOD, RESIDENTIAL, page_size=page_size
            )
        ]
        assert codes == AREAS_BY_PATH, page_size
        updates = [
            row.area_code
            async for row in iter_monthly_reports(
                database.transaction, "/40/", [PERIOD], page_size=page_size
            )
        ]
        assert updates == ["17641-001", "17662-001", "17662-002"], page_size


async def test_stopping_early_in_a_shared_session_leaves_no_read_running(
    database: Database,
) -> None:
    await seed_province(database)
    async with database.transaction() as session:
        seen: list[str] = []
        async with aclosing(
            iter_area_filings(shared(session), "/40/", PERIOD, RESIDENTIAL, page_size=1)
        ) as filings:
            async for filing in filings:
                seen.append(filing.code)
                if len(seen) == 2:
                    break
        # The session is the caller's again at once.
        count = len((await session.execute(select(areas.c.id))).all())
    assert seen == AREAS_BY_PATH[:2]
    assert count == 7
