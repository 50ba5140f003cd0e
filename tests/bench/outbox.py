"""Outbox throughput on SQLite: enqueue 100,000 reminders, then dispatch them all.

- enqueue: rows/s through ``enqueue_many`` (one INSERT … ON CONFLICT DO NOTHING per
  transaction of ``CHUNK`` rows), as a broadcast or a rule that fires for many members would;
- dispatch: messages/s through ``OutboxSender.deliver_due`` (claim with a lease, send, record)
  to a transport that answers at once, with no rate limit: the cost of the outbox itself.

Settings (environment): ANTQ_BENCH_OUTBOX_ROWS (100000), ANTQ_BENCH_OUTBOX_MEMBERS (10000).
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

from sqlalchemy import func, insert, select

from bot.delivery.limits import UNLIMITED, RateLimiter
from bot.delivery.quiet_hours import LOCAL_ZONE
from bot.delivery.sender import OutboxSender
from storage._sql import identities, members, outbox
from storage.database import Database
from storage.delivery.outbox import REMINDER, NewMessage, enqueue_many
from tests.bench.databases import sqlite_database
from tests.bench.report import Report

BENCHMARK = "outbox-sqlite"
CHUNK = 5_000
# 09:00 in Vietnam: outside the quiet hours, so every reminder is due at once.
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=LOCAL_ZONE).astimezone(UTC)


class NullTransport:
    """Accepts every message at once and counts them."""

    def __init__(self) -> None:
        self.sent = 0

    async def send_text(self, chat_id: str, text: str) -> None:
        self.sent += 1


async def _add_members(database: Database, count: int) -> list[int]:
    async with database.transaction() as session:
        await session.execute(
            insert(members), [{"locale": "vi", "created_at": NOW} for _ in range(count)]
        )
        member_ids = (await session.execute(select(members.c.id))).scalars().all()
        await session.execute(
            insert(identities),
            [
                {
                    "member_id": member_id,
                    "channel": "telegram",
                    "platform_user_id": str(100_000 + member_id),
                    "chat_id": str(100_000 + member_id),
                    "active": True,
                    "created_at": NOW,
                    "last_seen_at": NOW,
                }
                for member_id in member_ids
            ],
        )
        rows = await session.execute(select(identities.c.id, identities.c.member_id))
        return [row.id for row in rows]


def _reminder(number: int, identity_ids: list[int]) -> NewMessage:
    identity_id = identity_ids[number % len(identity_ids)]
    return NewMessage(
        channel="telegram",
        kind=REMINDER,
        not_before=NOW,
        identity_id=identity_id,
        text="Nhắc: hạn nộp báo cáo tháng của thôn là ngày 25.",
        dedup_key=f"bench:{number}",
    )


async def run(report: Report) -> None:
    rows = int(os.environ.get("ANTQ_BENCH_OUTBOX_ROWS", "100000"))
    member_count = int(os.environ.get("ANTQ_BENCH_OUTBOX_MEMBERS", "10000"))
    async with sqlite_database() as database:
        identity_ids = await _add_members(database, member_count)
        messages = [_reminder(number, identity_ids) for number in range(rows)]

        started = time.perf_counter()
        for first in range(0, rows, CHUNK):
            async with database.transaction() as session:
                await enqueue_many(session, messages[first : first + CHUNK], now=NOW)
        enqueue_seconds = time.perf_counter() - started
        report.figure(BENCHMARK, "enqueue", rows / enqueue_seconds, "rows/s")

        transport = NullTransport()
        sender = OutboxSender(
            database,
            "telegram",
            transport,
            RateLimiter(UNLIMITED),
            clock=lambda: NOW,
            max_in_flight=64,
        )
        started = time.perf_counter()
        while await sender.deliver_due():
            pass
        dispatch_seconds = time.perf_counter() - started
        report.figure(BENCHMARK, "dispatch", transport.sent / dispatch_seconds, "messages/s")

        async with database.session() as session:
            sent = await session.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.status == "sent")
            )
        report.target(BENCHMARK, f"all {rows} reminders sent once", transport.sent == sent == rows)
