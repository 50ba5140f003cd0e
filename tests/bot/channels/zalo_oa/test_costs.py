"""What costs what on the OA: the outbox stays inside the free 48 h unless an admin opts in to
paid messages; a spent quota (-211) pauses the OA's sends and shows on /healthz."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.delivery.limits import UNLIMITED, RateLimiter
from bot.delivery.sender import OutboxSender
from storage._sql import identities, outbox
from storage.database import Database
from storage.delivery.outbox import OUTSIDE_WINDOW, REMINDER, NewMessage, enqueue
from storage.people.members import find_or_create_member
from tests.bot.channels.zalo_oa.harness import OaUser, running_oa
from tests.conversations.harness import Clock, t

USER = "4117380192254473101"
REMINDER_TEXT = "Nhắc: hạn gửi báo cáo tháng là ngày 5."


async def remind(database: Database, clock: Clock, *, last_seen_days_ago: int) -> None:
    async with database.transaction() as session:
        member = await find_or_create_member(
            session, channel="zalo_oa", platform_user_id=USER, chat_id=USER, display_name=None
        )
        seen = clock() - timedelta(days=last_seen_days_ago)
        await session.execute(
            update(identities)
            .where(identities.c.id == member.identity_id)
            .values(last_seen_at=seen)
        )
        await enqueue(
            session,
            NewMessage(
                channel="zalo_oa",
                kind=REMINDER,
                not_before=clock(),
                identity_id=member.identity_id,
                member_id=member.id,
                text=REMINDER_TEXT,
            ),
        )


async def outbox_row(database: Database) -> dict[str, object]:
    async with database.transaction() as session:
        (row,) = (await session.execute(select(outbox))).all()
    return dict(row._mapping)


@pytest.mark.parametrize(("paid", "status"), [(False, OUTSIDE_WINDOW), (True, "sent")])
async def test_a_reminder_past_the_free_48_hours_goes_only_when_paid_messages_are_allowed(
    database: Database, paid: bool, status: str
) -> None:
    clock = Clock()
    async with running_oa(database, clock=clock) as bot:
        await OaUser(bot.server, USER).say("Xin chào", expect=t("language.prompt"))
        await remind(database, clock, last_seen_days_ago=3)  # inside 7 days, past 48 h
        bot.channel.paid_messages = paid
        transport, close = await bot.channel.open_transport(4)
        sender = OutboxSender(database, "zalo_oa", transport, RateLimiter(UNLIMITED), clock=clock)
        try:
            assert await sender.deliver_due() == 1
        finally:
            await close()
        assert (REMINDER_TEXT in bot.server.texts(USER)) is paid
    row = await outbox_row(database)
    assert row["status"] == status


async def test_a_spent_quota_pauses_the_oa_s_sends_keeps_the_message_and_shows_on_healthz(
    sqlite_database: Database,
) -> None:
    clock = Clock()
    async with running_oa(sqlite_database, clock=clock) as bot:
        await OaUser(bot.server, USER).say("Xin chào", expect=t("language.prompt"))
        await remind(sqlite_database, clock, last_seen_days_ago=0)
        bot.server.fail_next("/v3.0/oa/message/cs", error=-211)
        transport, close = await bot.channel.open_transport(4)
        sender = OutboxSender(
            sqlite_database, "zalo_oa", transport, RateLimiter(UNLIMITED), clock=clock
        )
        try:
            assert await sender.deliver_due() == 1
        finally:
            await close()
        row = await outbox_row(sqlite_database)
        assert (row["status"], row["last_error"]) == ("queued", "ZaloOaQuotaExceeded")
        assert row["attempts"] == 0  # not this message's fault
        (problem,) = bot.channel.health_problems()
        assert "message quota is spent (-211)" in problem
        clock.now += timedelta(hours=2)
        assert bot.channel.health_problems() == []
