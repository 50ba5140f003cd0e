"""Two processes behind one bot token share one rate budget in PostgreSQL (issue 20).

Two outbox senders, each with its own database engine, limiter and HTTP connections (as two
``antq run`` processes have), send a broadcast to 600 through python-telegram-bot to the fake
Bot API enforcing 30/s in total and 1/s per chat: no 429, and together 95-100 % of 30/s. A
reply asked for in the middle of it still goes at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.channels.telegram.transport import TelegramTransport
from bot.delivery.limits import TELEGRAM_LIMITS
from bot.delivery.sender import OutboxSender
from bot.delivery.shared_limits import SharedRateLimiter
from storage._sql import identities, members, outbox
from storage.database import Database
from storage.outbox import BROADCAST, NewMessage, enqueue_many
from tests.bot.delivery.harness import local
from tests.fakes.telegram_server import FakeTelegramServer

MORNING = local(2026, 11, 24, 9, 0)
RECIPIENTS = 600


async def seed_broadcast(database: Database, recipients: int) -> None:
    """``recipients`` residents on Telegram, each with a copy of one broadcast due now."""
    async with database.transaction() as session:
        await session.execute(
            insert(members), [{"locale": "vi", "created_at": MORNING}] * recipients
        )
        member_ids = (await session.execute(select(members.c.id))).scalars().all()
        await session.execute(
            insert(identities),
            [
                {
                    "member_id": member_id,
                    "channel": "telegram",
                    "platform_user_id": str(800_000_000 + member_id),
                    "chat_id": str(800_000_000 + member_id),
                    "active": True,
                    "created_at": MORNING,
                    "last_seen_at": MORNING,
                }
                for member_id in member_ids
            ],
        )
        identity_ids = (await session.execute(select(identities.c.id))).scalars().all()
        await enqueue_many(
            session,
            [
                NewMessage(
                    channel="telegram",
                    kind=BROADCAST,
                    not_before=MORNING,
                    identity_id=identity_id,
                    text="Công an xã khuyến cáo: cảnh giác với cuộc gọi giả danh công an.",
                    dedup_key=f"shared:{identity_id}",
                )
                for identity_id in identity_ids
            ],
            now=MORNING,
        )


async def sent_count(database: Database) -> int:
    async with database.session() as session:
        statement = select(func.count()).select_from(outbox).where(outbox.c.status == "sent")
        return int(await session.scalar(statement) or 0)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_two_processes_broadcast_together_at_the_limit_and_never_above(
    database: Database, database_url: str
) -> None:
    await seed_broadcast(database, RECIPIENTS)
    started = time.monotonic()

    def clock():  # type: ignore[no-untyped-def]
        # 09:00 in Vietnam running at the real pace: outside the quiet hours, whenever run.
        return MORNING + timedelta(seconds=time.monotonic() - started)

    processes = [database, Database(database_url)]
    async with contextlib.AsyncExitStack() as stack, FakeTelegramServer() as telegram:
        telegram.enforce_rate_limits(total_per_second=30, per_chat_per_second=1)
        senders: list[OutboxSender] = []
        limiters: list[SharedRateLimiter] = []
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
            limiters.append(limiter)
            senders.append(
                OutboxSender(process, "telegram", TelegramTransport(bot), limiter, clock=clock)
            )
        running = [asyncio.create_task(sender.run()) for sender in senders]
        try:
            await asyncio.sleep(6)
            asked = time.monotonic()
            ticket = await limiters[0].acquire("reply-chat", urgent=True)
            reply_waited = time.monotonic() - asked
            limiters[0].settle(ticket)
            deadline = time.monotonic() + 60
            while await sent_count(database) < RECIPIENTS:
                assert time.monotonic() < deadline, "the broadcast did not finish in time"
                await asyncio.sleep(0.2)
        finally:
            for sender in senders:
                sender.stop()
            await asyncio.wait_for(asyncio.gather(*running), 20)
            await processes[1].dispose()
        accepted = sorted(call.time for call in telegram.calls("sendMessage") if call.ok)
        refused = [call for call in telegram.calls("sendMessage") if call.status == 429]
    rate = (len(accepted) - 1) / (accepted[-1] - accepted[0])
    print(f"two processes: {rate:.2f} messages/s, {len(refused)} 429s")
    print(f"a reply asked for mid-broadcast waited {reply_waited:.3f} s")
    assert refused == []
    assert len(accepted) == RECIPIENTS
    assert 0.95 * 30 <= rate <= 30
    assert reply_waited < 0.3  # a conversation does not queue behind the broadcast


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_chat_just_answered_by_one_process_waits_its_gap_in_the_other(
    database: Database, database_url: str
) -> None:
    other_process = Database(database_url)
    here = SharedRateLimiter(TELEGRAM_LIMITS, database, "telegram")
    there = SharedRateLimiter(TELEGRAM_LIMITS, other_process, "telegram")
    try:
        here.settle(await here.acquire("4242", urgent=True))  # a reply from this process
        assert await there.claim_chat("4242") > 0.5  # the outbox there defers it
        assert await there.claim_chat("4343") == 0  # any other chat goes at once
        started = time.monotonic()
        there.settle(await there.acquire("4242", urgent=True))  # a reply there waits its turn
        assert time.monotonic() - started > 0.5
    finally:
        await here.close()
        await there.close()
        await other_process.dispose()
