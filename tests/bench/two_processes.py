"""``broadcast-two-processes-postgresql``: two ``antq run`` processes, one bot, one budget.

Two real ``antq run`` processes (webhook mode, each on its own port, ANTQ_WORKER_ID bench-1 and
bench-2) share one PostgreSQL database and one token against ``FakeTelegramServer`` enforcing
Telegram's 30 messages/s in total and 1/s per chat. ANTQ_BENCH_TWO_RECIPIENTS (600) copies
are due at once (urgent, so that the run does not depend on the hour: the quiet hours hold
a broadcast at night). Printed: the rate the server accepted from both together, the 429s and
each process's share. Also, in this process, the cost of the shared budget per send: the time
and CPU of one acquire + settle of ``SharedRateLimiter`` against the database, beside the
in-process ``RateLimiter``'s (three statements: the chat's slot, the budget's, the answer).
Targets (issue 20): no 429; 95-100 % of 30/s.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from bot.delivery.limits import ChannelLimits, RateLimiter
from bot.delivery.shared_limits import SharedRateLimiter
from storage._sql import outbox
from storage.database import Database
from storage.delivery.outbox import URGENT
from storage.tables import utcnow
from tests.bench.databases import DatabaseUnavailable, postgresql_database
from tests.bench.processes import two_webhook_bots
from tests.bench.report import Report
from tests.bot.delivery.harness import residents_with_a_copy
from tests.fakes.telegram_server import FakeTelegramServer

BENCHMARK = "broadcast-two-processes-postgresql"
SECRET = "bench_two_processes"
COST_SENDS = 2_000


async def _sent(database: Database) -> int:
    async with database.session() as session:
        statement = select(func.count()).select_from(outbox).where(outbox.c.status == "sent")
        return int(await session.scalar(statement) or 0)


async def _broadcast(report: Report, database: Database, recipients: int) -> None:
    await residents_with_a_copy(
        database, recipients, now=utcnow(), kind=URGENT, chat_ids_from=810_000_000, tag="two"
    )
    url = database.url
    async with FakeTelegramServer() as telegram:
        telegram.enforce_rate_limits(total_per_second=30, per_chat_per_second=1)
        with tempfile.TemporaryDirectory(prefix="antq-bench-two-") as directory:
            async with two_webhook_bots(
                telegram, url, Path(directory), worker="bench", secret=SECRET
            ):
                both_from = telegram.calls("setWebhook")[1].time
                deadline = time.monotonic() + recipients / 20 + 120
                while await _sent(database) < recipients:
                    if time.monotonic() > deadline:
                        raise TimeoutError("the broadcast did not finish in time")
                    await asyncio.sleep(0.2)
        calls = telegram.calls("sendMessage")
    accepted = sorted(call.time for call in calls if call.ok)
    refused = sum(1 for call in calls if call.status == 429)
    together = [at for at in accepted if at >= both_from + 1.0]
    rate = (len(together) - 1) / (together[-1] - together[0])
    async with database.session() as session:
        # Which process sent each copy is not stored; the worker that last leased it is.
        shares = dict(
            (
                await session.execute(
                    select(outbox.c.lease_worker, func.count()).group_by(outbox.c.lease_worker)
                )
            ).all()
        )
    report.figure(BENCHMARK, f"copies accepted of {recipients}", len(accepted), "messages")
    report.figure(BENCHMARK, "copies sent while both processes ran", len(together), "messages")
    report.figure(BENCHMARK, "rate of both processes together", rate, "messages/s")
    report.figure(BENCHMARK, "429 answers", refused, "responses")
    for worker, count in sorted(shares.items(), key=lambda item: str(item[0])):
        report.figure(BENCHMARK, f"copies claimed by {worker}", count, "messages")
    report.target(BENCHMARK, "no 429 from the fake server (issue 20)", refused == 0)
    report.target(BENCHMARK, "rate 95-100 % of 30/s (issue 20)", 28.5 <= rate <= 30.0)


async def _cost(report: Report, database: Database) -> None:
    """Wall and CPU time per outbox send's claims (the chat's slot, a slot of the budget, the
    answer recorded), each to another chat and the limit far away: the budget's own cost."""
    fast = ChannelLimits(per_second=1_000_000.0, chat_gap=1.0)
    results: dict[str, tuple[float, float]] = {}
    for name, limiter in (
        ("in-process limiter", RateLimiter(fast)),
        ("shared budget (PostgreSQL)", SharedRateLimiter(fast, database, "bench")),
    ):
        for number in range(50):  # warm-up: the connection, the budget row
            await limiter.claim_chat(f"warm-{number}")
            limiter.settle(await limiter.acquire(f"warm-{number}"))
        wall, cpu = time.perf_counter(), time.process_time()
        for number in range(COST_SENDS):
            assert await limiter.claim_chat(str(number)) == 0
            limiter.settle(await limiter.acquire(str(number)))
        results[name] = (
            (time.perf_counter() - wall) * 1000 / COST_SENDS,
            (time.process_time() - cpu) * 1000 / COST_SENDS,
        )
        await asyncio.sleep(0.5)  # the settles in the background
        await limiter.close()
    for name, (wall_ms, cpu_ms) in results.items():
        report.figure(BENCHMARK, f"{name}: time per send", wall_ms, "ms")
        report.figure(BENCHMARK, f"{name}: CPU per send", cpu_ms, "ms")


async def run(report: Report) -> None:
    recipients = int(os.environ.get("ANTQ_BENCH_TWO_RECIPIENTS", 600))
    try:
        async with postgresql_database() as database:
            await _broadcast(report, database, recipients)
        async with postgresql_database() as database:
            await _cost(report, database)
    except DatabaseUnavailable as error:
        report.skipped(BENCHMARK, str(error))
