"""`antq run` with Telegram and a Zalo bot the Zalo Bot Platform refuses at start: Telegram
serves, /healthz names Zalo, and the process stops cleanly."""

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
from tests.harness import PATIENCE, free_port, start_antq_run

TELEGRAM_USER = 700_100_201


async def test_telegram_serves_while_zalo_cannot_start_and_healthz_names_zalo(
    sqlite_database: Database, tmp_path: Path
) -> None:
    async with sqlite_database.transaction() as session:
        await insert_areas(session, TREE)
    port = free_port()
    async with FakeTelegramServer() as telegram, FakeZaloServer() as zalo:
        zalo.fail_next("getMe", error_code=404, description="Not Found", times=1_000)
        process = await start_antq_run(
            tmp_path,
            read_output=True,
            ANTQ_DATABASE_URL=sqlite_database.url,
            ANTQ_DATA_DIR=str(tmp_path),
            ANTQ_TELEGRAM_TOKEN=telegram.token,
            ANTQ_TELEGRAM_BASE_URL=telegram.base_url,
            ANTQ_ZALO_TOKEN=zalo.token,
            ANTQ_ZALO_BASE_URL=zalo.base_url,
            ANTQ_WEB_PORT=str(port),
        )
        try:
            telegram.user_sends_text(TELEGRAM_USER, "/start")
            (first,) = await telegram.wait_for_messages(TELEGRAM_USER, 1, timeout=PATIENCE)
            assert t("language.from_app") in first["text"]
            async with httpx.AsyncClient() as client:
                health = await client.get(f"http://127.0.0.1:{port}/healthz")
            assert health.status_code == 503
            assert health.json()["status"].startswith("zalo: not running")
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            output, _ = await asyncio.wait_for(process.communicate(), timeout=PATIENCE)
        log = output.decode(errors="replace")
        assert process.returncode == 0, log
        assert "channel zalo failed to start (ZaloApiError)" in log
        assert zalo.token not in log
