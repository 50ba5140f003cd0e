"""Zalo by webhook under load: 200 simulated users file a tip each, through the fake Zalo API.

Every message goes the whole way a real one goes: the fake Zalo server POSTs the event to our
web app (uvicorn, Starlette) over loopback HTTP with the secret header; the channel runs it
through the processor and the SQLite database, which stores the replies with the new state,
and its dispatcher sends them back to the fake with our httpx client. The latency of a message
is the webhook round trip, as Zalo would see it; the replies may still be on their way when it
ends. All users run at once, each waiting for the answer, reading it to find what it asks
(answering.py: choices are numbered lists on Zalo, answered by number) and sending its next
message at once (a closed loop): messages/s is the throughput.

Settings (environment): ANTQ_BENCH_USERS (200).
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

from bot.channels.zalo_bot.channel import ZaloChannel
from bot.channels.zalo_bot.client import ZaloClient
from bot.processor import MessageProcessor
from bot.sealing import Sealer
from bot.settings import Settings
from bot.web.app import build_web_app
from conversations.i18n import Catalogues
from conversations.menu import build_engine
from tests.bench.answering import (
    Choose,
    Move,
    Phrasebook,
    SendPhoto,
    ShareLocation,
    TipFiler,
    Type,
    UserStuck,
    numbered_options,
)
from tests.bench.databases import sqlite_database
from tests.bench.driving import Inbox, TipsNotStored, count_tips
from tests.bench.report import Report, percentile
from tests.fakes.asgi_server import LoopbackASGIServer
from tests.fakes.zalo_server import FakeZaloServer

BENCHMARK = "zalo-webhook-sqlite"
DEFAULT_USERS = 200
WARM_UP_USERS = 10
SECRET = "bench-zalo-webhook-secret"
WEBHOOK_TIMEOUT = 120.0
# How a new user opens the chat: Zalo has no /start.
GREETING = "Xin chào"


class ZaloUser:
    """One person writing to the Official Account, reading each answer before going on."""

    def __init__(
        self, server: FakeZaloServer, inbox: Inbox[str], user_id: str, filer: TipFiler
    ) -> None:
        self.server = server
        self.inbox = inbox
        self.user_id = user_id
        self.filer = filer
        self.profile = {"display_name": f"Bench {filer.variant}"}
        self._read = 0  # texts of the chat already read

    async def file_a_tip(self, latencies: list[float]) -> None:
        """Greet the bot and answer until the tip is filed; the latency (s) of every message."""
        event = self.server.text_event(self.user_id, GREETING, **self.profile)
        while True:
            delivery = await self.server.post_to_webhook(event)
            if not delivery.ok:
                raise TipsNotStored(f"webhook answered {delivery.status} ({delivery.error})")
            latencies.append(delivery.seconds)
            await self._next_question()
            move = self.filer.next_move()
            if move is None:
                return
            event = self._event(move)

    async def _next_question(self) -> None:
        """Read the new texts until one asks something (normally the one the webhook's
        answer sent: Zalo gets each answer as one text)."""
        while True:
            for text in await self.inbox.texts(self.user_id, self._read):
                self._read += 1
                if self.filer.read(text, numbered_options(text)):
                    return

    def _event(self, move: Move) -> dict[str, Any]:
        match move:
            case Type(text) | Choose(_, text):
                return self.server.text_event(self.user_id, text, **self.profile)
            case SendPhoto():
                return self.server.image_event(self.user_id, **self.profile)
            case ShareLocation():
                raise UserStuck("a Zalo user types the place: Zalo sends no locations")


def zalo_inbox(server: FakeZaloServer) -> Inbox[str]:
    """The texts the bot sent, per chat: the fake's log of accepted ``sendMessage`` calls."""

    def sort(call: Any) -> tuple[str, str] | None:
        if call.method != "sendMessage" or not call.ok:
            return None
        return str(call.params["chat_id"]), str(call.params["text"])

    return Inbox(server.wait_for, lambda: server.requests, sort)


async def run_users(
    server: FakeZaloServer, inbox: Inbox[str], phrasebook: Phrasebook, first: int, users: int
) -> list[float]:
    """Run ``users`` users at once; the latency (s) of every message, in completion order."""
    latencies: list[float] = []
    # A user who is stuck ends the run at once: the others are cancelled.
    async with asyncio.TaskGroup() as users_running:
        for index in range(first, first + users):
            filer = TipFiler(phrasebook, index, shares_location=False)
            user = ZaloUser(server, inbox, f"zalo-bench-{index:05d}", filer)
            users_running.create_task(user.file_a_tip(latencies))
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
        phrasebook = Phrasebook.load(catalogues)
        try:
            async with zalo_inbox(server).open() as inbox:
                await run_users(server, inbox, phrasebook, 0, WARM_UP_USERS)
                started = time.perf_counter()
                latencies = sorted(await run_users(server, inbox, phrasebook, WARM_UP_USERS, users))
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
