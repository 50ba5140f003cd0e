"""The Zalo OA by signed webhook under load: 200 users file a tip each through the fake OA.

Every message goes the whole way a real one goes: the fake OA signs the event (``mac =
sha256(app_id + body + timestamp + OA secret key)``) and POSTs it to our web app (uvicorn,
Starlette) over loopback HTTP; the channel checks the signature, runs the event through the
processor and the SQLite database, which stores the replies with the new state, answers the
webhook, and its dispatcher sends the replies to the fake's ``/v3.0/oa/message/cs`` with our
httpx client and the stored access token. All users run at once, each waiting for the
answer, reading it to find what it asks (answering.py: numbered lists, answered by number)
and sending its next message at once (a closed loop): messages/s is the throughput.

Figures: messages/s; p50/p99 from the webhook post to the last reply of that message
accepted by the OA API (what the user waits for); p50/p99 of the webhook's own answer (what
Zalo waits for, 2 s at most); requests to the OA API per message. Halfway, every access token
is expired by the fake: the run shows what one refresh under load costs (``refreshes`` must be
1).

Settings (environment): ANTQ_BENCH_USERS (200).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from typing import Any

from bot.channels.zalo_oa.channel import WEBHOOK_PATH, ZaloOaChannel
from bot.channels.zalo_oa.client import ZaloOaClient
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
    numbered_options,
)
from tests.bench.databases import sqlite_database
from tests.bench.driving import Inbox, TipsNotStored, count_tips
from tests.bench.report import Report, percentile
from tests.fakes.asgi_server import LoopbackASGIServer
from tests.fakes.zalo_oa_server import APP_ID, APP_SECRET, OA_ID, OA_SECRET_KEY, FakeZaloOaServer

BENCHMARK = "zalo-oa-webhook-sqlite"
DEFAULT_USERS = 200
WARM_UP_USERS = 10
GREETING = "Xin chào"
WEBHOOK_TIMEOUT = 120.0  # generous: measure slow answers instead of redelivering them
PHOTO = "https://s120-ava-talk.zadn.vn/bench/{user}.jpg"


class OaUser:
    """One resident writing to the OA, reading each answer before going on."""

    def __init__(
        self,
        server: FakeZaloOaServer,
        inbox: Inbox[tuple[str, float]],
        user_id: str,
        filer: TipFiler,
    ):
        self.server = server
        self.inbox = inbox
        self.user_id = user_id
        self.filer = filer
        self._read = 0

    async def file_a_tip(self, latencies: list[float], webhook: list[float]) -> None:
        event = self.server.text_event(self.user_id, GREETING)
        while True:
            posted = time.perf_counter()
            delivery = await self.server.post(event)
            if not delivery.ok:
                raise TipsNotStored(f"the webhook answered {delivery.status}")
            webhook.append(delivery.seconds)
            answered = await self._next_question()
            latencies.append(answered - posted)
            move = self.filer.next_move()
            if move is None:
                return
            event = self._event(move)

    async def _next_question(self) -> float:
        """Read the new texts until one asks something; when that last one was accepted."""
        while True:
            for text, accepted in await self.inbox.texts(self.user_id, self._read):
                self._read += 1
                if self.filer.read(text, numbered_options(text)):
                    return accepted

    def _event(self, move: Move) -> dict[str, Any]:
        match move:
            case Type(text) | Choose(_, text):
                return self.server.text_event(self.user_id, text)
            case SendPhoto():
                return self.server.image_event(self.user_id, PHOTO.format(user=self.user_id))
            case ShareLocation(latitude, longitude):
                # The OA sends coordinates as strings.
                return self.server.location_event(self.user_id, str(latitude), str(longitude))


def oa_inbox(server: FakeZaloOaServer) -> Inbox[tuple[str, float]]:
    """The (text, accepted at) the OA accepted, per user: the fake's log of sent messages."""

    def sort(sent: dict[str, Any]) -> tuple[str, tuple[str, float]]:
        return sent["user_id"], (str(sent["message"].get("text", "")), sent["at"])

    return Inbox(server.wait_for, lambda: server.sent, sort)


async def run_users(
    server: FakeZaloOaServer,
    inbox: Inbox[tuple[str, float]],
    phrasebook: Phrasebook,
    first: int,
    users: int,
) -> tuple[list[float], list[float]]:
    latencies: list[float] = []
    webhook: list[float] = []
    async with asyncio.TaskGroup() as running:
        for index in range(first, first + users):
            filer = TipFiler(phrasebook, index, shares_location=index % 2 == 0)
            user = OaUser(server, inbox, f"{7_000_000_000_000_000_000 + index}", filer)
            running.create_task(user.file_a_tip(latencies, webhook))
    return latencies, webhook


async def expire_tokens_halfway(server: FakeZaloOaServer, messages: int) -> None:
    """Expire every access token once about half the messages of the run were answered."""
    await server.wait_for(lambda: len(server.sent) >= messages, timeout=600)
    server.expire_access_tokens()


async def run(report: Report) -> None:
    users = int(os.environ.get("ANTQ_BENCH_USERS", DEFAULT_USERS))
    catalogues = Catalogues.load()
    async with (
        sqlite_database() as database,
        FakeZaloOaServer(webhook_max_connections=users, webhook_timeout=WEBHOOK_TIMEOUT) as server,
        LoopbackASGIServer() as web,
    ):
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            zalo_oa_app_id=APP_ID,
            zalo_oa_app_secret=APP_SECRET,  # type: ignore[arg-type]
            zalo_oa_secret_key=OA_SECRET_KEY,  # type: ignore[arg-type]
            zalo_oa_id=OA_ID,
        )
        processor = MessageProcessor(
            database, build_engine(catalogues), Sealer(os.urandom(32)), catalogues
        )
        client = ZaloOaClient(
            api_url=server.base_url, oauth_url=server.base_url, max_connections=users
        )
        channel = ZaloOaChannel(processor, catalogues, settings, client=client)
        await channel.tokens.connect(refresh_token=server.issue_refresh_token())
        server.webhook_url = web.url + WEBHOOK_PATH
        await web.start(build_web_app(database, channel.routes()))
        await channel.start()
        phrasebook = Phrasebook.load(catalogues)
        try:
            async with oa_inbox(server).open() as inbox:
                await run_users(server, inbox, phrasebook, 0, WARM_UP_USERS)
                before_requests = len(server.requests)
                before_refreshes = server.refreshes
                halfway = asyncio.create_task(
                    expire_tokens_halfway(server, len(server.sent) + users * 6)
                )
                started = time.perf_counter()
                latencies, webhook = await run_users(
                    server, inbox, phrasebook, WARM_UP_USERS, users
                )
                elapsed = time.perf_counter() - started
                halfway.cancel()
                with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                    await halfway
                await channel.drain(30)
        finally:
            await channel.stop()
        stored = await count_tips(database)
        error_text = catalogues.text(None, "error.internal")
        errors = sum(error_text in text for text in server.texts())
        api_requests = len(server.requests) - before_requests
        refreshes = server.refreshes - before_refreshes
    if stored != WARM_UP_USERS + users or errors:
        raise TipsNotStored(
            f"{BENCHMARK}: {stored} tips for {WARM_UP_USERS + users} users, {errors} error replies"
        )
    latencies.sort()
    webhook.sort()
    milliseconds = [seconds * 1000.0 for seconds in latencies]
    answers = [seconds * 1000.0 for seconds in webhook]
    report.figure(BENCHMARK, "concurrent-users", users, "users")
    report.figure(BENCHMARK, "messages", len(latencies), "msg")
    report.figure(BENCHMARK, "messages/s", len(latencies) / elapsed, "msg/s")
    report.figure(BENCHMARK, "p50 post-to-last-reply", percentile(milliseconds, 0.50), "ms")
    report.figure(BENCHMARK, "p99 post-to-last-reply", percentile(milliseconds, 0.99), "ms")
    report.figure(BENCHMARK, "p50 webhook-answer", percentile(answers, 0.50), "ms")
    report.figure(BENCHMARK, "p99 webhook-answer", percentile(answers, 0.99), "ms")
    report.figure(BENCHMARK, "max webhook-answer", answers[-1], "ms")
    report.figure(BENCHMARK, "api-requests/message", api_requests / len(latencies), "req/msg")
    report.figure(BENCHMARK, "token-refreshes", refreshes, "refreshes")
    report.figure(BENCHMARK, "tips-stored", stored, "tips")
    redelivered = sum(delivery.attempts > 1 for delivery in server.deliveries)
    report.figure(BENCHMARK, "redelivered", redelivered, "msg")
    report.target(BENCHMARK, "every webhook answered within Zalo's 2 s", answers[-1] < 2000.0)
    report.target(BENCHMARK, "one token refresh for the expiry under load", refreshes == 1)


if __name__ == "__main__":
    asyncio.run(run(Report()))
