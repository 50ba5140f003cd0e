"""Fixtures of the bot tests."""

from __future__ import annotations

import pytest

from storage.areas import insert_areas
from storage.database import Database
from tests.bot.harness import ADMIN_USER, TREE, CommandLine, member_with_roles


@pytest.fixture
async def tree(database: Database) -> Database:
    async with database.transaction() as session:
        await insert_areas(session, TREE)
    await member_with_roles(database, ADMIN_USER, [("admin", "17662")], display_name="Chủ tịch xã")
    return database


@pytest.fixture
def antq(migrated_sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> CommandLine:
    """The command line on a migrated SQLite database of the test's own."""
    monkeypatch.setenv("ANTQ_DATABASE_URL", migrated_sqlite_url)
    return CommandLine(migrated_sqlite_url)
