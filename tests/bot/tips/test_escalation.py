"""The 24-hour rule: unacknowledged tips go up to the commune's admins once, after a period
that is a setting. (Closed tips' routes are erased by the retention schedule: tests/bot/privacy.)"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot.delivery.service import start_delivery
from bot.scheduler import RULES, DeliveryScheduler
from bot.sealing import Sealer
from bot.settings import Settings
from bot.tips.rules import TipEscalation, tip_rules
from conversations.fields import format_tip_code
from conversations.i18n import Catalogues
from storage._sql import member_roles, outbox, tips
from storage.database import Database
from tests.bot.harness import SEALER, rows
from tests.bot.tips.harness import (
    ADMIN,
    OFFICER_A,
    act,
    member_id,
    new_tip,
    officer_phone,
    staff,
)
from tests.conversations.harness import CATALOGUES, Clock, t


async def escalations(database: Database) -> list[dict[str, object]]:
    return [
        row
        for row in await rows(database, outbox)
        if str(row["dedup_key"] or "").startswith("tip-escalated:")
    ]


def scheduler(database: Database, clock: Clock, *, hours: int = 24) -> DeliveryScheduler:
    return DeliveryScheduler(
        database, rules=tip_rules(timedelta(hours=hours), CATALOGUES), clock=clock
    )


@dataclass
class _App:
    settings: Settings
    database: Database
    catalogues: Catalogues
    sealer: Sealer = SEALER  # the surveys' reminder rule needs the server key


def test_the_period_defaults_to_24_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTQ_TIP_ESCALATE_HOURS", raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.tip_escalate_after == timedelta(hours=24)
    monkeypatch.setenv("ANTQ_TIP_ESCALATE_HOURS", "48")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.tip_escalate_after == timedelta(hours=48)


async def test_antq_run_schedules_the_rules_with_the_settings(sqlite_database: Database) -> None:
    settings = Settings(database_url=sqlite_database.url, tip_escalate_hours=48)
    app = _App(settings, sqlite_database, Catalogues.load())
    delivery = await start_delivery(app, [])  # type: ignore[arg-type]
    try:
        (escalation,) = [r for r in delivery.scheduler.rules if isinstance(r, TipEscalation)]
    finally:
        await delivery.stop()
    assert escalation.after == timedelta(hours=48)
    # Only there: the settings-free list does not hold it.
    assert not any(isinstance(rule, TipEscalation) for rule in RULES)


async def test_an_unacknowledged_tip_goes_to_the_communes_admins_after_24_hours_once(
    commune: Database,
) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    ticks = scheduler(commune, clock)
    clock.advance(hours=23, minutes=59)
    assert await ticks.tick() == 0
    clock.advance(minutes=2)
    assert await ticks.tick() == 1
    (sent,) = await escalations(commune)
    assert sent["member_id"] == await member_id(commune, ADMIN)
    assert format_tip_code(code) in str(sent["text"]) and "24" in str(sent["text"])
    assert t("tip.category.drugs") in str(sent["text"])
    (tip,) = await rows(commune, tips)
    assert tip["escalated_at"] is not None
    clock.advance(hours=1)
    assert await ticks.tick() == 0
    assert len(await escalations(commune)) == 1


async def test_an_acknowledged_tip_is_not_escalated(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    clock.advance(hours=3)
    await act(await officer_phone(commune, clock, OFFICER_A), code, "take")
    clock.advance(hours=30)
    assert await scheduler(commune, clock).tick() == 0
    assert await escalations(commune) == []


async def test_without_commune_admins_the_province_admins_are_told(commune: Database) -> None:
    async with commune.transaction() as session:
        await session.execute(member_roles.delete().where(member_roles.c.role == "admin"))
    province_admin = await staff(commune, ("605", "Trưởng ban tỉnh"), "admin", "40")
    clock = Clock()
    await new_tip(commune, clock)
    clock.advance(hours=25)
    assert await scheduler(commune, clock).tick() == 1
    (sent,) = await escalations(commune)
    assert sent["member_id"] == province_admin


async def test_two_processes_escalate_a_tip_once(commune: Database) -> None:
    clock = Clock()
    await new_tip(commune, clock)
    clock.advance(hours=25)
    await asyncio.gather(scheduler(commune, clock).tick(), scheduler(commune, clock).tick())
    assert len(await escalations(commune)) == 1


async def test_a_remote_deployment_escalates_after_48_hours(commune: Database) -> None:
    clock = Clock()
    await new_tip(commune, clock)
    ticks = scheduler(commune, clock, hours=48)
    clock.advance(hours=47, minutes=59)
    assert await ticks.tick() == 0
    clock.advance(minutes=2)
    assert await ticks.tick() == 1
    (sent,) = await escalations(commune)
    assert "48" in str(sent["text"])
