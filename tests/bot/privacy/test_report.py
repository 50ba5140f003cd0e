"""`antq privacy report`: for each category, its period, what the last runs erased (with their
dates) and what is past its period now, in words a clerk reads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.privacy.retention import RetentionRule, RetentionSchedule
from conversations.localtime import shown
from storage._sql import tips
from storage.database import Database
from storage.reply_path.updates import claim_update
from storage.tables import utcnow
from storage.tips import insert_tip
from tests.bot.harness import CommandLine
from tests.bot.privacy.harness import settings
from tests.conversations.harness import t
from tests.storage.harness import new_tip


def blocks(report: str) -> dict[str, str]:
    """The report's paragraphs by their first line's title."""
    paragraphs = [part.strip() for part in report.split("\n\n")]
    return {part.splitlines()[0].split(". ", 1)[-1]: part for part in paragraphs}


async def _closed_tip(database: Database, code: str, days_ago: int) -> None:
    async with database.transaction() as session:
        tip_id = await insert_tip(session, new_tip(code=code, contact_phone="+84912345678"))
        await session.execute(
            update(tips)
            .where(tips.c.id == tip_id)
            .values(status="closed", closed_at=utcnow() - timedelta(days=days_ago))
        )


async def _history(database: Database) -> str:
    """A run two days ago erased a claim and a phone; since then one of each fell due."""
    now = utcnow()
    ran_at = now - timedelta(days=2)
    async with database.transaction() as session:
        await claim_update(
            session, channel="telegram", update_key="1", now=ran_at - timedelta(days=8)
        )
    await _closed_tip(database, "OLD00001", 100)
    async with database.transaction() as session:
        await RetentionRule(RetentionSchedule.from_settings(settings()))(ran_at, session)
    async with database.transaction() as session:
        await claim_update(session, channel="telegram", update_key="2", now=now - timedelta(days=8))
        await claim_update(session, channel="telegram", update_key="3", now=now)
    await _closed_tip(database, "NEW00002", 95)
    await _closed_tip(database, "NOW00003", 10)
    return shown(ran_at)


def test_the_report_shows_periods_erased_and_due(antq: CommandLine) -> None:
    empty = antq("privacy", "report")
    assert empty.exit_code == 0, empty.output
    assert t("retention.report.never_run") in empty.output

    ran_at = antq.on_database(_history)
    result = antq("privacy", "report")
    assert result.exit_code == 0, result.output
    # Thread messages are kept and on the schedule: no line says the system does not keep them.
    assert "chưa lưu" not in result.output and "retention.report" not in result.output
    report = blocks(result.output)
    assert result.output.startswith(t("retention.report.title"))

    claims = report[t("retention.processed_updates")]
    assert t("retention.processed_updates.period", days=7) in claims
    assert t("retention.report.run", at=ran_at, count=1) in claims
    assert t("retention.report.due", count=1) in claims

    phones = report[t("retention.tip_phones")]
    assert t("retention.tip_phones.period", days=90) in phones
    assert t("retention.report.run", at=ran_at, count=1) in phones
    assert t("retention.report.due", count=1) in phones  # closed 95 days ago, not 10

    drafts = report[t("retention.drafts")]
    assert t("retention.drafts.period", hours=24) in drafts
    assert t("retention.drafts.own_period", flow=t("menu.monthly_report"), days=31) in drafts
    assert "912345678" not in result.output


def test_the_report_speaks_english_and_refuses_an_unknown_language(
    antq: CommandLine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTQ_RETENTION_AUDIT_DAYS", "730")
    result = antq("privacy", "report", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(t("retention.report.title", "en"))
    assert t("retention.audit.period", "en", days=730) in result.output
    refused = antq("privacy", "report", "--lang", "fr")
    assert refused.exit_code == 1 and "unknown language" in refused.output
