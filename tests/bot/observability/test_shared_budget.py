"""The shared send budget's waits (PostgreSQL, several processes behind one token): a reply
that waits for its chat's slot because another process just answered that chat is counted,
with how long it waited."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from bot.delivery.limits import TELEGRAM_LIMITS
from bot.delivery.shared_limits import SharedRateLimiter
from storage.database import Database
from tests.bot.observability.harness import moved, scrape


async def short_sleep(seconds: float) -> None:
    """A wait asked for, cut short: the count is of the wait asked, not of the time slept."""
    await asyncio.sleep(min(seconds, 0.05))


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_reply_waiting_for_another_process_s_send_is_counted(
    database: Database, database_url: str
) -> None:
    # A gap far longer than any pause of a busy machine: the wait is the gap's.
    limits = replace(TELEGRAM_LIMITS, chat_gap=60.0, chat_burst=1)
    other_process = Database(database_url)
    here = SharedRateLimiter(limits, database, "telegram")
    there = SharedRateLimiter(limits, other_process, "telegram", sleep=short_sleep)
    before = await scrape(database)
    try:
        here.settle(await here.acquire("4242", urgent=True))
        there.settle(await there.acquire("4242", urgent=True))
    finally:
        await here.close()
        await there.close()
        await other_process.dispose()
    after = await scrape(database)
    assert moved(before, after, "antq_send_budget_waits_total", channel="telegram") >= 1
    assert moved(before, after, "antq_send_budget_wait_seconds_total", channel="telegram") > 30
    # The chat is named in no label (a value of a figure may hold the same digits).
    assert '"4242"' not in after
