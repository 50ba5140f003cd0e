"""The outbox sender against the fake Telegram Bot API through python-telegram-bot's Bot."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from sqlalchemy import select
from telegram import Bot

from bot.channels.telegram.transport import TelegramTransport
from bot.delivery.limits import TELEGRAM_LIMITS
from bot.delivery.queueing import MemberMessage, queue_for_member
from storage._sql import identities, outbox
from storage.database import Database
from storage.delivery.outbox import REMINDER, count_by_status
from tests.bot.delivery.harness import FakeClock, add_member, local, sender
from tests.fakes.telegram_server import FakeTelegramServer

MORNING = local(2026, 11, 24, 9, 0)


async def _queue_reminders(database: Database, clock: FakeClock, user_ids: list[int]) -> None:
    members = [await add_member(database, user_id) for user_id in user_ids]
    async with database.transaction() as session:
        for member in members:
            await queue_for_member(
                session,
                MemberMessage(member.id, REMINDER, f"r:{member.id}", text="Nhắc nộp báo cáo"),
                now=clock.now(),
            )


async def test_reminders_reach_telegram_and_are_marked_sent(
    database: Database, server: FakeTelegramServer, bot: Bot
) -> None:
    clock = FakeClock(MORNING)
    await _queue_reminders(database, clock, [1001, 1002])
    outbox_sender = sender(database, TelegramTransport(bot), clock, limits=TELEGRAM_LIMITS)
    assert await outbox_sender.deliver_due() == 2
    assert [m["text"] for m in server.sent_messages(1001)] == ["Nhắc nộp báo cáo"]
    assert len(server.sent_messages(1002)) == 1
    assert server.rejected == []
    async with database.session() as session:
        assert await count_by_status(session) == {"sent": 2}


async def test_a_user_who_blocked_the_bot_is_marked_and_not_retried(
    database: Database, server: FakeTelegramServer, bot: Bot
) -> None:
    clock = FakeClock(MORNING)
    await _queue_reminders(database, clock, [1001])
    server.user_blocks_bot(1001, send_update=False)
    outbox_sender = sender(database, TelegramTransport(bot), clock)
    await outbox_sender.deliver_due()
    clock.advance(3600)
    assert await outbox_sender.deliver_due() == 0
    assert len(server.calls("sendMessage")) == 1
    async with database.session() as session:
        row = (await session.execute(select(outbox))).one()
        active = (await session.execute(select(identities.c.active))).scalar_one()
    assert (row.status, row.last_error) == ("blocked", "Forbidden")
    assert active is False


async def test_a_429_is_waited_out_then_the_message_goes(
    database: Database, server: FakeTelegramServer, bot: Bot
) -> None:
    clock = FakeClock(MORNING)
    await _queue_reminders(database, clock, [1001])
    server.fail_next("sendMessage", status=429, retry_after=3)
    outbox_sender = sender(database, TelegramTransport(bot), clock, limits=TELEGRAM_LIMITS)
    await outbox_sender.deliver_due()
    assert server.sent_messages(1001) == []
    clock.advance(2)
    assert await outbox_sender.deliver_due() == 0
    clock.advance(1)
    assert await outbox_sender.deliver_due() == 1
    assert len(server.sent_messages(1001)) == 1
    async with database.session() as session:
        row = (await session.execute(select(outbox))).one()
    assert (row.status, row.attempts) == ("sent", 1)


async def test_the_limiter_keeps_to_telegrams_rates(
    database: Database, server: FakeTelegramServer, bot: Bot
) -> None:
    # Real time here: 45 messages at 30/s take about 1.5 s, and the fake counts sliding windows.
    clock = FakeClock(MORNING)
    await _queue_reminders(database, clock, list(range(3000, 3045)))
    server.enforce_rate_limits(total_per_second=30, per_chat_per_second=1)
    outbox_sender = sender(database, TelegramTransport(bot), clock, limits=TELEGRAM_LIMITS)
    outbox_sender.limiter = type(outbox_sender.limiter)(TELEGRAM_LIMITS)  # real clock and sleep
    while await outbox_sender.deliver_due():
        pass
    assert len(server.sent_messages()) == 45
    assert server.throttled == 0


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_two_processes_on_one_postgresql_database_send_no_duplicate(
    database: Database, database_url: str, server: FakeTelegramServer, bot: Bot
) -> None:
    clock = FakeClock(MORNING)
    user_ids = list(range(5000, 5150))
    await _queue_reminders(database, clock, user_ids)
    other_process = Database(database_url)
    try:
        senders = [
            sender(database, TelegramTransport(bot), clock, batch_size=10),
            sender(other_process, TelegramTransport(bot), clock, batch_size=10),
        ]

        async def drain(index: int) -> int:
            claimed = 0
            while count := await senders[index].deliver_due():
                claimed += count
            return claimed

        claimed = await asyncio.gather(drain(0), drain(1))
    finally:
        await other_process.dispose()
    per_chat = Counter(m["chat_id"] for m in server.sent_messages())
    assert sorted(per_chat) == user_ids
    assert set(per_chat.values()) == {1}
    assert sum(claimed) == len(user_ids)
    async with database.session() as session:
        assert await count_by_status(session) == {"sent": len(user_ids)}
