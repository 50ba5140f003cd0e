"""What ``/metrics`` reads from the database at scrape time: the outbox by status, replies
stored and not sent, updates waiting in the inbox. Two processes on one database show the same
numbers; the outbox sender counts its outcomes and the platform's 429s as they happen."""

from __future__ import annotations

from datetime import timedelta

from bot.delivery.errors import (
    CredentialsRefused,
    PermanentFailure,
    RateLimited,
    RecipientBlocked,
)
from storage._sql import pending_replies
from storage.database import Database
from storage.delivery.outbox import NOTICE, NewMessage, enqueue
from storage.inbox import store
from tests.bot.delivery.harness import FakeClock, RecordingTransport, local, sender
from tests.bot.harness import Phone, at_menu, make_processor, rows
from tests.bot.observability.harness import moved, scrape, value

NEWS = "Tin riêng của người dân, không được lộ ra"


async def queue_news(database: Database, clock: FakeClock, count: int, *, later: bool = False):
    not_before = clock.now() + (timedelta(days=1) if later else timedelta(0))
    async with database.transaction() as session:
        for number in range(count):
            chat = f"-100{number}{int(later)}"
            await enqueue(
                session,
                NewMessage(
                    channel="telegram", kind=NOTICE, not_before=not_before, chat_id=chat, text=NEWS
                ),
            )


async def test_the_outbox_by_status_and_the_sender_outcomes(database: Database) -> None:
    clock = FakeClock(local(2026, 3, 2, 10))
    await queue_news(database, clock, 6)
    await queue_news(database, clock, 1, later=True)
    transport = RecordingTransport(
        failures=[
            RecipientBlocked("Forbidden"),
            PermanentFailure("BadRequest"),
            RateLimited("RetryAfter", 3.0),
            CredentialsRefused("InvalidToken"),
        ]
    )
    before = await scrape(database)
    assert await sender(database, transport, clock).deliver_due() == 6
    after = await scrape(database)

    statuses = {"sent": 2, "blocked": 1, "failed": 1, "queued": 3}
    for status, count in statuses.items():
        assert value(after, "antq_outbox_messages", channel="telegram", result=status) == count
    outcomes = {"sent": 2, "blocked": 1, "failed": 1, "wait": 2}
    for result, count in outcomes.items():
        assert (
            moved(before, after, "antq_outbox_outcomes_total", channel="telegram", result=result)
            == count
        )
    # The 429, not the refused token.
    assert moved(before, after, "antq_rate_limited_total", channel="telegram", kind="outbox") == 1
    assert NEWS not in after and "-1000" not in after


async def test_two_processes_on_one_database_show_the_same_waiting_counts(
    database_url: str, database: Database
) -> None:
    phone = Phone(make_processor(database))  # answered, never sent: no channel runs here
    await at_menu(phone)
    clock = FakeClock(local(2026, 3, 2, 10))
    await queue_news(database, clock, 2, later=True)
    for position in (1, 2):
        await store(
            database,
            channel="zalo",
            user_key="zalo-user",
            update_key=f"u{position}",
            position=position,
            payload="{}",
        )

    second_process = Database(database_url)
    try:
        first, second = await scrape(database), await scrape(second_process)
    finally:
        await second_process.dispose()

    stored = await rows(database, pending_replies)
    assert stored
    oldest = min(row["created_at"] for row in stored)  # type: ignore[type-var]
    for page in (first, second):
        assert value(page, "antq_replies_unsent", channel="telegram") == len(stored)
        assert (
            value(page, "antq_replies_unsent_oldest_timestamp_seconds", channel="telegram")
            == oldest.timestamp()
        )  # type: ignore[attr-defined]
        assert value(page, "antq_outbox_messages", channel="telegram", result="queued") == 2
        assert value(page, "antq_inbox_waiting", channel="zalo") == 2
