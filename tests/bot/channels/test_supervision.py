"""A channel that fails to start stops none of the others: it is named on /healthz and tried
again with backoff while Telegram goes on answering."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.channels.base import health_problems
from bot.channels.supervision import Supervised, supervised
from bot.channels.zalo_bot.channel import ZaloChannel
from bot.settings import Settings
from storage.database import Database
from tests.bot.channels.harness import (
    TelegramUser,
    at_menu,
    make_processor,
    new_channel,
)
from tests.conversations.harness import CATALOGUES
from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.zalo_server import FakeZaloServer
from tests.harness import PATIENCE


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZaloServer]:
    async with FakeZaloServer(max_poll_wait=1.0) as fake:
        yield fake


def zalo_channel(database: Database, server: FakeZaloServer) -> ZaloChannel:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        zalo_token=server.token,  # type: ignore[arg-type]
        zalo_base_url=server.base_url,
    )
    return ZaloChannel(make_processor(database), CATALOGUES, settings, poll_wait=1.0)


class Backoff:
    """The retry's waits, each held until the test lets it pass (no clock involved)."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.waiting = asyncio.Event()
        self._go = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.waiting.set()
        await self._go.wait()
        self._go.clear()

    def let_pass(self) -> None:
        self.waiting.clear()
        self._go.set()


async def test_a_bot_that_never_had_a_webhook_starts_polling_when_delete_webhook_says_400(
    sqlite_database: Database, zalo: FakeZaloServer
) -> None:
    zalo.fail_next("deleteWebhook", error_code=400, description="webhook not found")
    channel = zalo_channel(sqlite_database, zalo)
    await channel.start()
    try:
        assert channel.polling
    finally:
        await channel.stop()


async def test_telegram_serves_while_zalo_fails_to_start_and_zalo_is_retried_with_backoff(
    sqlite_database: Database, zalo: FakeZaloServer
) -> None:
    backoff = Backoff()
    zalo.fail_next("getMe", error_code=404, description="Not Found", times=2)
    async with FakeTelegramServer() as telegram_server:
        telegram = Supervised(new_channel(sqlite_database, telegram_server))
        broken = Supervised(zalo_channel(sqlite_database, zalo), sleep=backoff.sleep)
        await telegram.start()
        await broken.start()  # does not raise
        try:
            (problem,) = health_problems([telegram, broken])
            assert problem.startswith("zalo: not running") and "ZaloApiError" in problem
            await at_menu(TelegramUser(telegram_server))  # Telegram answers meanwhile

            await asyncio.wait_for(backoff.waiting.wait(), PATIENCE)
            backoff.let_pass()  # the second try fails too: a longer wait
            await asyncio.wait_for(backoff.waiting.wait(), PATIENCE)
            assert backoff.waits[1] == 2 * backoff.waits[0] > 0
            assert health_problems([telegram, broken]) == [problem]
            backoff.let_pass()  # the third try finds Zalo well
            await asyncio.wait_for(broken.started.wait(), PATIENCE)
            assert health_problems([telegram, broken]) == []
            assert broken.channel.polling  # type: ignore[attr-defined]
        finally:
            await broken.stop()
            await telegram.stop()


def test_a_single_channel_is_left_to_fail_at_start_as_before() -> None:
    class Lone:
        name = "telegram"

    lone = Lone()
    assert supervised([lone]) == [lone]  # type: ignore[list-item]
    (wrapped, _other) = supervised([lone, Lone()])  # type: ignore[list-item]
    assert isinstance(wrapped, Supervised) and wrapped.channel is lone
