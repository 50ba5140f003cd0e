"""Fixtures of the web console's tests: a commune with officers, an admin and one elsewhere."""

from __future__ import annotations

import pytest

from storage.database import Database
from tests.bot.tips.harness import staffed


@pytest.fixture
async def commune(database: Database) -> Database:
    return await staffed(database)


@pytest.fixture
async def sqlite_commune(sqlite_database: Database) -> Database:
    """The same on SQLite only: in a browser one backend is enough (the console's queries run
    on both in the tests without a browser)."""
    return await staffed(sqlite_database)
