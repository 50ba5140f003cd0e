"""`antq run` with both tokens: one process serves Telegram and Zalo users by webhook.

The real command runs as a subprocess against the loopback Telegram and Zalo servers; the
fakes deliver updates to its web server exactly as the platforms would.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import httpx

from storage.areas import insert_areas
from storage.database import Database
from tests.bot.harness import TREE
from tests.conversations.harness import t
from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.zalo_server import FakeZaloServer
from tests.harness import PATIENCE, free_port, start_antq_run, wait_until

SECRET = "both-channels-webhook-secret"
TELEGRAM_USER = 700_100_200
ZALO_USER = "9f8e7d6c5b4a39281706"
PHONE = "0987654321"


async def places_only(database: Database) -> str:
    """``database``'s URL, with a few places in it: the process neither migrates nor loads the
    whole country on its first start."""
    async with database.transaction() as session:
        await insert_areas(session, TREE)
    return database.url


async def test_one_process_serves_telegram_and_zalo_by_webhook(
    sqlite_database: Database, tmp_path: Path
) -> None:
    port = free_port()
    async with FakeTelegramServer() as telegram, FakeZaloServer() as zalo:
        process = await start_antq_run(
            tmp_path,
            read_output=True,
            ANTQ_DATABASE_URL=await places_only(sqlite_database),
            ANTQ_DATA_DIR=str(tmp_path),
            ANTQ_TELEGRAM_TOKEN=telegram.token,
            ANTQ_TELEGRAM_BASE_URL=telegram.base_url,
            ANTQ_ZALO_TOKEN=zalo.token,
            ANTQ_ZALO_BASE_URL=zalo.base_url,
            ANTQ_WEBHOOK_BASE_URL=f"http://127.0.0.1:{port}",
            ANTQ_WEBHOOK_SECRET=SECRET,
            ANTQ_WEB_PORT=str(port),
            ANTQ_LOG_LEVEL="DEBUG",
        )
        try:
            await wait_until(
                lambda: telegram.webhook_url and zalo.webhook_url, what="both webhooks set"
            )
            assert telegram.webhook_url == f"http://127.0.0.1:{port}/telegram"
            assert zalo.webhook_url == f"http://127.0.0.1:{port}/zalo"
            assert telegram.webhook_secret == zalo.webhook_secret == SECRET

            telegram.user_sends_text(TELEGRAM_USER, "/start")
            zalo.user_sends_text(ZALO_USER, "/start")
            (first_telegram,) = await telegram.wait_for_messages(TELEGRAM_USER, 1, timeout=PATIENCE)
            (first_zalo,) = await zalo.wait_for_texts(ZALO_USER, 1, timeout=PATIENCE)
            # Telegram tells the app's language, which the bot speaks: no question; Zalo does
            # not, so its user is asked. Each sees options in their platform's way.
            assert t("language.from_app") in first_telegram["text"]
            assert "inline_keyboard" in first_telegram["reply_markup"]
            assert t("language.prompt") in first_zalo
            assert "1." in first_zalo  # a numbered list on Zalo

            # A phone number typed at a menu must never reach the log, even at DEBUG.
            zalo.user_sends_text(ZALO_USER, PHONE)
            await zalo.wait_for_texts(ZALO_USER, 2, timeout=PATIENCE)

            async with httpx.AsyncClient() as client:
                health = await client.get(f"http://127.0.0.1:{port}/healthz")
            assert health.status_code == 200
            assert not telegram.rejected and not zalo.rejected
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            output, _ = await asyncio.wait_for(process.communicate(), timeout=PATIENCE)
        log = output.decode(errors="replace")
        assert process.returncode == 0, log
        assert PHONE not in log
        assert str(TELEGRAM_USER) not in log and ZALO_USER not in log
        assert telegram.token.split(":")[1] not in log and zalo.token not in log


async def test_a_refused_token_stops_the_bot_with_a_line_that_does_not_show_it(
    sqlite_database: Database, tmp_path: Path
) -> None:
    async with FakeTelegramServer() as telegram:
        wrong = "123456789:" + "Z" * 35  # the fake accepts only its own token
        process = await start_antq_run(
            tmp_path,
            read_output=True,
            ANTQ_DATABASE_URL=await places_only(sqlite_database),
            ANTQ_DATA_DIR=str(tmp_path),
            ANTQ_TELEGRAM_TOKEN=wrong,
            ANTQ_TELEGRAM_BASE_URL=telegram.base_url,
        )
        output, _ = await asyncio.wait_for(process.communicate(), timeout=PATIENCE)
    said = output.decode(errors="replace")
    assert process.returncode == 1, said
    assert "Telegram refused the bot token (ANTQ_TELEGRAM_TOKEN)" in said
    assert "Z" * 35 not in said and "Traceback" not in said
