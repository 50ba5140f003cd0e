"""The retention schedule, run each morning on a controlled clock: every category is erased
only after its period, and nothing else is touched (a tip itself is never deleted)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import update

from bot.delivery.service import start_delivery
from bot.privacy.retention import (
    AUDIT,
    COMMENDED_PERSONS,
    DRAFTS,
    FINISHED_OUTBOX,
    INACTIVE_MEMBERS,
    LINK_CODES,
    OPINION_ROUTES,
    PROCESSED_UPDATES,
    SURVEY_DRAFTS,
    SURVEY_MARKS,
    SURVEY_RESPONSES,
    TIP_PHONES,
    TIP_ROUTES,
    TIP_THREADS,
    WEB_LOGIN_LINKS,
    WEB_SESSIONS,
    RetentionRule,
    RetentionSchedule,
)
from bot.scheduler import RULES
from conversations.i18n import Catalogues
from storage._sql import (
    audit_log,
    conversations,
    identities,
    members,
    outbox,
    processed_updates,
    retention_runs,
)
from storage.audit import TIP_VIEWED, record_audit
from storage.conversations import save_conversation
from storage.database import Database
from storage.delivery.outbox import REMINDER, NewMessage, claim_due, enqueue, mark_sent
from storage.reply_path.updates import claim_update
from storage.tables import utcnow
from tests.bot.harness import SEALER, Phone, at_menu, make_processor, phone_at_menu, rows
from tests.bot.privacy.harness import PHONE, mornings, settings, tip_row, tip_with_phone
from tests.bot.tips.harness import OFFICER_A, act, officer_phone, staff_id
from tests.conversations.harness import DESCRIPTION, Clock


async def _drafts(database: Database) -> dict[int, dict[str, object]]:
    return {int(str(row["member_id"])): row for row in await rows(database, conversations)}


def test_the_periods_are_settings_with_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    schedule = RetentionSchedule.from_settings(settings())
    assert {name: period.days for name, period in schedule.periods.items()} == {
        PROCESSED_UPDATES: 7,
        FINISHED_OUTBOX: 45,
        TIP_PHONES: 90,
        TIP_ROUTES: 90,
        TIP_THREADS: 90,
        AUDIT: 1825,
        INACTIVE_MEMBERS: 1095,
        WEB_LOGIN_LINKS: 0,  # gone the first morning they open nothing
        WEB_SESSIONS: 0,
        COMMENDED_PERSONS: 1825,
        LINK_CODES: 0,
        OPINION_ROUTES: 90,  # as a closed tip's route
        SURVEY_RESPONSES: 365,
        SURVEY_MARKS: 365,  # with the responses
        SURVEY_DRAFTS: 0,  # a closed survey takes no answer
    }
    assert schedule.drafts.default == timedelta(hours=24)
    assert schedule.drafts.of("monthly_report") == timedelta(days=31)
    monkeypatch.setenv("ANTQ_RETENTION_TIP_ROUTES_DAYS", "30")
    monkeypatch.setenv("ANTQ_DRAFT_TTL_HOURS", "12")
    schedule = RetentionSchedule.from_settings(settings())
    assert schedule.periods[TIP_ROUTES] == timedelta(days=30)
    assert schedule.periods[OPINION_ROUTES] == timedelta(days=30)
    assert schedule.drafts.of("tip") == timedelta(hours=12)


def test_an_outbox_period_shorter_than_a_month_is_refused() -> None:
    # Finished rows carry the dedup keys that stop a monthly rule from sending twice.
    with pytest.raises(ValidationError):
        settings(retention_outbox_days=10)


async def test_antq_run_schedules_the_retention_with_the_settings(
    sqlite_database: Database,
) -> None:
    class App:
        settings = settings(database_url=sqlite_database.url, retention_audit_days=400)
        database = sqlite_database
        catalogues = Catalogues.load()
        sealer = SEALER  # the surveys' reminder rule needs the server key

    delivery = await start_delivery(App(), [])  # type: ignore[arg-type]
    try:
        (rule,) = [job for job in delivery.scheduler.daily_jobs if isinstance(job, RetentionRule)]
    finally:
        await delivery.stop()
    assert rule.schedule.periods[AUDIT] == timedelta(days=400)
    assert not any(isinstance(each, RetentionRule) for each in RULES)


async def test_an_unfinished_tip_is_erased_the_first_morning_after_its_lifetime(
    commune: Database,
) -> None:
    clock = Clock()
    tipster = await phone_at_menu(commune, clock, "77")
    await tipster.send(text="1")
    await tipster.send(text="1")
    await tipster.send(text=DESCRIPTION)  # and goes away
    runs = mornings(commune, clock)
    clock.advance(hours=23)
    await runs.run_daily()
    assert DESCRIPTION in str(await rows(commune, conversations))
    clock.advance(hours=2)
    await runs.run_daily()
    # The draft's time is kept to the day (a member's row) and counts from the day's end, so
    # that its lifetime is never cut short: it may live up to a day longer.
    assert DESCRIPTION in str(await rows(commune, conversations))
    clock.advance(days=1)
    await runs.run_daily()
    assert DESCRIPTION not in str(await rows(commune, conversations))
    (left,) = await rows(commune, conversations)
    assert (left["flow"], left["data"]) == (None, {})
    # Coming back, they start afresh.
    await tipster.send(text="/tinbao")
    assert tipster.asked("tip.ask.category")


async def test_a_monthly_update_draft_lives_its_month(commune: Database) -> None:
    clock = Clock()
    tipster, leader, aside = [await staff_id(commune, user) for user in ("81", "82", "83")]
    async with commune.transaction() as session:
        for member_id, flow, data in (
            (tipster, "tip", {"answers": {"description": DESCRIPTION}}),
            (leader, "monthly_report", {"answers": {"households": 120}}),
            # Put aside while the leader looks at something else: its own flow's lifetime.
            (aside, None, {"draft": {"flow": "monthly_report", "step": "p2", "answers": {}}}),
        ):
            await save_conversation(
                session,
                member_id,
                flow=flow,
                step="p1" if flow else None,
                data=data,
                expected_version=None,
                now=clock.now,
            )
    runs = mornings(commune, clock)
    clock.advance(days=2)
    await runs.run_daily()
    drafts = await _drafts(commune)
    assert drafts[tipster]["flow"] is None and drafts[tipster]["data"] == {}
    assert drafts[leader]["flow"] == "monthly_report" and drafts[aside]["data"] != {}
    clock.advance(days=30)
    await runs.run_daily()
    drafts = await _drafts(commune)
    assert all(draft["flow"] is None and draft["data"] == {} for draft in drafts.values())


async def test_a_closed_tip_loses_its_phone_then_its_route_and_stays(commune: Database) -> None:
    clock = Clock()
    closed = await tip_with_phone(commune, clock, "91")
    still_open = await tip_with_phone(commune, clock, "92")
    assert (await tip_row(commune, closed))["contact_phone"] == PHONE
    officer = await officer_phone(commune, clock, OFFICER_A)
    await act(officer, closed, "take")
    await act(officer, closed, "closed", "khong")
    runs = mornings(commune, clock, retention_tip_phones_days=30, retention_tip_routes_days=60)

    clock.advance(days=29)
    await runs.run_daily()
    tip = await tip_row(commune, closed)
    assert tip["contact_phone"] == PHONE and tip["sender_route"] is not None

    clock.advance(days=2)
    await runs.run_daily()
    tip = await tip_row(commune, closed)
    assert tip["contact_phone"] is None and tip["sender_route"] is not None

    clock.advance(days=30)
    await runs.run_daily()
    tip = await tip_row(commune, closed)
    assert tip["contact_phone"] is None and tip["sender_route"] is None
    assert tip["status"] == "closed" and tip["description"] == DESCRIPTION
    untouched = await tip_row(commune, still_open)
    assert untouched["contact_phone"] == PHONE and untouched["sender_route"] is not None


async def test_claims_sent_messages_and_audit_entries_go_after_their_periods(
    commune: Database,
) -> None:
    clock = Clock()
    member = await staff_id(commune, "95")
    async with commune.transaction() as session:
        identity = await session.scalar(
            identities.select()
            .with_only_columns(identities.c.id)
            .where(identities.c.member_id == member)
        )
        await claim_update(session, channel="telegram", update_key="1", now=clock.now)
        await record_audit(session, TIP_VIEWED, actor_member_id=member, at=clock.now)
        for key in ("sent", "waiting"):
            message = NewMessage(
                "telegram",
                REMINDER,
                clock.now,
                identity_id=identity,
                member_id=member,
                text="Nhắc việc",
                dedup_key=key,
            )
            await enqueue(session, message, now=clock.now)
        (sent, _) = await claim_due(
            session, channel="telegram", now=clock.now, lease=timedelta(minutes=2), limit=2
        )
        await mark_sent(session, [sent.id], sent.lease_until, now=clock.now)
        await session.execute(
            update(outbox)
            .where(outbox.c.dedup_key == "waiting")
            .values(status="queued", lease_until=None)
        )
    runs = mornings(commune, clock, retention_audit_days=400)

    clock.advance(days=6)
    await runs.run_daily()
    assert len(await rows(commune, processed_updates)) == 1
    clock.advance(days=2)
    await runs.run_daily()
    assert await rows(commune, processed_updates) == []

    clock.advance(days=44 - 8)
    await runs.run_daily()
    assert {row["dedup_key"] for row in await rows(commune, outbox)} == {"sent", "waiting"}
    clock.advance(days=2)
    await runs.run_daily()
    assert {row["dedup_key"] for row in await rows(commune, outbox)} == {"waiting"}

    assert len(await rows(commune, audit_log)) == 1
    clock.advance(days=400 - 46 + 1)
    await runs.run_daily()
    assert await rows(commune, audit_log) == []
    assert {row["dedup_key"] for row in await rows(commune, outbox)} == {"waiting"}


async def test_inactive_members_are_erased_after_their_period_role_holders_never(
    commune: Database,
) -> None:
    # A member's last message is stamped by the database's clock: start from it.
    clock = Clock(utcnow())
    await at_menu(Phone(make_processor(commune, clock), user_id="97"))
    runs = mornings(commune, clock)
    clock.advance(days=1094)
    await runs.run_daily()
    clock.advance(days=2)
    await runs.run_daily()
    # The silent resident is due; the officer, as silent but holding a role, is not.
    erased = [
        row["erased"]
        for row in sorted(await rows(commune, retention_runs), key=lambda row: str(row["ran_at"]))
        if row["category"] == INACTIVE_MEMBERS
    ]
    assert erased == [0, 1]
    assert len(await rows(commune, members)) == 1  # the officer


async def test_each_run_is_recorded_and_logged_as_counts_only(
    commune: Database, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    code = await tip_with_phone(commune, clock, "99")
    officer = await officer_phone(commune, clock, OFFICER_A)
    await act(officer, code, "take")
    await act(officer, code, "closed", "khong")
    caplog.set_level(logging.INFO, logger="bot.privacy.retention")
    clock.advance(days=91)
    await mornings(commune, clock).run_daily()
    counts = {str(row["category"]): row["erased"] for row in await rows(commune, retention_runs)}
    assert counts == {
        DRAFTS: 0,
        PROCESSED_UPDATES: 0,
        FINISHED_OUTBOX: 0,
        TIP_PHONES: 1,
        TIP_ROUTES: 1,
        TIP_THREADS: 0,
        AUDIT: 0,
        INACTIVE_MEMBERS: 0,
        WEB_LOGIN_LINKS: 0,
        WEB_SESSIONS: 0,
        COMMENDED_PERSONS: 0,
        LINK_CODES: 0,
        OPINION_ROUTES: 0,
        SURVEY_RESPONSES: 0,
        SURVEY_MARKS: 0,
        SURVEY_DRAFTS: 0,
    }
    assert "tip_phones=1" in caplog.text and "tip_routes=1" in caplog.text
    assert "912345678" not in caplog.text and code not in caplog.text and "99" not in caplog.text
