"""The one reminder is queued a page a tick, after the last member reached: across ticks
everybody who has not answered gets it exactly once, and nobody who answered does."""

from __future__ import annotations

from sqlalchemy import select

from bot.broadcasts.rules import fan_out_broadcasts
from bot.scheduler import DeliveryScheduler
from bot.surveys.rules import remind_surveys
from storage._sql import outbox
from storage.database import Database
from tests.bot.delivery.harness import local
from tests.bot.harness import SEALER, make_processor
from tests.bot.surveys.harness import RESIDENTS, ChannelPhone, seed, write_survey
from tests.conversations.harness import Clock


async def reminded(database: Database) -> list[int]:
    async with database.session() as session:
        rows = await session.execute(
            select(outbox.c.member_id).where(outbox.c.message_key == "surveys.reminder")
        )
        return sorted(rows.scalars())


async def test_the_reminder_goes_page_by_page_to_each_who_has_not_answered_once(
    database: Database,
) -> None:
    clock = Clock(local(2026, 11, 24, 9, 0))
    ids = await seed(database, clock.now)
    processor = make_processor(database, clock)
    admin = ChannelPhone.of(processor, "admin")
    await write_survey(admin)
    await admin.send("1")
    for name in ("dan_dong", "dan_tay"):
        phone = ChannelPhone.of(processor, name)
        for text in ("/khaosat 1", "1", "2", "Không có ý kiến"):
            await phone.send(text)

    ticking = DeliveryScheduler(
        database, rules=[fan_out_broadcasts, remind_surveys(SEALER, batch=2)], clock=clock
    )
    clock.now = local(2026, 11, 26, 17, 1)
    expected = sorted(ids[name] for name in RESIDENTS if name not in ("dan_dong", "dan_tay"))
    seen: list[list[int]] = []
    for _ in range(len(RESIDENTS)):  # more ticks than pages
        await ticking.tick()
        seen.append(await reminded(database))
    assert seen[0] and len(seen[0]) < len(expected)  # one page at the first tick
    assert seen[-1] == expected
    assert len(set(seen[-1])) == len(seen[-1])
