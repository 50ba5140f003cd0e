"""The outbox sender: due messages go once, quiet hours hold, failures wait and nothing is lost."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.delivery.errors import PermanentFailure, TemporaryFailure
from bot.delivery.queueing import MemberMessage, queue_for_member
from storage._sql import outbox
from storage.database import Database
from storage.delivery.outbox import REMINDER, TIP_NOTICE, claim_due, count_by_status
from tests.bot.delivery.harness import FakeClock, RecordingTransport, add_member, local, sender
from tests.harness import PATIENCE, wait_until

MORNING = local(2026, 11, 24, 9, 0)


async def _queue(database: Database, clock: FakeClock, *messages: MemberMessage) -> None:
    async with database.transaction() as session:
        for message in messages:
            await queue_for_member(session, message, now=clock.now())


async def _statuses(database: Database) -> dict[str, int]:
    async with database.session() as session:
        return await count_by_status(session)


async def test_due_messages_are_sent_once_and_marked_sent(database: Database) -> None:
    clock = FakeClock(MORNING)
    transport = RecordingTransport()
    a = await add_member(database, 1001, locale="en")
    b = await add_member(database, 1002)
    await _queue(
        database,
        clock,
        MemberMessage(a.id, REMINDER, "r:a", message_key="k", params={"n": 1}),
        MemberMessage(b.id, REMINDER, "r:b", text="Xin chào"),
        MemberMessage(b.id, REMINDER, "r:later", text="Mai", due=MORNING + timedelta(days=1)),
    )
    outbox_sender = sender(database, transport, clock)
    assert await outbox_sender.deliver_due() == 2
    assert await outbox_sender.deliver_due() == 0
    assert transport.sent == {"1001": ["en:k:[('n', 1)]"], "1002": ["Xin chào"]}
    assert await _statuses(database) == {"sent": 2, "queued": 1}


async def test_quiet_hours_hold_a_reminder_until_seven_but_not_a_tip_notice(
    database: Database,
) -> None:
    clock = FakeClock(local(2026, 11, 24, 22, 0))
    transport = RecordingTransport()
    member = await add_member(database, 1001)
    await _queue(
        database,
        clock,
        MemberMessage(member.id, REMINDER, "reminder", text="Nhắc"),
        MemberMessage(member.id, TIP_NOTICE, "tip", text="Tin báo đã được tiếp nhận"),
    )
    async with database.session() as session:
        held = (
            await session.execute(select(outbox.c.not_before).where(outbox.c.kind == REMINDER))
        ).scalar_one()
    assert held == local(2026, 11, 25, 7, 0)

    outbox_sender = sender(database, transport, clock)
    await outbox_sender.deliver_due()
    assert transport.sent == {"1001": ["Tin báo đã được tiếp nhận"]}
    clock.current = local(2026, 11, 25, 6, 59)
    assert await outbox_sender.deliver_due() == 0
    clock.current = local(2026, 11, 25, 7, 0)
    assert await outbox_sender.deliver_due() == 1
    assert transport.sent["1001"][-1] == "Nhắc"


async def test_the_sender_claims_nothing_but_tip_notices_while_it_is_quiet(
    database: Database,
) -> None:
    # A message queued without the quiet-hours rule (not_before = 22:00) still waits.
    clock = FakeClock(local(2026, 11, 24, 22, 0))
    member = await add_member(database, 1001)
    async with database.transaction() as session:
        from storage.delivery.outbox import NewMessage, enqueue

        await enqueue(
            session,
            NewMessage(
                channel="telegram",
                kind=REMINDER,
                not_before=clock.now(),
                identity_id=member.identity_id,
                text="Nhắc",
            ),
        )
    transport = RecordingTransport()
    assert await sender(database, transport, clock).deliver_due() == 0
    assert transport.count == 0


async def test_a_crash_between_claiming_and_sending_loses_nothing(database: Database) -> None:
    clock = FakeClock(MORNING)
    member = await add_member(database, 1001)
    await _queue(database, clock, MemberMessage(member.id, REMINDER, "r", text="Nhắc"))
    transport = RecordingTransport()
    outbox_sender = sender(database, transport, clock, lease=timedelta(minutes=2))
    # The first process claims the row and dies before sending it.
    async with database.transaction() as session:
        claimed = await claim_due(
            session, channel="telegram", now=clock.now(), lease=outbox_sender.lease, limit=10
        )
    assert len(claimed) == 1
    clock.advance(60)
    assert await outbox_sender.deliver_due() == 0
    clock.advance(60)
    assert await outbox_sender.deliver_due() == 1
    assert transport.sent == {"1001": ["Nhắc"]}
    assert await _statuses(database) == {"sent": 1}


async def test_temporary_failures_are_retried_with_growing_pauses_then_given_up(
    database: Database,
) -> None:
    clock = FakeClock(MORNING)
    member = await add_member(database, 1001)
    await _queue(database, clock, MemberMessage(member.id, REMINDER, "r", text="Nhắc"))
    transport = RecordingTransport(failures=[TemporaryFailure("TimedOut") for _ in range(3)])
    outbox_sender = sender(database, transport, clock)  # 3 attempts, 10 s then 20 s
    assert await outbox_sender.deliver_due() == 1
    clock.advance(9)
    assert await outbox_sender.deliver_due() == 0
    clock.advance(1)
    assert await outbox_sender.deliver_due() == 1
    clock.advance(19)
    assert await outbox_sender.deliver_due() == 0
    clock.advance(1)
    assert await outbox_sender.deliver_due() == 1
    async with database.session() as session:
        row = (await session.execute(select(outbox))).one()
    assert (row.status, row.attempts, row.last_error) == ("failed", 3, "TimedOut")


async def test_a_refused_message_fails_at_once(database: Database) -> None:
    clock = FakeClock(MORNING)
    member = await add_member(database, 1001)
    await _queue(database, clock, MemberMessage(member.id, REMINDER, "r", text="Nhắc"))
    transport = RecordingTransport(failures=[PermanentFailure("BadRequest")])
    await sender(database, transport, clock).deliver_due()
    assert await _statuses(database) == {"failed": 1}


async def test_a_second_message_to_one_chat_waits_for_the_chat_gap(database: Database) -> None:
    from bot.delivery.limits import ChannelLimits

    clock = FakeClock(MORNING)
    member = await add_member(database, 1001)
    await _queue(
        database,
        clock,
        MemberMessage(member.id, REMINDER, "r1", text="Một"),
        MemberMessage(member.id, REMINDER, "r2", text="Hai"),
    )
    transport = RecordingTransport()
    limits = ChannelLimits(per_second=30, chat_gap=1.0)
    outbox_sender = sender(database, transport, clock, limits=limits)
    assert await outbox_sender.deliver_due() == 2
    assert transport.sent == {"1001": ["Một"]}
    clock.advance(1)
    assert await outbox_sender.deliver_due() == 1
    assert transport.sent == {"1001": ["Một", "Hai"]}
    async with database.session() as session:
        attempts = (await session.execute(select(outbox.c.attempts))).scalars().all()
    assert attempts == [1, 1]


async def test_run_sends_until_stopped_and_wakes_on_demand(database: Database) -> None:
    clock = FakeClock(MORNING)
    member = await add_member(database, 1001)
    transport = RecordingTransport()
    # Idle, it would look again only after far longer than the test waits for the message.
    outbox_sender = sender(database, transport, clock, idle_wait=10 * PATIENCE)
    running = asyncio.create_task(outbox_sender.run())
    await asyncio.sleep(0.05)  # most likely idle by now (if not, it finds the message anyway)
    await _queue(database, clock, MemberMessage(member.id, TIP_NOTICE, "t", text="Tin"))
    outbox_sender.wake()
    await wait_until(lambda: transport.count, what="the woken sender sending")
    outbox_sender.stop()
    await asyncio.wait_for(running, PATIENCE)
    assert transport.sent == {"1001": ["Tin"]}


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_two_senders_on_one_postgresql_database_send_each_message_once(
    database: Database, database_url: str
) -> None:
    clock = FakeClock(MORNING)
    members = [await add_member(database, 2000 + n) for n in range(200)]
    await _queue(
        database,
        clock,
        *(MemberMessage(m.id, REMINDER, f"r:{m.id}", text="Nhắc") for m in members),
    )
    transport = RecordingTransport(delay=0.001)  # both senders are in flight at once
    other_process = Database(database_url)
    try:
        senders = [
            sender(database, transport, clock, batch_size=20),
            sender(other_process, transport, clock, batch_size=20),
        ]

        async def drain(outbox_sender: object) -> None:
            while await outbox_sender.deliver_due():  # type: ignore[attr-defined]
                pass

        await asyncio.gather(*(drain(s) for s in senders))
    finally:
        await other_process.dispose()
    assert len(transport.sent) == 200
    assert {len(texts) for texts in transport.sent.values()} == {1}
    assert await _statuses(database) == {"sent": 200}
