"""Fixtures of the bot tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from storage.areas import insert_areas
from storage.database import Database
from tests.bot.harness import ADMIN_USER, TREE, CommandLine, member_with_roles
from tests.fakes.telegram_server import FakeTelegramServer


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


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    """The fake Telegram Bot API (a test of another platform names its own ``server``)."""
    async with FakeTelegramServer() as fake:
        yield fake


@pytest.fixture
async def bot(server: FakeTelegramServer) -> AsyncIterator[Bot]:
    """python-telegram-bot's Bot on the fake API, with connections for an outbox's sends."""
    async with Bot(
        server.token, base_url=server.base_url, request=HTTPXRequest(connection_pool_size=16)
    ) as telegram_bot:
        yield telegram_bot
