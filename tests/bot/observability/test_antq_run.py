"""``antq run`` as an operator starts it with ``ANTQ_METRICS_PORT``, ``ANTQ_METRICS_TOKEN``
and ``ANTQ_LOG_FORMAT=json``: the port refuses a scrape without the token, counts the message
a Telegram user sent, and the log is JSON lines that name nobody."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

import httpx

from storage.areas import insert_areas
from storage.database import Database
from tests.bot.harness import TREE
from tests.bot.observability.harness import TOKEN, bearer, value
from tests.fakes.telegram_server import FakeTelegramServer
from tests.harness import PATIENCE, free_port, start_antq_run, wait_until

USER = 700_300_400


async def test_antq_run_serves_its_metrics_port_and_logs_json(
    sqlite_database: Database, tmp_path: Path
) -> None:
    async with sqlite_database.transaction() as session:
        await insert_areas(session, TREE)
    port = free_port()
    metrics = f"http://127.0.0.1:{port}/metrics"
    async with FakeTelegramServer() as telegram, httpx.AsyncClient() as prometheus:
        process = await start_antq_run(
            tmp_path,
            read_output=True,
            ANTQ_DATABASE_URL=sqlite_database.url,
            ANTQ_DATA_DIR=str(tmp_path),
            ANTQ_TELEGRAM_TOKEN=telegram.token,
            ANTQ_TELEGRAM_BASE_URL=telegram.base_url,
            ANTQ_METRICS_PORT=str(port),
            ANTQ_METRICS_TOKEN=TOKEN,
            ANTQ_LOG_FORMAT="json",
            ANTQ_LOG_LEVEL="INFO",
        )
        try:
            telegram.user_sends_text(USER, "/start")
            await telegram.wait_for_messages(USER, 1, timeout=PATIENCE)

            async def scraped() -> httpx.Response | None:
                try:
                    answer = await prometheus.get(metrics, headers=bearer())
                except httpx.TransportError:
                    return None  # not listening yet
                text = answer.text
                counted = value(text, "antq_updates_total", channel="telegram", kind="text")
                return answer if counted == 1 else None

            page = await wait_until(scraped, what="the message counted on /metrics")
            refused = await prometheus.get(metrics)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            output, _ = await asyncio.wait_for(process.communicate(), timeout=PATIENCE)
    log = output.decode(errors="replace")
    assert process.returncode == 0, log
    assert refused.status_code == 401
    assert value(page.text, "antq_answer_seconds_count", channel="telegram") == 1
    assert str(USER) not in page.text
    lines = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert lines and all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    assert str(USER) not in log and telegram.token.split(":")[1] not in log
