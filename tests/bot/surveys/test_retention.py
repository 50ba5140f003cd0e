"""A closed survey's answers (a named survey's link to each author with them) and its
"answered" marks are deleted by the morning run once the period of the settings has passed
since it closed; answers half given go at the closing; an open survey's are never touched,
nor the survey's questions."""

from __future__ import annotations

from sqlalchemy import Table, func, select

from bot.broadcasts.rules import fan_out_broadcasts
from bot.privacy.retention import retention_daily_jobs
from bot.scheduler import DeliveryScheduler
from storage.database import Database
from storage.surveys import survey_answered, survey_drafts, survey_responses, surveys
from tests.bot.delivery.harness import local
from tests.bot.harness import make_processor
from tests.bot.privacy.harness import settings
from tests.bot.surveys.harness import ChannelPhone, seed, write_survey
from tests.conversations.harness import Clock

START = local(2026, 11, 24, 9, 0)


async def _count(database: Database, table: Table, survey_id: int) -> int:
    async with database.session() as session:
        statement = select(func.count()).select_from(table).where(table.c.survey_id == survey_id)
        return int(await session.scalar(statement) or 0)


async def test_a_closed_surveys_answers_go_after_the_period(database: Database) -> None:
    await seed(database, START)
    clock = Clock(START)
    processor = make_processor(database, clock)
    admin = ChannelPhone.of(processor, "admin")
    for anonymous in (False, True):  # survey 1 named, survey 2 anonymous and left open
        await write_survey(admin, anonymous=anonymous)
        await admin.send("1")
    await DeliveryScheduler(database, rules=[fan_out_broadcasts], clock=clock).tick()
    for name in ("dan_dong", "dan_tay"):
        phone = ChannelPhone.of(processor, name)
        for number in (1, 2):
            for text in (f"/khaosat {number}", "1", "2", "Không có ý kiến"):
                await phone.send(text)
    half_way = ChannelPhone.of(processor, "leader_dong")
    for text in ("/khaosat 1", "1", "/menu", "/khaosat 2", "2", "/menu"):
        await half_way.send(text)
    assert await _count(database, survey_drafts, 1) == 1

    await admin.send("/ketquakhaosat 1")
    await admin.send("4")  # close it
    await admin.send("có")
    assert await _count(database, survey_drafts, 1) == 0  # gone at the closing
    assert await _count(database, survey_drafts, 2) == 1  # still open: kept

    runs = DeliveryScheduler(
        database,
        daily_jobs=retention_daily_jobs(settings(retention_survey_responses_days=30)),
        clock=clock,
    )
    clock.advance(days=29)
    await runs.run_daily()
    assert await _count(database, survey_responses, 1) == 2
    assert await _count(database, survey_answered, 1) == 2

    clock.advance(days=2)
    await runs.run_daily()
    assert await _count(database, survey_responses, 1) == 0  # with the named links
    assert await _count(database, survey_answered, 1) == 0
    async with database.session() as session:
        kept = (
            await session.execute(select(surveys.c.id, surveys.c.questions).order_by(surveys.c.id))
        ).all()
    assert [row.id for row in kept] == [1, 2] and all(row.questions for row in kept)
    # The survey never closed (its closing rule is not run here) keeps everything.
    assert await _count(database, survey_responses, 2) == 2
    assert await _count(database, survey_answered, 2) == 2
    assert await _count(database, survey_drafts, 2) == 1
