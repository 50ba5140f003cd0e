"""Fixtures of the retention tests: Xã Đô Lương with an officer."""

from __future__ import annotations

import pytest

from storage.areas import insert_areas
from storage.database import Database
from tests.bot.harness import TREE
from tests.bot.tips.harness import OFFICER_A, staff


@pytest.fixture
async def commune(database: Database) -> Database:
    async with database.transaction() as session:
        await insert_areas(session, TREE)
    await staff(database, OFFICER_A, "officer", "17662")
    return database
