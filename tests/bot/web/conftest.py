"""Fixtures of the web console's tests: a commune with officers, an admin and one elsewhere."""

from __future__ import annotations

import pytest

from storage.areas import insert_areas
from storage.database import Database
from tests.bot.harness import TREE
from tests.bot.tips.harness import ADMIN, ELSEWHERE, OFFICER_A, OFFICER_B, staff


async def staffed(database: Database) -> Database:
    async with database.transaction() as session:
        await insert_areas(session, TREE)
    await staff(database, OFFICER_A, "officer", "17662")
    await staff(database, OFFICER_B, "officer", "17662")
    await staff(database, ELSEWHERE, "officer", "17641")
    await staff(database, ADMIN, "admin", "17662")
    return database


@pytest.fixture
async def commune(database: Database) -> Database:
    return await staffed(database)


@pytest.fixture
async def sqlite_commune(sqlite_database: Database) -> Database:
    """The same on SQLite only: in a browser one backend is enough (the console's queries run
    on both in the tests without a browser)."""
    return await staffed(sqlite_database)
