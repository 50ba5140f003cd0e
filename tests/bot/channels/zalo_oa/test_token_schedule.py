"""A quiet OA keeps its tokens: refreshed on a schedule, and /healthz warns well before the
refresh token (about 3 months) would lapse."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx

from storage.database import Database
from tests.bot.channels.zalo_oa.harness import OaBot, running_oa
from tests.conversations.harness import Clock
from tests.harness import PATIENCE


class HeldSleep:
    """The refresher's waits, each held until the test lets it pass (no clock involved)."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.waiting = asyncio.Event()
        self._go = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.waiting.set()
        await self._go.wait()
        self._go.clear()

    async def next_wait(self) -> float:
        await asyncio.wait_for(self.waiting.wait(), PATIENCE)
        return self.waits[-1]

    def let_pass(self) -> None:
        self.waiting.clear()
        self._go.set()


async def test_nobody_writes_for_ten_weeks_and_the_tokens_are_refreshed_and_the_warning_goes(
    sqlite_database: Database,
) -> None:
    clock, held = Clock(), HeldSleep()
    async with running_oa(sqlite_database, clock=clock, sleep=held.sleep) as bot:
        # Connected just now: the next look is when the 25 h access token is due (after 20 h).
        assert await held.next_wait() == timedelta(hours=20).total_seconds()
        assert await healthz(bot) == {"status": "ok"}

        clock.now += timedelta(days=70)  # the bot asleep: 20 days before the pair would lapse
        health = await healthz(bot)
        (warning,) = health.pop("warnings")
        assert health == {"status": "ok"}  # still serving: a warning, not a problem
        assert warning.startswith("zalo_oa: the refresh token lapses about")

        held.let_pass()
        await held.next_wait()
        assert bot.channel.tokens.refreshes == 1
        assert await healthz(bot) == {"status": "ok"}  # a new refresh token, 3 months ahead


async def healthz(bot: OaBot) -> dict[str, object]:
    async with httpx.AsyncClient() as http:
        answer = await http.get(bot.web.url + "/healthz")
    assert answer.status_code == 200
    body: dict[str, object] = answer.json()
    return body
