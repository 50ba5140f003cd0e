"""The reply path's own figures (DESIGN.md, "The reply path").

- ``reply-path-sqlite`` / ``reply-path-postgresql``: messages processed and their replies sent
  per second through ``MessageProcessor`` and a ``ReplyDispatcher`` whose platform answers at
  once, with the replies stored (as in production) and, for comparison, with the store left
  out; the difference is the extra cost per message of storing replies. On PostgreSQL also
  without the per-user advisory lock (issue 20), for its cost per message.
- ``reply-path-kill-restart``: the real ``antq run`` against the loopback Telegram API, with
  ANTQ_BENCH_KILL_USERS (200) users each answering the bot's last message as soon as it
  arrives; after ANTQ_BENCH_KILL_SECONDS (4) of load the process is SIGKILLed, then started
  again. Printed: replies left stored at the kill, the time from the restart to the last of
  them delivered, and per update that was committed whether its reply arrived once, twice
  (a duplicate) or never (lost). Target: none lost, none twice.
"""

from __future__ import annotations

import asyncio
import os
import signal
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

from sqlalchemy import text

import bot.processor
from bot.processor import MessageProcessor
from bot.reply_path import Batch
from bot.reply_path.dispatcher import Progress, ReplyDispatcher, SendResult, Sent
from bot.sealing import Sealer
from conversations.i18n import Catalogues
from conversations.menu import build_engine
from conversations.replies import Inbound
from storage._sql import run_together
from storage.database import Database
from tests.bench.databases import DatabaseUnavailable, postgresql_database, sqlite_database
from tests.bench.processes import start_bot, stop_bots
from tests.bench.report import Report
from tests.fakes.telegram_server import FakeTelegramServer
from tests.harness import PATIENCE

# What a user says, in turn: each is answered with one message (the menu under it).
SAYINGS = ("/start", "/help", "/menu", "/help", "xin chao", "/menu")


class InstantPlatform:
    """Takes every batch at once (the reply path's own cost, no network)."""

    def __init__(self) -> None:
        self.batches = 0

    async def send_batch(self, batch: Batch, progress: Progress) -> SendResult:
        self.batches += 1
        return SendResult(Sent.DONE, len(batch.replies))


async def _not_stored(*args: Any, **kwargs: Any) -> None:
    return None


async def _state_only(session: Any, *, saving: Any = None, **kwargs: Any) -> None:
    """``store_replies`` without the replies: the conversation's save it carries still runs."""
    if saving is not None:
        await run_together(session, [saving])


async def _throughput(
    database: Database, *, users: int, store: bool, lock: bool = True
) -> tuple[float, float]:
    """(messages/s, CPU ms per message) for ``users`` concurrent users of the menu; without
    ``store`` the replies are not stored, without ``lock`` no per-user lock is taken in the
    database (PostgreSQL's advisory lock, ``storage.reply_path.updates.lock_user``)."""
    catalogues = Catalogues.load()
    processor = MessageProcessor(
        database, build_engine(catalogues), Sealer(bytes(range(32))), catalogues
    )
    platform = InstantPlatform()
    dispatcher = ReplyDispatcher(database, "console", platform)
    original, original_lock = bot.processor.store_replies, bot.processor.lock_user
    if not store:
        bot.processor.store_replies = _state_only  # type: ignore[assignment]
    if not lock:
        bot.processor.lock_user = _not_stored  # type: ignore[assignment]
    tag = ("stored" if store else "unstored") + ("" if lock else "-unlocked")

    async def user(index: int) -> None:
        for saying in SAYINGS * 3:
            who = f"{tag}-{index}"
            batch = await processor.process(Inbound("console", who, who, text=saying))
            dispatcher.submit(batch)

    try:
        await asyncio.gather(*(user(index) for index in range(10)))  # warm-up
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.gather(*(user(10 + index) for index in range(users)))
        await dispatcher.drain()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        bot.processor.store_replies = original  # type: ignore[assignment]
        bot.processor.lock_user = original_lock  # type: ignore[assignment]
    messages = users * len(SAYINGS) * 3
    return messages / wall, cpu * 1000 / messages


async def _throughput_on(
    report: Report, name: str, factory: Callable[[], AbstractAsyncContextManager[Database]]
) -> None:
    users = int(os.environ.get("ANTQ_BENCH_USERS", 200))
    try:
        async with factory() as database:
            stored_rate, stored_cpu = await _throughput(database, users=users, store=True)
        async with factory() as database:
            plain_rate, plain_cpu = await _throughput(database, users=users, store=False)
        async with factory() as database:
            unlocked_rate, unlocked_cpu = await _throughput(
                database, users=users, store=True, lock=False
            )
    except DatabaseUnavailable as error:
        report.skipped(name, str(error))
        return
    report.figure(name, "messages processed, replies stored and sent", stored_rate, "msg/s")
    report.figure(name, "the same without storing replies", plain_rate, "msg/s")
    report.figure(name, "CPU per message, replies stored", stored_cpu, "ms")
    report.figure(name, "CPU per message, not stored", plain_cpu, "ms")
    report.figure(name, "extra CPU per message for storing", stored_cpu - plain_cpu, "ms")
    if name.endswith("postgresql"):
        # SQLite takes no lock of its own (one writer at a time already).
        report.figure(name, "the same stored, without the per-user lock", unlocked_rate, "msg/s")
        report.figure(
            name, "extra CPU per message for the per-user lock", stored_cpu - unlocked_cpu, "ms"
        )


async def sqlite(report: Report) -> None:
    await _throughput_on(report, "reply-path-sqlite", sqlite_database)


async def postgresql(report: Report) -> None:
    await _throughput_on(report, "reply-path-postgresql", postgresql_database)


# -- kill -9 under load, then restart -------------------------------------------------------


async def _scalar(url: str, statement: str) -> Any:
    database = Database(url)
    try:
        async with database.transaction() as session:
            return (await session.execute(text(statement))).scalar_one()
    finally:
        await database.dispose()


async def _committed_updates(url: str) -> set[int]:
    database = Database(url)
    try:
        async with database.transaction() as session:
            rows = await session.execute(
                text("SELECT update_key FROM processed_updates WHERE channel = 'telegram'")
            )
            return {int(key) for key in rows.scalars()}
    finally:
        await database.dispose()


async def _users_talking(telegram: FakeTelegramServer, users: int, until: float) -> dict[int, int]:
    """Each user answers the bot's last message as soon as it arrives, until ``until``; the
    user who sent each update (update id -> user id)."""
    owner_of: dict[int, int] = {}

    async def person(user_id: int) -> None:
        for turn in range(10_000):
            left = until - time.monotonic()
            if left <= 0:
                return
            update = telegram.user_sends_text(user_id, SAYINGS[turn % len(SAYINGS)])
            owner_of[update] = user_id
            try:
                await telegram.wait_for_messages(user_id, turn + 1, timeout=left)
            except TimeoutError:
                return

    await asyncio.gather(*(person(800_000_000 + index) for index in range(users)))
    return owner_of


async def kill_restart(report: Report) -> None:
    name = "reply-path-kill-restart"
    users = int(os.environ.get("ANTQ_BENCH_KILL_USERS", 200))
    seconds = float(os.environ.get("ANTQ_BENCH_KILL_SECONDS", 4))
    with tempfile.TemporaryDirectory(prefix="antq-bench-kill-") as directory:
        home = Path(directory)
        url = f"sqlite:///{home / 'antq.sqlite3'}"
        async with FakeTelegramServer() as telegram:
            first = await start_bot(telegram, url, home)
            try:
                await _wait_until_polling(telegram)
                owner_of = await _users_talking(telegram, users, time.monotonic() + seconds)
            finally:
                await stop_bots([first], signal.SIGKILL)
            left = int(await _scalar(url, "SELECT count(*) FROM pending_replies"))
            sent_before = len(telegram.sent_messages())
            restarted = time.perf_counter()
            second = await start_bot(telegram, url, home)
            try:
                last_delivery = await _wait_for_drain(telegram, url, sent_before)
                delivered_after = last_delivery - restarted
            finally:
                await stop_bots([second])
            committed = await _committed_updates(url)
            received = Counter(int(m["chat_id"]) for m in telegram.sent_messages())
    expected = Counter(owner_of[update] for update in committed if update in owner_of)
    lost = sum(max(expected[user] - received[user], 0) for user in expected)
    twice = sum(max(received[user] - expected[user], 0) for user in received)
    report.figure(name, "updates committed before the kill", len(committed), "updates")
    report.figure(name, "replies left stored at the kill", left, "batches")
    report.figure(name, "restart to the last stored reply delivered", delivered_after, "s")
    report.figure(name, "replies lost", lost, "replies")
    report.figure(name, "replies delivered twice", twice, "replies")
    report.figure(
        name, "updates sent but never committed", len(owner_of) - len(committed), "updates"
    )
    report.target(name, "every stored reply delivered exactly once", lost == 0 and twice == 0)


async def _wait_until_polling(telegram: FakeTelegramServer) -> None:
    # Polling starts right after deleteWebhook (a long poll is recorded only when answered).
    deadline = time.monotonic() + PATIENCE
    while not telegram.calls("deleteWebhook"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the bot did not start polling within {PATIENCE} s")
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)


async def _wait_for_drain(telegram: FakeTelegramServer, url: str, sent_before: int) -> float:
    """When the last reply left stored went out (perf_counter), once nothing is stored."""
    deadline = time.monotonic() + 300
    last = time.perf_counter()
    count = sent_before
    while True:
        now_sent = len(telegram.sent_messages())
        if now_sent != count:
            count, last = now_sent, time.perf_counter()
        if int(await _scalar(url, "SELECT count(*) FROM pending_replies")) == 0:
            await asyncio.sleep(0.5)  # anything still in flight
            if len(telegram.sent_messages()) == count:
                return last
        if time.monotonic() > deadline:
            raise TimeoutError("stored replies were not all sent within 300 s")
        await asyncio.sleep(0.1)
