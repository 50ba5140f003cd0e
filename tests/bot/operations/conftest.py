"""Fixtures of the upkeep tests."""

from __future__ import annotations

import pytest

from storage.database import Database
from tests.bot.tips.harness import staffed


@pytest.fixture
async def commune(database: Database) -> Database:
    """Xã Đô Lương with its officers and admin (as the tip tests have it)."""
    return await staffed(database)
