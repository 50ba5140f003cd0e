"""Two processes behind one bot token share one rate budget in PostgreSQL (issue 20).

Two outbox senders, each with its own database engine, limiter and HTTP connections (as two
``antq run`` processes have), send a broadcast through python-telegram-bot to the fake Bot API
enforcing 30/s in total and 1/s per chat: no 429, every copy once. A reply asked for in the
middle of it does not queue behind it. The rate they reach together (95-100 % of 30/s) is a
figure of ``make bench`` (tests/bench/two_processes.py), not of a test a busy machine slows.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.channels.telegram.transport import TelegramTransport
from bot.delivery.limits import TELEGRAM_LIMITS
from bot.delivery.sender import OutboxSender
from bot.delivery.shared_limits import SharedRateLimiter
from storage._sql import chat_send_slots, outbox
from storage.database import Database
from storage.delivery.outbox import BROADCAST
from tests.bot.delivery.harness import local, residents_with_a_copy
from tests.fakes.telegram_server import FakeTelegramServer
from tests.harness import PATIENCE, wait_until

MORNING = local(2026, 11, 24, 9, 0)
RECIPIENTS = 150


async def delivered(database: Database, recipients: int) -> bool:
    """Whether every copy is marked sent."""
    async with database.session() as session:
        statement = select(func.count()).select_from(outbox).where(outbox.c.status == "sent")
        return int(await session.scalar(statement) or 0) == recipients


def sent(telegram: FakeTelegramServer) -> int:
    return sum(1 for call in telegram.calls("sendMessage") if call.ok)


class RecordingSleep:
    """The waits a limiter asks for; each really waits ``real`` seconds at most, so that the
    database's clock moves on as the limiter expects without a test waiting out a long gap."""

    def __init__(self, real: float = 0.05) -> None:
        self.asked: list[float] = []
        self.real = real

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        await asyncio.sleep(min(seconds, self.real))


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_two_processes_broadcast_together_without_a_429_and_a_reply_goes_first(
    database: Database, database_url: str
) -> None:
    await residents_with_a_copy(
        database, RECIPIENTS, now=MORNING, kind=BROADCAST, chat_ids_from=800_000_000, tag="shared"
    )
    started = time.monotonic()

    def clock():  # type: ignore[no-untyped-def]
        # 09:00 in Vietnam running at the real pace: outside the quiet hours, whenever run.
        return MORNING + timedelta(seconds=time.monotonic() - started)

    processes = [database, Database(database_url)]
    async with contextlib.AsyncExitStack() as stack, FakeTelegramServer() as telegram:
        telegram.enforce_rate_limits(total_per_second=30, per_chat_per_second=1)
        senders: list[OutboxSender] = []
        for process in processes:
            bot = await stack.enter_async_context(
                Bot(
                    telegram.token,
                    base_url=telegram.base_url,
                    request=HTTPXRequest(connection_pool_size=16),
                )
            )
            limiter = SharedRateLimiter(TELEGRAM_LIMITS, process, "telegram")
            stack.push_async_callback(limiter.close)
            senders.append(
                OutboxSender(process, "telegram", TelegramTransport(bot), limiter, clock=clock)
            )
        # A third process answers somebody in the middle of the broadcast.
        replying = SharedRateLimiter(TELEGRAM_LIMITS, database, "telegram")
        stack.push_async_callback(replying.close)
        running = [asyncio.create_task(sender.run()) for sender in senders]
        try:
            await wait_until(lambda: sent(telegram) >= 20, what="the broadcast going")
            replying.settle(await replying.acquire("reply-chat", urgent=True))
            sent_before_the_reply = sent(telegram)
            await wait_until(
                lambda: delivered(database, RECIPIENTS), what="the broadcast delivered"
            )
        finally:
            for sender in senders:
                sender.stop()
            await asyncio.wait_for(asyncio.gather(*running), PATIENCE)
            await processes[1].dispose()
        accepted = [call for call in telegram.calls("sendMessage") if call.ok]
        refused = [call for call in telegram.calls("sendMessage") if call.status == 429]
    assert refused == []
    assert len(accepted) == RECIPIENTS
    assert len({call.params["chat_id"] for call in accepted}) == RECIPIENTS
    # The reply did not queue behind the broadcast: it went with seconds of it still to go.
    assert sent_before_the_reply < RECIPIENTS - 60


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_chat_just_answered_by_one_process_waits_its_gap_in_the_other(
    database: Database, database_url: str
) -> None:
    # A gap far longer than any pause of a busy machine: the wait asked for is the gap's.
    limits = replace(TELEGRAM_LIMITS, chat_gap=60.0, chat_burst=1)
    other_process = Database(database_url)
    here = SharedRateLimiter(limits, database, "telegram")
    there = SharedRateLimiter(limits, other_process, "telegram", sleep=(waits := RecordingSleep()))
    try:
        here.settle(await here.acquire("4242", urgent=True))  # a reply from this process
        assert await there.claim_chat("4242") > 30  # the outbox there defers it
        assert await there.claim_chat("4343") == 0  # any other chat goes at once
        there.settle(await there.acquire("4242", urgent=True))  # a reply there waits its turn
        assert max(waits.asked) > 30
    finally:
        await here.close()
        await there.close()
        await other_process.dispose()


async def chats_held(database: Database) -> list[str]:
    async with database.session() as session:
        return list((await session.execute(select(chat_send_slots.c.chat_id))).scalars())


async def no_chat_held(database: Database) -> bool:
    return await chats_held(database) == []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_chats_slot_goes_with_the_send_once_its_gap_has_passed(database: Database) -> None:
    # The row names the person sent to (an anonymous tipster too) with the send's exact time.
    limiter = SharedRateLimiter(replace(TELEGRAM_LIMITS, chat_gap=0.05), database, "telegram")
    try:
        limiter.settle(await limiter.acquire("4242", urgent=True))  # a reply
        assert await limiter.claim_chat("4343") == 0  # an outbox message
        limiter.settle(await limiter.acquire("4343"))
        await wait_until(lambda: no_chat_held(database), what="the chats forgotten")
    finally:
        await limiter.close()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_process_that_stops_leaves_no_chat_it_sent_to(database: Database) -> None:
    limiter = SharedRateLimiter(replace(TELEGRAM_LIMITS, chat_gap=60.0), database, "telegram")
    limiter.settle(await limiter.acquire("4242", urgent=True))
    assert await limiter.claim_chat("4343") == 0
    limiter.settle(await limiter.acquire("4343"))
    assert sorted(await chats_held(database)) == ["4242", "4343"]  # their gaps still run

    await limiter.close()

    assert await chats_held(database) == []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_chat_takes_its_short_burst_across_processes_then_waits_its_gap(
    database: Database, database_url: str
) -> None:
    limits = replace(TELEGRAM_LIMITS, chat_gap=60.0, chat_burst=3)
    other_process = Database(database_url)
    here = SharedRateLimiter(limits, database, "telegram")
    there = SharedRateLimiter(limits, other_process, "telegram", sleep=(waits := RecordingSleep()))
    try:
        here.settle(await here.acquire("4242", urgent=True))  # thanks
        here.settle(await here.acquire("4242", urgent=True))  # and the menu, at once
        assert await there.claim_chat("4242") == 0  # a third message may still go
        third = await there.acquire("4242")
        waited = list(waits.asked)  # before the settled chat's own forgetting is scheduled
        there.settle(third)
        assert await here.claim_chat("4242") > 30  # the burst is spent in every process
        assert not waited or max(waited) < 30
    finally:
        await here.close()
        await there.close()
        await other_process.dispose()
