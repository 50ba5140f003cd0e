"""Zalo by webhook under load: 200 simulated users file a tip each, through the fake Zalo API.

Every message goes the whole way a real one goes: the fake Zalo server POSTs the event to our
web app (uvicorn, Starlette) over loopback HTTP with the secret header; the channel runs it
through the processor and the SQLite database and sends the replies back to the fake with our
httpx client; the webhook request returns when the replies are sent. The latency of a message
is that round trip, as Zalo would see it. All users run at once, each sending its next message
as soon as the previous one was answered (a closed loop): messages/s is the throughput.

Settings (environment): ANTQ_BENCH_USERS (200).
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

from sqlalchemy import text as sql

from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.client import ZaloClient
from bot.processor import MessageProcessor
from bot.sealing import Sealer
from bot.settings import Settings
from bot.web.app import build_web_app
from conversations.i18n import Catalogues
from conversations.menu import build_engine
from storage.database import Database
from tests.bench.databases import sqlite_database
from tests.bench.report import Report, percentile
from tests.fakes.asgi_server import LoopbackASGIServer
from tests.fakes.zalo_server import FakeZaloServer

BENCHMARK = "zalo-webhook-sqlite"
DEFAULT_USERS = 200
WARM_UP_USERS = 10
SECRET = "bench-zalo-webhook-secret"
WEBHOOK_TIMEOUT = 120.0

DESCRIPTIONS = (
    "Có người lạ mặt hay đứng trước cổng trường",
    "Nhóm thanh niên tụ tập đánh bạc ở bãi đất trống cuối ngõ 42 vào buổi tối",
    "Nghi có người buôn bán ma tuý tại quán nước đầu hẻm, thường có xe máy lạ ra vào",
)
PLACES = ("Cổng trường Kim Liên", "Chợ Hôm, phố Huế", "Ngõ 42 Trần Duy Hưng")
TIMES = ("hom nay 16h", "hom qua 21h", "20/11 21:00")


class TipsNotStored(AssertionError):
    """The run did not end with one stored tip per user: the figures would be meaningless."""


def tip_events(server: FakeZaloServer, user_id: str, variant: int) -> list[dict[str, Any]]:
    """The Zalo events one new user sends to file one tip with a photo."""
    name = {"display_name": f"Bench {variant}"}

    def say(text: str) -> dict[str, Any]:
        return server.text_event(user_id, text, **name)

    events = [
        say("Xin chào"),  # a new member: the language question
        say("1"),  # Tiếng Việt; the main menu
        say("1"),  # Gửi tin báo
        say(str(variant % 14 + 1)),  # category
        say(DESCRIPTIONS[variant % len(DESCRIPTIONS)]),
        say(PLACES[variant % len(PLACES)]),
        say("khong ro"),  # the commune: skipped
        say(TIMES[variant % len(TIMES)]),
        server.image_event(user_id, **name),
        say("xong"),
    ]
    if variant % 3 == 0:
        events += [say("2"), say("0912345678")]  # leave a phone number
    else:
        events.append(say("1"))  # anonymous
    events.append(say("1"))  # confirm the summary: the tip is stored
    return events


async def count_tips(database: Database) -> int:
    async with database.transaction() as session:
        return int((await session.execute(sql("SELECT count(*) FROM tips"))).scalar_one())


async def run_users(server: FakeZaloServer, first: int, users: int) -> list[float]:
    """Run ``users`` users at once; the latency (s) of every message, in completion order."""
    latencies: list[float] = []

    async def user(index: int) -> None:
        for event in tip_events(server, f"zalo-bench-{index:05d}", index):
            delivery = await server.post_to_webhook(event)
            if not delivery.ok:
                raise TipsNotStored(f"webhook answered {delivery.status} ({delivery.error})")
            latencies.append(delivery.seconds)

    await asyncio.gather(*(user(index) for index in range(first, first + users)))
    return latencies


async def run(report: Report) -> None:
    """The benchmark; figures go to ``report``."""
    users = int(os.environ.get("ANTQ_BENCH_USERS", DEFAULT_USERS))
    catalogues = Catalogues.load()
    async with (
        sqlite_database() as database,
        # Zalo's webhook timeout is not published; a generous one measures the slow answers
        # instead of redelivering them.
        FakeZaloServer(webhook_max_connections=users, webhook_timeout=WEBHOOK_TIMEOUT) as server,
        LoopbackASGIServer() as web,
    ):
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            zalo_token=server.token,  # type: ignore[arg-type]
            zalo_base_url=server.base_url,
            webhook_base_url=web.url,
            webhook_secret=SECRET,  # type: ignore[arg-type]
        )
        processor = MessageProcessor(
            database, build_engine(catalogues), Sealer(os.urandom(32)), catalogues
        )
        client = ZaloClient(server.token, base_url=server.base_url, max_connections=users)
        channel = ZaloChannel(processor, catalogues, settings, client=client)
        await web.start(build_web_app(database, channel.routes()))
        await channel.start()
        try:
            await run_users(server, 0, WARM_UP_USERS)
            started = time.perf_counter()
            latencies = sorted(await run_users(server, WARM_UP_USERS, users))
            elapsed = time.perf_counter() - started
        finally:
            await channel.stop()
        stored = await count_tips(database)
        error_text = catalogues.text(None, "error.internal")
        errors = sum(error_text in text for text in server.sent_texts())
    if stored != WARM_UP_USERS + users or errors or server.rejected:
        raise TipsNotStored(
            f"{BENCHMARK}: {stored} tips for {WARM_UP_USERS + users} users, {errors} error "
            f"replies, {len(server.rejected)} refused requests"
        )
    milliseconds = [seconds * 1000.0 for seconds in latencies]
    report.figure(BENCHMARK, "concurrent-users", users, "users")
    report.figure(BENCHMARK, "messages", len(latencies), "msg")
    report.figure(BENCHMARK, "messages/s", len(latencies) / elapsed, "msg/s")
    report.figure(BENCHMARK, "p50", percentile(milliseconds, 0.50), "ms")
    report.figure(BENCHMARK, "p99", percentile(milliseconds, 0.99), "ms")
    report.figure(BENCHMARK, "max", milliseconds[-1], "ms")
    report.figure(BENCHMARK, "tips-stored", stored, "tips")
    redelivered = sum(delivery.attempts > 1 for delivery in server.webhook_deliveries)
    report.figure(BENCHMARK, "redelivered", redelivered, "msg")


if __name__ == "__main__":
    asyncio.run(run(Report()))
