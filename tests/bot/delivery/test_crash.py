"""A sender that dies mid-broadcast: at most the sends in flight go twice, and its own restart
takes the rest back at once (another worker only after the lease).

The subprocess test SIGKILLs the real ``antq run`` in the middle of 320 reminders to the fake
Telegram server and starts it again under the same ANTQ_WORKER_ID.
"""

from __future__ import annotations

import asyncio
import collections
import os
import signal
from asyncio.subprocess import Process
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert

from bot.delivery.queueing import MemberMessage, queue_for_member
from bot.delivery.sender import new_lease_owner
from storage._sql import identities, members
from storage.areas import insert_areas
from storage.database import Database
from storage.delivery.outbox import REMINDER, URGENT, count_by_status
from tests.bot.delivery.harness import FakeClock, add_member, local, sender
from tests.bot.harness import TREE
from tests.fakes.telegram_server import FakeTelegramServer
from tests.harness import PATIENCE, start_telegram_bot, wait_until

MORNING = local(2026, 11, 24, 9, 0)
# How long a sender's claim on its rows lasts (OutboxSender's default).
LEASE = timedelta(minutes=2)


class DyingTransport:
    """Takes sends; from the ``dies_at``-th on, a send never returns (the process is dying)."""

    def __init__(self, dies_at: int | None = None) -> None:
        self.sent: dict[str, list[str]] = collections.defaultdict(list)
        self.dies_at = dies_at
        self.dying = asyncio.Event()
        self.count = 0

    async def send_text(self, chat_id: str, text: str) -> None:
        self.count += 1
        # The platform got it: it counts as delivered even if the answer never comes back.
        self.sent[chat_id].append(text)
        await asyncio.sleep(0.001)
        if self.dies_at is not None and self.count >= self.dies_at:
            self.dying.set()
            await asyncio.Event().wait()


async def _queue_reminders(database: Database, clock: FakeClock, people: int) -> None:
    added = [await add_member(database, 5000 + n) for n in range(people)]
    async with database.transaction() as session:
        for member in added:
            message = MemberMessage(member.id, REMINDER, f"r:{member.id}", text="Nhắc")
            await queue_for_member(session, message, now=clock.now())


async def _statuses(database: Database) -> dict[str, int]:
    async with database.session() as session:
        return await count_by_status(session)


async def _kill_mid_way(database: Database, clock: FakeClock, worker: str) -> DyingTransport:
    first = DyingTransport(dies_at=57)
    dying = asyncio.create_task(
        sender(database, first, clock, max_in_flight=4, owner=new_lease_owner(worker)).deliver_due()
    )
    await asyncio.wait_for(first.dying.wait(), timeout=PATIENCE)
    await asyncio.sleep(0.05)  # whatever could still be recorded is
    dying.cancel()
    with pytest.raises(asyncio.CancelledError):
        await dying
    return first


async def test_a_restarted_worker_takes_its_rows_back_at_once_and_repeats_only_those_in_flight(
    database: Database,
) -> None:
    clock = FakeClock(MORNING)
    await _queue_reminders(database, clock, 120)
    first = await _kill_mid_way(database, clock, "host-a")

    # Started again on the same host, at once: the clock has not moved, no lease ran out.
    second = DyingTransport()
    restarted = sender(database, second, clock, owner=new_lease_owner("host-a"))
    while await restarted.deliver_due():
        pass

    assert await _statuses(database) == {"sent": 120}
    twice = [chat for chat in second.sent if chat in first.sent]
    assert 1 <= len(twice) <= 4  # the sends in flight at the kill, never more
    assert all(len(first.sent[c]) + len(second.sent[c]) <= 2 for c in first.sent)


async def test_another_worker_takes_a_dead_workers_rows_only_after_the_lease(
    database: Database,
) -> None:
    clock = FakeClock(MORNING)
    await _queue_reminders(database, clock, 80)
    await _kill_mid_way(database, clock, "host-a")
    left = (await _statuses(database)).get("sending", 0)
    assert left > 0

    other = DyingTransport()
    elsewhere = sender(database, other, clock, owner=new_lease_owner("host-b"))
    while await elsewhere.deliver_due():
        pass
    assert (await _statuses(database)).get("sending") == left  # still leased to host-a

    clock.advance(timedelta(minutes=3).total_seconds())
    while await elsewhere.deliver_due():
        pass
    assert await _statuses(database) == {"sent": 80}


# -- the real process, SIGKILLed ----------------------------------------------------------


async def _seed_recipients(database: Database, people: int) -> list[int]:
    """``people`` residents on Telegram, each with an urgent notice due now; their chats."""
    chats = [900_000_000 + n for n in range(people)]
    async with database.transaction() as session:
        # Places there already: ``antq run`` does not load the whole country on its first start.
        await insert_areas(session, TREE)
        now = MORNING
        await session.execute(insert(members), [{"locale": "vi", "created_at": now} for _ in chats])
        member_ids = (await session.execute(members.select())).scalars().all()
        await session.execute(
            insert(identities),
            [
                {
                    "member_id": member_id,
                    "channel": "telegram",
                    "platform_user_id": str(chat),
                    "chat_id": str(chat),
                    "active": True,
                    "created_at": now,
                    "last_seen_at": now,
                }
                for member_id, chat in zip(member_ids, chats, strict=True)
            ],
        )
    clock = FakeClock(MORNING)
    async with database.transaction() as session:
        for member_id in member_ids:
            # Urgent: the real process runs on the real clock, maybe in the quiet hours.
            message = MemberMessage(member_id, URGENT, f"crash:{member_id}", text="Khẩn")
            await queue_for_member(session, message, now=clock.now())
    return chats


async def _start_bot(telegram: FakeTelegramServer, database_url: str, home: Path) -> Process:
    return await start_telegram_bot(
        telegram,
        database_url,
        home,
        show_errors=bool(os.environ.get("ANTQ_TEST_VERBOSE")),
        ANTQ_WORKER_ID="bot-1",
    )


async def test_antq_run_killed_mid_broadcast_repeats_at_most_its_sends_in_flight(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    from bot.delivery.service import MAX_IN_FLIGHT

    people = 180
    chats = await _seed_recipients(database, people)
    async with FakeTelegramServer() as telegram:
        telegram.enforce_rate_limits(total_per_second=30, per_chat_per_second=1)
        first = await _start_bot(telegram, database_url, tmp_path)
        try:
            await telegram.wait_for(
                lambda: len(telegram.sent_messages()) >= people // 3 or None, timeout=PATIENCE
            )
        finally:
            first.send_signal(signal.SIGKILL)
            await first.wait()
        at_kill = len(telegram.sent_messages())
        second = await _start_bot(telegram, database_url, tmp_path)
        try:
            # The rest goes from the restart, not once the 2-minute lease of the killed run
            # has passed (the restart takes its own rows back).
            await telegram.wait_for(
                lambda: {int(m["chat_id"]) for m in telegram.sent_messages()} >= set(chats) or None,
                timeout=LEASE.total_seconds() - 20,
            )
            # Every row is sent: nothing more can follow.
            await wait_until(lambda: _all_sent(database, people), what="every row marked sent")
        finally:
            second.send_signal(signal.SIGTERM)
            await second.wait()
        copies = collections.Counter(int(m["chat_id"]) for m in telegram.sent_messages())
        refused = [call for call in telegram.calls("sendMessage") if call.status == 429]
    twice = sum(1 for count in copies.values() if count > 1)
    print(f"killed after {at_kill} sent; sent twice: {twice} (bound {MAX_IN_FLIGHT})")
    assert set(copies) == set(chats)
    assert max(copies.values()) <= 2
    assert twice <= MAX_IN_FLIGHT
    assert refused == []


async def _all_sent(database: Database, people: int) -> bool:
    return await _statuses(database) == {"sent": people}
