"""The 24-hour rule: unacknowledged tips go up to the commune's admins once; closed tips'
sender routes are erased after the retention period."""

from __future__ import annotations

import asyncio

from bot.escalation import (
    ROUTE_RETENTION,
    erase_old_tip_routes,
    escalate_unacknowledged_tips,
)
from bot.scheduler import DAILY_JOBS, RULES, DeliveryScheduler
from conversations.fields import format_tip_code
from storage._sql import member_roles, outbox, tips
from storage.database import Database
from tests.bot.test_roles_processor import rows
from tests.bot.test_tip_inbox import (
    ADMIN,
    OFFICER_A,
    act,
    commune,
    member_id,
    new_tip,
    officer_phone,
    staff,
)
from tests.conversations.scripted import Clock, t

__all__ = ["commune"]  # the fixture, used by name


async def escalations(database: Database) -> list[dict[str, object]]:
    return [
        row
        for row in await rows(database, outbox)
        if str(row["dedup_key"] or "").startswith("tip-escalated:")
    ]


def scheduler(database: Database, clock: Clock) -> DeliveryScheduler:
    return DeliveryScheduler(
        database,
        rules=[escalate_unacknowledged_tips],
        daily_jobs=[erase_old_tip_routes],
        clock=clock,
    )


async def test_the_rules_are_registered_with_the_scheduler() -> None:
    assert escalate_unacknowledged_tips in RULES and erase_old_tip_routes in DAILY_JOBS


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
