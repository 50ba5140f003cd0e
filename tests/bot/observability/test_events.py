"""The process's counters move where the event happens: a platform's 429 to a reply, the
scheduler's rules, the morning's retention run, a sign-in to the web console."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import MemberMessage
from bot.scheduler import DeliveryScheduler
from storage._sql import conversations
from storage.database import Database
from tests.bot.channels.harness import (
    TelegramUser,
    ZaloUser,
    at_menu,
    polling_bot,
    running_bot,
)
from tests.bot.harness import phone_at_menu, rows
from tests.bot.observability.harness import moved, scrape, value
from tests.bot.privacy.harness import mornings
from tests.bot.tips.harness import OFFICER_A, staffed
from tests.bot.web.harness import client, link_from_chat, log_in
from tests.conversations.harness import DESCRIPTION, Clock, t
from tests.fakes.telegram_server import FakeTelegramServer


async def test_a_429_to_a_reply_is_counted_and_the_reply_still_goes(
    sqlite_database: Database, server: FakeTelegramServer
) -> None:
    before = await scrape(sqlite_database)
    async with polling_bot(sqlite_database, server):
        server.fail_next("sendMessage", status=429, retry_after=1)
        await at_menu(TelegramUser(server))
    after = await scrape(sqlite_database)
    assert moved(before, after, "antq_rate_limited_total", channel="telegram", kind="reply") == 1
    assert moved(before, after, "antq_updates_total", channel="telegram", kind="text") == 1


async def test_a_used_up_zalo_quota_on_a_reply_is_counted_and_the_reply_still_goes(
    sqlite_database: Database,
) -> None:
    before = await scrape(sqlite_database)
    async with running_bot(sqlite_database, "polling", quota_wait=0.01) as bot:
        bot.server.fail_next("sendMessage", error_code=429, description="Too Many Requests")
        await ZaloUser(bot.server).say("/start", expect=t("language.prompt"))
    after = await scrape(sqlite_database)
    assert moved(before, after, "antq_rate_limited_total", channel="zalo", kind="reply") == 1
    assert moved(before, after, "antq_updates_total", channel="zalo", kind="text") == 1


async def ok(now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
    return []


async def broken(now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
    raise RuntimeError("a rule's bug")


async def test_the_scheduler_counts_its_rule_runs_and_failures(sqlite_database: Database) -> None:
    scheduler = DeliveryScheduler(sqlite_database, rules=[ok, broken, ok], clock=Clock())
    before = await scrape(sqlite_database)
    await scheduler.tick()
    await scheduler.tick()
    after = await scrape(sqlite_database)
    assert moved(before, after, "antq_scheduler_rule_runs_total", result="ok") == 4
    assert moved(before, after, "antq_scheduler_rule_runs_total", result="failed") == 2


async def test_a_retention_run_is_counted_with_what_it_erased(database: Database) -> None:
    clock = Clock()
    tipster = await phone_at_menu(database, clock, "77")
    await tipster.send(text="1")
    await tipster.send(text="1")
    await tipster.send(text=DESCRIPTION)  # and goes away
    clock.advance(days=3)
    before = await scrape(database)
    await mornings(database, clock).run_daily()
    after = await scrape(database)
    assert DESCRIPTION not in str(await rows(database, conversations))
    assert moved(before, after, "antq_retention_runs_total") == 1
    assert moved(before, after, "antq_retention_erased_total", kind="drafts") == 1
    assert value(after, "antq_retention_last_run_timestamp_seconds") == clock().timestamp()


async def test_sign_ins_to_the_web_console_are_counted_by_result(database: Database) -> None:
    commune = await staffed(database)
    clock = Clock()
    token = await link_from_chat(commune, clock, OFFICER_A)
    assert token is not None
    before = await scrape(commune)
    async with client(commune, clock) as late, client(commune, clock) as first:
        page = await late.get(f"/web/login/{token}")  # opened, not yet pressed
        assert (await log_in(first, token)).status_code == 303
        form = page.text.split('name="login_csrf" value="')[1].split('"')[0]
        spent = await late.post("/web/login", data={"token": token, "login_csrf": form})
        assert spent.status_code == 403
    after = await scrape(commune)
    assert moved(before, after, "antq_web_signins_total", result="success") == 1
    assert moved(before, after, "antq_web_signins_total", result="failure") == 1
