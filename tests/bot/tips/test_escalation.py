"""The 24-hour rule: unacknowledged tips go up to the commune's admins once; closed tips'
sender routes are erased after the retention period. Both periods are settings."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot.delivery.service import start_delivery
from bot.scheduler import DAILY_JOBS, RULES, DeliveryScheduler
from bot.settings import Settings
from bot.tips.rules import TipEscalation, TipRouteErasure, tip_daily_jobs, tip_rules
from conversations.fields import format_tip_code
from conversations.i18n import Catalogues
from storage._sql import member_roles, outbox, tips
from storage.database import Database
from tests.bot.harness import rows
from tests.bot.tips.harness import (
    ADMIN,
    OFFICER_A,
    act,
    member_id,
    new_tip,
    officer_phone,
    staff,
)
from tests.conversations.harness import Clock, t


async def escalations(database: Database) -> list[dict[str, object]]:
    return [
        row
        for row in await rows(database, outbox)
        if str(row["dedup_key"] or "").startswith("tip-escalated:")
    ]


ROUTE_RETENTION = timedelta(days=90)


def scheduler(
    database: Database, clock: Clock, *, hours: int = 24, retention: timedelta = ROUTE_RETENTION
) -> DeliveryScheduler:
    return DeliveryScheduler(
        database,
        rules=tip_rules(timedelta(hours=hours)),
        daily_jobs=tip_daily_jobs(retention),
        clock=clock,
    )


@dataclass
class _App:
    settings: Settings
    database: Database
    catalogues: Catalogues


def test_the_periods_default_to_24_hours_and_90_days(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ANTQ_TIP_ESCALATE_HOURS", "ANTQ_TIP_ROUTE_RETENTION_DAYS"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.tip_escalate_after == timedelta(hours=24)
    assert settings.tip_route_retention == timedelta(days=90)
    monkeypatch.setenv("ANTQ_TIP_ESCALATE_HOURS", "48")
    monkeypatch.setenv("ANTQ_TIP_ROUTE_RETENTION_DAYS", "30")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.tip_escalate_after == timedelta(hours=48)
    assert settings.tip_route_retention == timedelta(days=30)


async def test_antq_run_schedules_the_rules_with_the_settings(sqlite_database: Database) -> None:
    settings = Settings(
        database_url=sqlite_database.url, tip_escalate_hours=48, tip_route_retention_days=30
    )
    app = _App(settings, sqlite_database, Catalogues.load())
    delivery = await start_delivery(app, [])  # type: ignore[arg-type]
    try:
        (escalation,) = [r for r in delivery.scheduler.rules if isinstance(r, TipEscalation)]
        (erasure,) = [j for j in delivery.scheduler.daily_jobs if isinstance(j, TipRouteErasure)]
    finally:
        await delivery.stop()
    assert escalation.after == timedelta(hours=48)
    assert erasure.retention == timedelta(days=30)
    # Only there: the settings-free lists hold neither.
    assert not any(isinstance(rule, TipEscalation | TipRouteErasure) for rule in RULES)
    assert not any(isinstance(job, TipEscalation | TipRouteErasure) for job in DAILY_JOBS)


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


async def test_the_route_to_the_sender_is_erased_after_the_retention(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    officer = await officer_phone(commune, clock, OFFICER_A)
    await act(officer, code, "take")
    await act(officer, code, "closed", "khong")
    ticks = scheduler(commune, clock)
    clock.advance(days=ROUTE_RETENTION.days - 1)
    await ticks.run_daily()
    (tip,) = await rows(commune, tips)
    assert tip["sender_route"] is not None
    clock.advance(days=2)
    await ticks.run_daily()
    (tip,) = await rows(commune, tips)
    assert tip["sender_route"] is None and tip["status"] == "closed"


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


async def test_a_shorter_retention_erases_the_route_sooner(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    officer = await officer_phone(commune, clock, OFFICER_A)
    await act(officer, code, "take")
    await act(officer, code, "closed", "khong")
    ticks = scheduler(commune, clock, retention=timedelta(days=7))
    clock.advance(days=6)
    await ticks.run_daily()
    (tip,) = await rows(commune, tips)
    assert tip["sender_route"] is not None
    clock.advance(days=2)
    await ticks.run_daily()
    (tip,) = await rows(commune, tips)
    assert tip["sender_route"] is None
