"""Writing a survey by chat: questions read from lines, wrong ones explained and asked again;
the preview counts only those the survey can reach now (a Zalo OA user silent for longer than
the OA's window cannot be written to); at night the admin is told it waits for the morning."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from storage._sql import identities
from storage.database import Database
from storage.zalo_oa_window import CUSTOMER_SERVICE_WINDOW
from tests.bot.delivery.harness import local
from tests.bot.harness import make_processor
from tests.bot.surveys.harness import RESIDENTS, ChannelPhone, seed, write_survey
from tests.conversations.harness import Clock, t

START = local(2026, 11, 24, 9, 0)


async def test_a_question_with_one_option_or_too_many_is_asked_again(database: Database) -> None:
    await seed(database, START)
    admin = ChannelPhone.of(make_processor(database, Clock(START)), "admin")
    for text in ("/taokhaosat", "Ý kiến của bà con", "không"):
        await admin.send(text)
    await admin.send("Có nên lắp camera?\nCó")
    assert t("surveys.question.option_count", minimum=2, maximum=6) in admin.text
    await admin.send("Chọn một | A | B | C | D | E | F | G")
    assert t("surveys.question.option_count", minimum=2, maximum=6) in admin.text
    await admin.send("Có nên lắp camera ở ngã ba? | Có | Không")
    assert t("surveys.ask.question_en", number=1) in admin.text, admin.text
    await admin.send("Should a camera be put up? | Yes | No | Maybe")
    assert t("surveys.english.option_count", count=2) in admin.text
    await admin.send("Should a camera be put up at the crossroads?\nYes\nNo")
    assert t("surveys.ask.question", number=2, minimum=2, maximum=6) in admin.text, admin.text


async def test_the_preview_counts_only_those_reachable_now(database: Database) -> None:
    ids = await seed(database, START)
    async with database.transaction() as session:
        await session.execute(
            update(identities)
            .where(identities.c.member_id == ids["dan_dong_oa"])
            .values(last_seen_at=START - CUSTOMER_SERVICE_WINDOW - timedelta(hours=1))
        )
    admin = ChannelPhone.of(make_processor(database, Clock(START)), "admin")
    await write_survey(admin)
    assert t("surveys.reach", count=len(RESIDENTS) - 1) in admin.text, admin.text
    assert t("surveys.quiet_wait") not in admin.text


async def test_a_survey_written_at_night_is_said_to_wait_for_the_morning(
    database: Database,
) -> None:
    night = local(2026, 11, 24, 22, 30)
    await seed(database, night)
    admin = ChannelPhone.of(make_processor(database, Clock(night)), "admin")
    await write_survey(admin)
    assert t("surveys.quiet_wait") in admin.text
