"""``flood-fairness``: other users' reply latency while one user floods the bot, and without.

Our ``TelegramChannel`` (long polling, the real python-telegram-bot, one process, SQLite) talks
to ``FakeTelegramServer`` enforcing Telegram's 30 messages/s in total and 1/s per chat, with the
limiter ``antq run`` shares between replies and the outbox. ``OTHERS`` (10) users each write
every 1.2 s and time each answer (message posted → reply accepted by the server); in the flood
run one more user sends ANTQ_BENCH_FLOOD_MESSAGES (400) messages in ANTQ_BENCH_FLOOD_SECONDS
(10). Printed: the others' p50/p99 with and without the flooder, the flooder's messages
dropped, 429s. Target (issue 20): the others' p50 and p99 within 2x of the run without a flood.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.channels.telegram import TelegramChannel
from bot.delivery.limits import TELEGRAM_LIMITS, RateLimiter
from bot.inbound_limits import InboundLimit, InboundLimiter
from storage.database import Database
from tests.bench.databases import sqlite_database
from tests.bench.report import Report, percentile
from tests.bot.channels.harness import polling_bot
from tests.fakes.telegram_server import FakeTelegramServer

BENCHMARK = "flood-fairness"
OTHERS = 10
# Each of the others writes this often: slower than the platform's 1 a second to one chat.
EVERY = 1.2
FLOODER = 600_000_001
# Latencies of a small sample are noisy in milliseconds: "within 2x" allows this much too.
NOISE = 0.25


@dataclass
class FloodRun:
    latencies: list[float]  # the others', in seconds, sorted
    dropped: int  # the flooder's messages not read
    refused: int  # 429 answers from the server

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 0.5)

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 0.99)


@asynccontextmanager
async def flood_bot(
    database: Database, *, clock: Callable[[], float] = time.monotonic
) -> AsyncIterator[tuple[FakeTelegramServer, TelegramChannel]]:
    """Our bot polling a fake Bot API that enforces Telegram's limits, with the default
    inbound limit counting time by ``clock``."""
    async with FakeTelegramServer() as telegram:
        telegram.enforce_rate_limits(total_per_second=30, per_chat_per_second=1)
        limiter = RateLimiter(TELEGRAM_LIMITS)
        async with polling_bot(database, telegram, limiter=limiter) as channel:
            # As ``antq run`` sets it up (Application.build): the default inbound limit.
            channel.processor.inbound = InboundLimiter(InboundLimit(), clock=clock)
            yield telegram, channel


async def _other(telegram: FakeTelegramServer, user_id: int, until: float) -> list[float]:
    latencies: list[float] = []
    turn = 0
    while time.monotonic() < until:
        seen = len(telegram.sent_messages(user_id))
        started = time.monotonic()
        telegram.user_sends_text(user_id, "/help" if turn else "/start")
        await telegram.wait_for(seen + 1, chat_id=user_id, timeout=120)
        latencies.append(time.monotonic() - started)
        turn += 1
        await asyncio.sleep(max(0.0, started + EVERY - time.monotonic()))
    return latencies[1:]  # the first answer creates the member


async def _flood(telegram: FakeTelegramServer, messages: int, seconds: float) -> None:
    started = time.monotonic()
    for number in range(messages):
        telegram.user_sends_text(FLOODER, f"tin nhắn {number}")
        await asyncio.sleep(
            max(0.0, started + (number + 1) * seconds / messages - time.monotonic())
        )


async def flood_run(
    database: Database, *, messages: int, seconds: float, first_user: int
) -> FloodRun:
    """The others' latencies over ``seconds`` while the flooder sends ``messages`` (0: none)."""
    async with flood_bot(database) as (telegram, channel):
        until = time.monotonic() + seconds
        others = [_other(telegram, first_user + n, until) for n in range(OTHERS)]
        flooding = [_flood(telegram, messages, seconds)] if messages else []
        results = await asyncio.gather(*others, *flooding)
        latencies = sorted(value for result in results[:OTHERS] for value in result or [])
        refused = sum(1 for call in telegram.calls("sendMessage") if call.status == 429)
        dropped = channel.processor.inbound.dropped  # type: ignore[union-attr]
    return FloodRun(latencies, dropped, refused)


def fair(calm: FloodRun, flooded: FloodRun) -> bool:
    """The others' p50 and p99 within 2x of the calm run's (or of it plus the noise of a
    loaded machine: a p99 of some 80 answers is nearly their slowest)."""
    return flooded.p50 <= max(2 * calm.p50, calm.p50 + NOISE) and flooded.p99 <= max(
        2 * calm.p99, calm.p99 + 2 * NOISE
    )


async def run(report: Report) -> None:
    messages = int(os.environ.get("ANTQ_BENCH_FLOOD_MESSAGES", 400))
    seconds = float(os.environ.get("ANTQ_BENCH_FLOOD_SECONDS", 10))
    # A database each: every fake server numbers its updates from 1.
    async with sqlite_database() as database:
        calm = await flood_run(database, messages=0, seconds=seconds, first_user=700_000_000)
    async with sqlite_database() as database:
        flooded = await flood_run(
            database, messages=messages, seconds=seconds, first_user=700_000_000
        )
    report.figure(BENCHMARK, "others' reply p50 without a flood", calm.p50 * 1000, "ms")
    report.figure(BENCHMARK, "others' reply p99 without a flood", calm.p99 * 1000, "ms")
    report.figure(
        BENCHMARK,
        f"others' reply p50, {messages} in {seconds:.0f} s from one",
        flooded.p50 * 1000,
        "ms",
    )
    report.figure(
        BENCHMARK,
        f"others' reply p99, {messages} in {seconds:.0f} s from one",
        flooded.p99 * 1000,
        "ms",
    )
    report.figure(BENCHMARK, "others' answers timed", len(flooded.latencies), "replies")
    report.figure(BENCHMARK, "flooder's messages dropped", flooded.dropped, "messages")
    report.figure(BENCHMARK, "429 answers", calm.refused + flooded.refused, "responses")
    report.target(
        BENCHMARK, "others' p50/p99 within 2x of no flood (issue 20)", fair(calm, flooded)
    )
    report.target(BENCHMARK, "no 429 from the fake server", calm.refused + flooded.refused == 0)
