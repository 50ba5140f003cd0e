"""The month's opinions and proposals in the overview (/tongquan): received, answered, done,
by subject, for the officer's own commune only."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import docx

from bot.movement_year.report import write_report
from bot.places import place_of
from conversations.calendar import ReportCalendar
from conversations.movement_year import SpanOfYear
from conversations.targets import DEFAULT_TARGETS, Span, YearCalendar
from storage.areas import area_by_code
from storage.database import Database
from storage.opinions import NewOpinion, add_answer, insert_opinion, mark_done
from tests.bot.harness import phone_at_menu
from tests.bot.movement_year.harness import COMMUNE, TODAY, YEAR, seed_year
from tests.bot.opinions.harness import OFFICER, OTHER_OFFICER, commune, send_opinion
from tests.conversations.harness import CATALOGUES, Clock, t


async def test_the_overview_counts_the_months_opinions(database: Database) -> None:
    await commune(database)
    clock = Clock()
    await send_opinion(database, clock, "anonymous", user_id="7100001")
    await send_opinion(database, clock, "named", user_id="7100002", words="Cần thêm đèn ở ngõ 9.")
    officer = await phone_at_menu(database, clock, OFFICER, name="Cán bộ")
    await officer.send(text="/xemgopy")
    await officer.send(text="1")
    await officer.send(text="1")  # answer the first
    await officer.send(text="Xã đã ghi nhận, sẽ sửa trong tuần.")
    await officer.send(text="/xemgopy")
    await officer.send(text="2")
    await officer.send(text="2")  # the second: done without an answer

    await officer.send(text="/tongquan")
    await officer.send(text="1")  # the period being reported
    subjects = t("opinions.category.lighting") + " 2"
    line = t("opinions.overview", received=2, answered=1, done=1, subjects=subjects)
    assert line in officer.text, officer.text

    other = await phone_at_menu(database, clock, OTHER_OFFICER, name="Cán bộ khác")
    await other.send(text="/tongquan")
    await other.send(text="1")
    assert t("overview.ask_period") not in other.text  # the overview was shown
    heading = line.split(":")[0]  # "Góp ý, kiến nghị của Nhân dân"
    assert heading not in other.text


def opinion(code: str, category: str, area_id: int) -> NewOpinion:
    return NewOpinion(
        code=code,
        category=category,
        text="Đề nghị lắp thêm đèn và camera ở ngã ba.",
        place_text=None,
        latitude=None,
        longitude=None,
        photo=None,
        anonymous=True,
        member_id=None,
        sender_route=None,
        locale="vi",
        area_id=area_id,
    )


async def test_the_yearly_draft_counts_the_years_opinions_after_the_tips(
    database: Database,
) -> None:
    ids = await seed_year(database)
    received = datetime(YEAR, 5, 4, 2, 0, tzinfo=UTC)
    async with database.transaction() as session:
        first = await insert_opinion(
            session, opinion("AAAA0001", "camera", ids[COMMUNE]), now=received
        )
        await insert_opinion(session, opinion("AAAA0002", "camera", ids[COMMUNE]), now=received)
        await insert_opinion(session, opinion("AAAA0003", "traffic", ids[COMMUNE]), now=received)
        await add_answer(session, first, "Đã lắp camera.", now=received)
        await mark_done(session, first, now=received)
        area = await area_by_code(session, COMMUNE)
        assert area is not None
        data = await write_report(
            session,
            place_of(area),
            SpanOfYear(Span.YEAR, YEAR),
            TODAY,
            CATALOGUES,
            book=DEFAULT_TARGETS,
            calendar=YearCalendar(),
            reports=ReportCalendar(),
            recipients=(),
        )
    paragraphs = [paragraph.text for paragraph in docx.Document(io.BytesIO(data)).paragraphs]
    subjects = f"{t('opinions.category.traffic')} 1, {t('opinions.category.camera')} 2"
    line = t("opinions.year_doc", received=3, answered=1, done=1, subjects=subjects)
    assert line in paragraphs
    tips_at = paragraphs.index(t("year.doc.section.tips"))
    assert tips_at < paragraphs.index(line) < paragraphs.index(t("year.doc.section.limitations"))
