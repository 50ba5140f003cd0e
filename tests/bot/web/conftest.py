"""Fixtures of the web console's tests: a commune with officers, an admin and one elsewhere."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage.database import Database
from tests.bot.tips.harness import staffed
from tests.bot.web.harness import CHROMIUM


@pytest.fixture
async def commune(database: Database) -> Database:
    return await staffed(database)


@pytest.fixture
async def sqlite_commune(sqlite_database: Database) -> Database:
    """The same on SQLite only: in a browser one backend is enough (the console's queries run
    on both in the tests without a browser)."""
    return await staffed(sqlite_database)


@pytest.fixture
async def browser() -> AsyncIterator[object]:
    """Debian's Chromium, headless, driven by Playwright (tests using it carry
    ``NEEDS_CHROMIUM``)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield launched
        finally:
            await launched.close()
