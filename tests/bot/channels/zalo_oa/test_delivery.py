"""What the OA's 7-day customer-service window means for what is not a direct reply: an outbox
message to a user outside it is finished as "outside window" (counted, not retried, nobody
marked blocked), a broadcast's preview counts only who can be reached; -32 waits."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.delivery.limits import UNLIMITED, RateLimiter
from bot.delivery.sender import OutboxSender
from storage._sql import identities, members, outbox
from storage.broadcasts import audience_size
from storage.database import Database
from storage.delivery.outbox import OUTSIDE_WINDOW, REMINDER, NewMessage, enqueue
from storage.people.members import find_or_create_member
from tests.bot.broadcasts.harness import seed
from tests.bot.channels.zalo_oa.harness import OaUser, running_oa
from tests.bot.delivery.harness import FakeClock
from tests.bot.harness import area_id
from tests.conversations.harness import Clock, t

RECENT = "4117380192254473101"
AWAY = "6635522179103391202"


async def reminder_to(database: Database, user_id: str, clock: Clock) -> int:
    async with database.transaction() as session:
        member = await find_or_create_member(
            session, channel="zalo_oa", platform_user_id=user_id, chat_id=user_id, display_name=None
        )
        await enqueue(
            session,
            NewMessage(
                channel="zalo_oa",
                kind=REMINDER,
                not_before=clock(),
                identity_id=member.identity_id,
                member_id=member.id,
                text="Nhắc: hạn gửi báo cáo tháng là ngày 5.",
            ),
        )
        return member.id


async def outbox_rows(database: Database) -> list[dict[str, object]]:
    async with database.transaction() as session:
        result = await session.execute(select(outbox).order_by(outbox.c.id))
        return [dict(row._mapping) for row in result]


async def test_a_reminder_outside_the_window_is_counted_and_not_retried(
    database: Database,
) -> None:
    clock = Clock()
    async with running_oa(database, clock=clock) as bot:
        for user_id in (RECENT, AWAY):
            await OaUser(bot.server, user_id).say("Xin chào", expect=t("language.prompt"))
        bot.server.user_last_interacted(AWAY, days_ago=8)
        await reminder_to(database, RECENT, clock)
        await reminder_to(database, AWAY, clock)
        transport, close = await bot.channel.open_transport(4)
        sender = OutboxSender(database, "zalo_oa", transport, RateLimiter(UNLIMITED), clock=clock)
        try:
            assert await sender.deliver_due() == 2
            clock.advance(hours=2)
            assert await sender.deliver_due() == 0  # nothing comes back to be tried again
        finally:
            await close()
        assert "Nhắc: hạn gửi báo cáo tháng là ngày 5." in bot.server.texts(RECENT)
        assert not any("Nhắc" in text for text in bot.server.texts(AWAY))
    sent, away = await outbox_rows(database)
    assert sent["status"] == "sent"
    assert (away["status"], away["attempts"]) == (OUTSIDE_WINDOW, 1)
    assert away["last_error"] == "ZaloOaError-230" and away["text"] is None
    async with database.transaction() as session:
        active = (await session.execute(select(identities.c.active))).scalars().all()
    assert active == [True, True]  # outside the window is not blocked


async def test_a_rate_limited_reminder_waits_and_then_goes(sqlite_database: Database) -> None:
    clock = Clock()
    async with running_oa(sqlite_database, clock=clock) as bot:
        await OaUser(bot.server, RECENT).say("Xin chào", expect=t("language.prompt"))
        await reminder_to(sqlite_database, RECENT, clock)
        bot.server.fail_next("/v3.0/oa/message/cs", error=-32)
        transport, close = await bot.channel.open_transport(4)
        time = FakeClock(clock())
        limiter = RateLimiter(UNLIMITED, clock=time.monotonic, sleep=time.sleep)
        sender = OutboxSender(sqlite_database, "zalo_oa", transport, limiter, clock=time.now)
        try:
            assert await sender.deliver_due() == 1
            (row,) = await outbox_rows(sqlite_database)
            assert row["status"] == "queued" and row["last_error"] == "ZaloOaRateLimited"
            assert row["attempts"] == 0  # a rate limit is no failed attempt
            assert await sender.deliver_due() == 0  # it waits its minute
            time.advance(60)
            assert await sender.deliver_due() == 1
        finally:
            await close()
        (row,) = await outbox_rows(sqlite_database)
        assert row["status"] == "sent"


async def test_a_reply_is_held_through_a_rate_limit_and_an_outage(
    sqlite_database: Database,
) -> None:
    async with running_oa(sqlite_database, rate_limit_wait=0.2) as bot:
        bot.server.fail_next("/v3.0/oa/message/cs", error=-32)
        bot.server.fail_next("/v3.0/oa/message/cs", http_status=502, times=2)
        delivery = await bot.server.user_sends_text(RECENT, "Xin chào")
        assert delivery.ok
        (prompt,) = await bot.server.wait_for_texts(RECENT, 1, timeout=10)
        assert t("language.prompt") in prompt
        errors = [c.error or c.status for c in bot.server.calls("/v3.0/oa/message/cs")]
        assert errors[:3] == [-32, 502, 502] and errors[-1] == 200


async def test_a_broadcast_preview_counts_only_oa_users_inside_their_window(
    database: Database,
) -> None:
    people = await seed(database)
    clock = Clock()
    home = await area_id(database, "17662-001")
    commune = await area_id(database, "17662")
    async with database.transaction() as session:
        recent = await find_or_create_member(
            session, channel="zalo_oa", platform_user_id=RECENT, chat_id=RECENT, display_name=None
        )
        away = await find_or_create_member(
            session, channel="zalo_oa", platform_user_id=AWAY, chat_id=AWAY, display_name=None
        )
        for member, seen in ((recent, clock()), (away, clock() - timedelta(days=8))):
            await session.execute(
                update(members).where(members.c.id == member.id).values(home_area_id=home)
            )
            await session.execute(
                update(identities)
                .where(identities.c.id == member.identity_id)
                .values(last_seen_at=seen)
            )
    assert people  # the seeded residents on Telegram and Zalo are not on the OA
    audience = {
        "area_ids": [commune],
        "roles": ["resident"],
        "channels": ["zalo_oa"],
    }
    async with database.session() as session:
        assert await audience_size(session, audience) == 2  # everybody with an OA identity
        assert await audience_size(session, audience, now=clock()) == 1  # who can be reached
