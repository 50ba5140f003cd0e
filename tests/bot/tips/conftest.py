"""Fixtures of the tip tests."""

from __future__ import annotations

import pytest

from storage.database import Database
from tests.bot.tips.harness import staffed


@pytest.fixture
async def commune(database: Database) -> Database:
    return await staffed(database)
