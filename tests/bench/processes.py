"""Real ``antq run`` processes against the fake Telegram server, for the benchmarks that need
the whole program: started with the settings every such bench gives, and stopped as systemd
stops them (or killed, to measure a crash).

``two_webhook_bots`` is the set-up of the multi-process benches: two processes on one
database, each on its own port, the second started once the first set its webhook (two first
starts at once race to seed the places).
"""

from __future__ import annotations

import os
import signal
from asyncio.subprocess import Process
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.fakes.telegram_server import FakeTelegramServer
from tests.harness import free_port, start_telegram_bot


@dataclass(frozen=True)
class BotProcess:
    """One ``antq run``; ``webhook`` is the URL it takes Telegram's updates on (webhook mode)."""

    process: Process
    webhook: str | None = None


async def start_bot(
    telegram: FakeTelegramServer,
    database_url: str,
    home: Path,
    *,
    data_dir: Path | None = None,
    webhook_secret: str | None = None,
    **settings: str,
) -> BotProcess:
    """``antq run`` working in ``home`` on ``database_url``, with its data in ``data_dir``
    (created; ``home`` itself by default), Telegram at
    ``telegram``, logging warnings (errors shown with ANTQ_BENCH_VERBOSE); in webhook mode on a
    port of its own when ``webhook_secret`` is given, else polling; and ``settings``."""
    data_dir = data_dir or home
    data_dir.mkdir(parents=True, exist_ok=True)
    webhook: dict[str, str] = {}
    url = None
    if webhook_secret is not None:
        port = free_port()
        url = f"http://127.0.0.1:{port}/telegram"
        webhook = {
            "ANTQ_WEBHOOK_BASE_URL": f"http://127.0.0.1:{port}",
            "ANTQ_WEBHOOK_SECRET": webhook_secret,
            "ANTQ_WEB_PORT": str(port),
        }
    process = await start_telegram_bot(
        telegram,
        database_url,
        home,
        data_dir=data_dir,
        show_errors=bool(os.environ.get("ANTQ_BENCH_VERBOSE")),
        ANTQ_LOG_LEVEL="WARNING",
        **webhook,
        **settings,
    )
    return BotProcess(process, url)


async def stop_bots(bots: Iterable[BotProcess], how: signal.Signals = signal.SIGTERM) -> None:
    """Signal every bot (SIGTERM: stop as systemd would; SIGKILL: a crash), then wait for
    each to end."""
    bots = list(bots)
    for bot in bots:
        if bot.process.returncode is None:
            bot.process.send_signal(how)
    for bot in bots:
        await bot.process.wait()


@asynccontextmanager
async def two_webhook_bots(
    telegram: FakeTelegramServer,
    database_url: str,
    home: Path,
    *,
    worker: str,
    secret: str,
    **settings: str,
) -> AsyncIterator[list[BotProcess]]:
    """Two ``antq run`` in webhook mode on ``database_url`` (ANTQ_WORKER_ID ``worker``-1 and
    -2, data in ``home``/process-N), both with their webhook set when this yields; stopped at
    the end."""
    bots: list[BotProcess] = []
    try:
        for number in (1, 2):
            bots.append(
                await start_bot(
                    telegram,
                    database_url,
                    home,
                    data_dir=home / f"process-{number}",
                    webhook_secret=secret,
                    ANTQ_WORKER_ID=f"{worker}-{number}",
                    **settings,
                )
            )
            await telegram.wait_for_call("setWebhook", number, timeout=60)
        yield bots
    finally:
        await stop_bots(bots)
