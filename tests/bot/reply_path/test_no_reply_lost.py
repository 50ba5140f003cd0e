"""No answer is ever lost: a kill between commit and send, a 429 storm, a delivery seen three
times, a webhook answered before its replies go (DESIGN.md, "The reply path").

The real python-telegram-bot and our Zalo client talk to the loopback fakes; the kill test runs
the real ``antq run`` as a subprocess and SIGKILLs it.
"""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from storage.database import Database
from tests.bot.channels.harness import (
    SECRET,
    USER,
    ZaloUser,
    polling_bot,
    private_update,
    running_bot,
    secret_header,
    webhook_bot,
)
from tests.conversations.harness import t
from tests.fakes.telegram_server import FakeTelegramServer
from tests.harness import PATIENCE

ANTQ = Path(sys.executable).parent / "antq"


async def pending_replies(database_url: str) -> int:
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            return int(
                (await session.execute(text("SELECT count(*) FROM pending_replies"))).scalar_one()
            )
    finally:
        await database.dispose()


async def start_bot(
    telegram: FakeTelegramServer, database_url: str, home: Path
) -> asyncio.subprocess.Process:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "ANTQ_DATABASE_URL": database_url,
        "ANTQ_DATA_DIR": str(home),
        "ANTQ_SECRET_KEY": base64.b64encode(bytes(range(32))).decode(),
        "ANTQ_TELEGRAM_TOKEN": telegram.token,
        "ANTQ_TELEGRAM_BASE_URL": telegram.base_url,
        "ANTQ_WEB_HOST": "127.0.0.1",  # the web console on any free port: bots of tests
        "ANTQ_WEB_PORT": "0",  # running side by side must not fight over 8080
    }
    return await asyncio.create_subprocess_exec(
        str(ANTQ),
        "run",
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        env=environment,
        cwd=home,
    )


async def eventually(condition: object, timeout: float = PATIENCE) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while not await condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_a_reply_cut_off_by_a_kill_is_sent_once_after_the_restart(
    database_url: str, tmp_path: Path
) -> None:
    async with FakeTelegramServer() as telegram:
        # Telegram is failing when the user writes: the answer is committed, not yet sent.
        telegram.fail_next("sendMessage", status=502, times=100_000)
        first = await start_bot(telegram, database_url, tmp_path)
        try:
            telegram.user_sends_text(USER, "/start")

            async def stored_and_tried() -> bool:
                return bool(telegram.calls("sendMessage") or telegram.requests) and (
                    await pending_replies(database_url) == 1
                )

            await eventually(stored_and_tried)
        finally:
            first.send_signal(signal.SIGKILL)
            await first.wait()
        assert telegram.sent_messages(USER) == []
        telegram.clear_failures()

        second = await start_bot(telegram, database_url, tmp_path)
        try:
            (welcome,) = await telegram.wait_for_messages(USER, 1, timeout=PATIENCE)
            assert t("menu.prompt") in welcome["text"]

            async def recorded() -> bool:
                return await pending_replies(database_url) == 0

            await eventually(recorded)
        finally:
            second.send_signal(signal.SIGTERM)
            await second.wait()
        # Sent, recorded as sent, and the bot stopped: nothing else can follow.
        assert len(telegram.sent_messages(USER)) == 1


async def test_a_429_storm_longer_than_the_retries_delays_the_reply_but_never_drops_it(
    sqlite_database: Database,
) -> None:
    async with FakeTelegramServer() as telegram, polling_bot(sqlite_database, telegram):
        # Eight 429s in a row: more than the rate limiter waits out by itself.
        telegram.fail_next("sendMessage", status=429, retry_after=1, times=8)
        telegram.user_sends_text(USER, "/start")
        (welcome,) = await telegram.wait_for_messages(USER, 1, timeout=PATIENCE)
        assert t("menu.prompt") in welcome["text"]
        refused = [call for call in telegram.calls("sendMessage") if call.status == 429]
        assert len(refused) == 8
        # The user answers the question they did see, and the conversation goes on.
        telegram.user_sends_text(USER, "/help")
        messages = await telegram.wait_for_messages(USER, 2, timeout=PATIENCE)
        assert t("help.home") in messages[-1]["text"]
    assert telegram.rejected == []


async def test_an_update_delivered_three_times_is_answered_once(
    database: Database,
) -> None:
    update = private_update(41, text="/start")
    async with FakeTelegramServer() as telegram, webhook_bot(database, telegram) as bot:
        async with httpx.AsyncClient() as client:
            answers = await asyncio.gather(
                *(
                    client.post(bot.url, json=update, headers=secret_header(SECRET))
                    for _ in range(3)
                )
            )
        assert [answer.status_code for answer in answers] == [200, 200, 200]
        await telegram.wait_for_messages(USER, 1)
        await bot.channel.replies.drain(5)
        assert len(telegram.sent_messages(USER)) == 1


async def test_a_delivery_repeated_while_its_reply_waits_for_telegram_gets_it_once(
    database: Database,
) -> None:
    """Telegram redelivers a webhook update it thinks failed, while the reply to it is still
    waiting for Telegram to recover: the stored reply is found, and still sent once."""
    update = private_update(42, text="/start")
    async with FakeTelegramServer() as telegram, webhook_bot(database, telegram) as bot:
        telegram.fail_next("sendMessage", status=502, times=100_000)
        async with httpx.AsyncClient() as client:
            for _ in range(3):
                answer = await client.post(bot.url, json=update, headers=secret_header(SECRET))
                assert answer.status_code == 200
        telegram.clear_failures()
        (welcome,) = await telegram.wait_for_messages(USER, 1, timeout=PATIENCE)
        assert t("menu.prompt") in welcome["text"]
        await bot.channel.replies.drain(PATIENCE)
        assert len(telegram.sent_messages(USER)) == 1


async def test_a_zalo_webhook_is_answered_before_its_replies_are_sent(
    database: Database,
) -> None:
    async with running_bot(database, "webhook") as bot:
        # Zalo takes no message until the test lets it: the webhook must not wait for it.
        client = bot.channel.client
        send_message, zalo_takes_messages = client.send_message, asyncio.Event()

        async def held_back(*args: Any, **kwargs: Any) -> Any:
            await zalo_takes_messages.wait()
            return await send_message(*args, **kwargs)

        client.send_message = held_back  # type: ignore[method-assign]
        user = ZaloUser(bot.server)
        delivery = await bot.server.post_to_webhook(bot.server.text_event(user.user_id, "/start"))
        assert delivery.ok
        assert bot.server.sent_texts(user.user_id) == []
        zalo_takes_messages.set()
        (language,) = await bot.server.wait_for_texts(user.user_id, 1, timeout=10)
        assert t("language.prompt") in language
