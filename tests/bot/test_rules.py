"""The scheduler's built-in rules: notices reach the outbox once."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.scheduler import RULES, DeliveryScheduler
from storage._sql import notices
from storage.database import Database
from storage.notices import add_notice
from tests.bot.delivery.harness import FakeClock, RecordingTransport, add_member, local, sender


async def test_a_notice_is_delivered_to_its_member_once(database: Database) -> None:
    admin = await add_member(database, 4242, locale="vi")
    clock = FakeClock(local(2026, 11, 24, 10, 0))
    params = {"name": "Lan", "role": "leader", "place": "Thôn Đông"}
    async with database.transaction() as session:
        await add_notice(session, admin.id, "notice.invitation_used", params, now=clock.now())

    # Two scheduler processes tick over the same notice: it is queued once.
    first = DeliveryScheduler(database, rules=RULES, clock=clock.now)
    second = DeliveryScheduler(database, rules=RULES, clock=clock.now)
    assert await first.tick() + await second.tick() == 1

    transport = RecordingTransport()
    assert await sender(database, transport, clock).deliver_due() == 1
    (text,) = transport.sent["4242"]
    assert "notice.invitation_used" in text and "Thôn Đông" in text
    async with database.session() as session:
        pending = await session.scalar(
            select(func.count()).select_from(notices).where(notices.c.delivered_at.is_(None))
        )
    assert pending == 0
    assert await first.tick() == 0
