"""``telegram-webhook-sqlite``: our Telegram bot by webhook, 200 users filing tips at once.

The same users as ``telegram-polling-sqlite`` (each reading every answer before the next
message), but the fake Bot API pushes each update to our web app (uvicorn, Starlette) as
Telegram does, one chat's updates one at a time. Printed beside the throughput: the webhook's
own answer time (what Telegram waits for before it sends that chat's next update), p50/p99.
Target (issue 28): p99 webhook-answer <= 2 s, goal 0.5 s.
"""

from __future__ import annotations

import os
import time
from typing import Any

from bot.channels.telegram import TelegramChannel
from bot.processor import MessageProcessor
from bot.sealing import Sealer
from bot.settings import Settings
from bot.web.app import build_web_app
from conversations.i18n import Catalogues
from conversations.menu import build_engine
from tests.bench.answering import Phrasebook
from tests.bench.databases import sqlite_database
from tests.bench.driving import count_tips
from tests.bench.reference_bot import ANSWER_NOTED
from tests.bench.report import Report, percentile
from tests.bench.telegram_polling import (
    POLL_TIMEOUT,
    BenchSettings,
    check_tips,
    lift_overall_rate_limit,
    measure,
)
from tests.fakes.asgi_server import LoopbackASGIServer
from tests.fakes.telegram_server import FakeTelegramServer

BENCHMARK = "telegram-webhook-sqlite"
SECRET = "bench_telegram_webhook"
TARGET_P99 = 2.0


class WebhookBot:
    """Our channel behind the web app, registered as the fake's webhook."""

    def __init__(self, channel: TelegramChannel, web: LoopbackASGIServer, database: Any) -> None:
        self.channel = channel
        self.web = web
        self.database = database

    async def start(self) -> None:
        await self.channel.start()
        await self.web.start(build_web_app(self.database, self.channel.routes()))

    async def stop(self) -> None:
        await self.web.stop()
        await self.channel.stop()


def time_deliveries(server: FakeTelegramServer, answers: list[float]) -> None:
    """Record how long each webhook POST took to be answered. Wraps a private method of the
    fake: this measures, it changes nothing."""
    queues = server._webhook_queues
    deliver = queues._deliver

    async def timed(update: dict[str, Any]) -> None:
        started = time.perf_counter()
        try:
            await deliver(update)
        finally:
            answers.append(time.perf_counter() - started)

    queues._deliver = timed


async def run(report: Report) -> None:
    settings = BenchSettings.from_env()
    catalogues = Catalogues.load()
    phrasebook = Phrasebook.load(catalogues, notices=(ANSWER_NOTED,))
    answers: list[float] = []
    async with (
        sqlite_database() as database,
        FakeTelegramServer() as server,
        LoopbackASGIServer() as web,
    ):
        server.webhook_timeout = 120.0  # measure slow answers instead of redelivering them
        channel = TelegramChannel(
            MessageProcessor(
                database, build_engine(catalogues), Sealer(os.urandom(32)), catalogues
            ),
            catalogues,
            Settings(
                _env_file=None,  # type: ignore[call-arg]
                telegram_token=server.token,  # type: ignore[arg-type]
                telegram_base_url=server.base_url,
                webhook_base_url=web.url,
                webhook_secret=SECRET,
            ),
            publish_commands=False,
            poll_timeout=POLL_TIMEOUT,
        )
        lift_overall_rate_limit(channel)
        time_deliveries(server, answers)
        result = await measure(server, WebhookBot(channel, web, database), phrasebook, settings)
        stored = await count_tips(database)
    check_tips(BENCHMARK, stored, result, settings)
    result.report(report, BENCHMARK, settings.users)
    milliseconds = sorted(seconds * 1000.0 for seconds in answers)
    report.figure(BENCHMARK, "p50 webhook-answer", percentile(milliseconds, 0.50), "ms")
    report.figure(BENCHMARK, "p99 webhook-answer", percentile(milliseconds, 0.99), "ms")
    report.target(
        BENCHMARK,
        "p99 webhook-answer <= 2 s (issue 28)",
        percentile(milliseconds, 0.99) <= TARGET_P99 * 1000.0,
    )
