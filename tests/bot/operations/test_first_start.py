"""The first start of several processes on one empty PostgreSQL database (deploy/README.md,
"First start"): they migrate and load the places one after another, and every one serves.

Real ``antq run`` processes, each with its own web port, behind the loopback Telegram server.
"""

from __future__ import annotations

import asyncio
from asyncio.subprocess import Process
from pathlib import Path

import pytest

from storage.areas import count_by_kind
from storage.database import Database
from tests.conversations.harness import t
from tests.fakes.telegram_server import FakeTelegramServer
from tests.harness import (
    PATIENCE,
    SECRET_KEY,
    answers_healthy,
    free_port,
    start_antq_run,
    stop_antq,
    wait_until,
)

PROCESSES = 3
# Loading every province and commune on a busy machine takes a while; the others wait for it.
FIRST_START_PATIENCE = 4 * PATIENCE
USER = 700_300_400
WEBHOOK_SECRET = "first-start-webhook-secret"


async def _start(
    telegram: FakeTelegramServer, url: str, home: Path, number: int, port: int
) -> Process:
    return await start_antq_run(
        home,
        read_output=True,
        ANTQ_DATABASE_URL=url,
        ANTQ_DATA_DIR=str(home / f"process-{number}"),
        ANTQ_SECRET_KEY=SECRET_KEY,
        ANTQ_TELEGRAM_TOKEN=telegram.token,
        ANTQ_TELEGRAM_BASE_URL=telegram.base_url,
        ANTQ_WEBHOOK_BASE_URL=f"http://127.0.0.1:{port}",
        ANTQ_WEBHOOK_SECRET=WEBHOOK_SECRET,
        ANTQ_WEB_PORT=str(port),
        ANTQ_WORKER_ID=f"first-start-{number}",
    )


async def test_three_processes_started_at_once_on_an_empty_database_all_serve(
    database_url: str, tmp_path: Path
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: processes cannot race there")
    ports = [free_port() for _ in range(PROCESSES)]
    async with FakeTelegramServer() as telegram:
        processes = await asyncio.gather(
            *(
                _start(telegram, database_url, tmp_path, number, port)
                for number, port in enumerate(ports, start=1)
            )
        )
        outputs: list[str] = []
        try:

            async def all_serve() -> bool:
                if any(process.returncode is not None for process in processes):
                    raise AssertionError("a process stopped while starting")
                answers = await asyncio.gather(*(answers_healthy(port) for port in ports))
                return all(answers)

            await wait_until(
                all_serve, FIRST_START_PATIENCE, interval=0.5, what="every process serving"
            )
            # The webhook is the last process's to set: a person's message gets its answer.
            await telegram.wait_for_call("setWebhook", PROCESSES, timeout=PATIENCE)
            telegram.user_sends_text(USER, "/start")
            (first,) = await telegram.wait_for_messages(USER, 1, timeout=PATIENCE)
            assert t("language.from_app") in first["text"]
        finally:
            for process in processes:
                outputs.append(await stop_antq(process))
    for process, output in zip(processes, outputs, strict=True):
        assert process.returncode == 0, output
        assert "Traceback" not in output, output
    # The country was loaded once, by one of them.
    loaded = [output for output in outputs if "first start: loaded" in output]
    assert len(loaded) == 1, outputs
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            counts = await count_by_kind(session)
    finally:
        await database.dispose()
    assert counts.get("province", 0) > 0
