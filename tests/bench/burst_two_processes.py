"""``burst-two-processes-postgresql``: one user's burst across two processes.

Two ``antq run`` processes (Telegram webhook mode, one PostgreSQL database) stand behind a
load balancer that hands each user's updates to them in turn, 15 ms apart: each of
ANTQ_BENCH_BURST_USERS (20) users sends a whole anonymous tip (from /start to the
confirmation, 11 messages) as one burst, all users at once. Printed: the tips completed with
every answer on its own question, out of the users (issue 28: 20 / 20; before the inbox, 8),
and the answers the bot refused as late. Replies go to the fake Telegram server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from storage._sql import tips
from storage.database import Database
from tests.bench.databases import postgresql_database
from tests.bench.processes import two_webhook_bots
from tests.bench.report import Report
from tests.fakes.telegram_server import FakeTelegramServer
from tests.harness import wait_until

BENCHMARK = "burst-two-processes-postgresql"
SECRET = "bench_burst_two_processes"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_USERS = 20
APART = 0.015  # between one user's updates, alternating between the processes
FIRST_USER = 870_000_000
LATE_TEXT = "đến sau một tin nhắn mới hơn"


def tip_answers(number: int) -> list[str]:
    """A whole anonymous tip from /start to its confirmation, numbered in every answer."""
    return [
        "/start",
        "1",  # Vietnamese: the menu
        "1",  # menu: send a tip
        "1",  # category
        f"Mô tả số {number}: có người lạ hay đứng bán hàng cấm ở đầu ngõ {number}.",
        f"Đầu ngõ {number}, phố Kim Liên",
        "không rõ",  # commune
        f"{number % 12 + 1}h hôm qua",
        "bỏ qua",  # attachments
        "1",  # anonymous
        "1",  # confirm
    ]


@dataclass(frozen=True)
class BurstResult:
    users: int
    completed: int  # tips stored with every answer on its own question
    late: int  # replies that asked a person to send a message again


class UpdateIds:
    def __init__(self) -> None:
        self.next = 5_000

    def take(self) -> int:
        self.next += 1
        return self.next


def text_update(update_id: int, user_id: int, message_id: int, text: str) -> dict[str, Any]:
    person = {"id": user_id, "is_bot": False, "first_name": "Dân", "language_code": "vi"}
    message: dict[str, Any] = {
        "message_id": message_id,
        "from": person,
        "chat": {"id": user_id, "type": "private", "first_name": "Dân"},
        "date": int(time.time()),
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": update_id, "message": message}


async def _tips(database: Database) -> list[tuple[str, str, str | None]]:
    async with database.session() as session:
        statement = select(tips.c.description, tips.c.place_text, tips.c.occurred_time)
        return [tuple(row) for row in (await session.execute(statement)).all()]  # type: ignore[misc]


async def _tip_count(database: Database) -> int:
    async with database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(tips)) or 0)


def _completed(rows: list[tuple[str, str, str | None]], users: int) -> int:
    by_description = {description: (place, hour) for description, place, hour in rows}
    done = 0
    for number in range(users):
        answers = tip_answers(number)
        hour = f"{number % 12 + 1:02d}:00"
        if by_description.get(answers[4]) == (answers[5], hour):
            done += 1
    return done


async def burst_across_two_processes(database: Database, users: int) -> BurstResult:
    """Run the burst against two fresh processes on ``database``; what came of it."""
    ids = UpdateIds()
    async with FakeTelegramServer() as telegram:
        with tempfile.TemporaryDirectory(prefix="antq-bench-burst-") as directory:
            async with two_webhook_bots(
                telegram,
                database.url,
                Path(directory),
                worker="burst",
                secret=SECRET,
                # Twenty people writing at once from one address is no flood here.
                ANTQ_INBOUND_LIMIT_MESSAGES="1000",
            ) as bots:
                urls = [str(bot.webhook) for bot in bots]
                async with httpx.AsyncClient(timeout=60) as client:

                    async def post(to: int, update: dict[str, Any]) -> None:
                        response = await client.post(
                            urls[to],
                            content=json.dumps(update, ensure_ascii=False),
                            headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"},
                        )
                        response.raise_for_status()

                    async def one_user(number: int) -> None:
                        user_id = FIRST_USER + number
                        posts = []
                        for index, text in enumerate(tip_answers(number)):
                            update = text_update(ids.take(), user_id, index + 1, text)
                            posts.append(asyncio.create_task(post(index % 2, update)))
                            await asyncio.sleep(APART)
                        await asyncio.gather(*posts)

                    # The bot's first update has no number below it to wait for: one
                    # person's /start, answered, before the burst.
                    await post(0, text_update(ids.take(), FIRST_USER - 1, 1, "/start"))
                    await telegram.wait_for_call("sendMessage", timeout=60)
                    await asyncio.gather(*(one_user(number) for number in range(users)))

                async def all_filed() -> bool:
                    return await _tip_count(database) >= users

                # Some flows may fall out of step: then count what was filed.
                with contextlib.suppress(AssertionError):
                    await wait_until(all_filed, 120, interval=0.5, what="every tip stored")
                # The replies of the last answers go out (a refused one among them).
                await wait_until(
                    lambda: len(telegram.calls("sendMessage")) >= users + 1, 60, interval=0.2
                )
                await asyncio.sleep(1.0)
        late = sum(
            1
            for call in telegram.calls("sendMessage")
            if LATE_TEXT in str((call.params or {}).get("text", ""))
        )
    return BurstResult(users, _completed(await _tips(database), users), late)


async def run(report: Report) -> None:
    users = int(os.environ.get("ANTQ_BENCH_BURST_USERS", DEFAULT_USERS))
    async with postgresql_database() as database:
        result = await burst_across_two_processes(database, users)
    report.figure(BENCHMARK, f"tips completed of {users}", result.completed, "tips")
    report.figure(BENCHMARK, "answers refused as late", result.late, "replies")
    report.target(
        BENCHMARK, f"{users} / {users} tips completed (issue 28)", result.completed == users
    )
