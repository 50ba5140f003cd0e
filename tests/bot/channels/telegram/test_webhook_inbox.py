"""A Telegram webhook is answered once its update is stored, not once it is applied: a person
whose messages wait behind slow work (another user's, a held lock) never holds Telegram's
delivery of anybody's updates; the update is applied after, once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, or_, select

from storage._sql import processed_updates
from storage.database import Database
from storage.tables import InboxUpdate
from tests.bot.channels.harness import SECRET, USER, private_update, secret_header, webhook_bot
from tests.conversations.harness import t
from tests.fakes.telegram_server import FakeTelegramServer
from tests.harness import PATIENCE


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as fake:
        yield fake


async def _count(database: Database, table: Any) -> int:
    async with database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def _waiting(database: Database) -> int:
    """Updates stored and not applied, or applied with their content still kept (an applied
    one keeps its number only)."""
    inbox = InboxUpdate.__table__
    async with database.session() as session:
        statement = select(func.count()).where(
            or_(inbox.c.applied.is_(False), inbox.c.payload != "")
        )
        return int(await session.scalar(statement) or 0)


async def test_the_webhook_is_answered_while_the_update_still_waits_to_be_applied(
    database: Database, server: FakeTelegramServer
) -> None:
    update = private_update(41, text="/start")
    async with webhook_bot(database, server) as bot, httpx.AsyncClient() as client:
        processor = bot.channel.processor
        process, work_may_go = processor.process, asyncio.Event()

        async def slow(*args: Any, **kwargs: Any) -> Any:
            await work_may_go.wait()  # the bot is busy elsewhere
            return await process(*args, **kwargs)

        processor.process = slow  # type: ignore[method-assign]
        answer = await asyncio.wait_for(
            client.post(bot.url, json=update, headers=secret_header(SECRET)), PATIENCE
        )
        assert answer.status_code == 200
        assert await _count(database, InboxUpdate.__table__) == 1  # stored, not applied
        again = await client.post(bot.url, json=update, headers=secret_header(SECRET))
        assert again.status_code == 200  # Telegram delivered it twice: stored once
        assert await _count(database, InboxUpdate.__table__) == 1
        work_may_go.set()
        (reply,) = await server.wait_for_messages(USER, 1, timeout=PATIENCE)
    assert t("language.from_app") in reply["text"]
    assert await _waiting(database) == 0
    assert await _count(database, processed_updates) == 1
    assert len(server.sent_messages(USER)) == 1
