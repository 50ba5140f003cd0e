"""Answering a survey is a conversation like the others: the draft of another flow put aside
stays there; a named survey shows its texts with their authors (an anonymous one never does);
a survey's number that is not one's own is refused politely."""

from __future__ import annotations

from sqlalchemy import select

from storage.database import Database
from storage.surveys import survey_responses
from tests.bot.delivery.harness import local
from tests.bot.harness import make_processor
from tests.bot.surveys.harness import ChannelPhone, seed, write_survey
from tests.conversations.harness import Clock, t

START = local(2026, 11, 24, 9, 0)


async def test_a_tip_put_aside_to_answer_a_survey_is_still_there_after(database: Database) -> None:
    await seed(database, START)
    processor = make_processor(database, Clock(START))
    admin = ChannelPhone.of(processor, "admin")
    await write_survey(admin)
    await admin.send("1")

    tay = ChannelPhone.of(processor, "dan_tay")
    await tay.send("/tinbao")
    await tay.send("1")  # the tip's first answer: a category
    await tay.send("/khaosat 1")
    assert t("surveys.answer.anonymous") in tay.text, tay.text
    for answer in ("2", "1", "Cần thêm camera ở ngã ba"):
        await tay.send(answer)
    assert t("surveys.answer.thanks") in tay.text
    # Back at the menu, the tip's draft is offered first, as it was left.
    assert t("menu.resume", flow=t("menu.tip")) in tay.text, tay.text


async def test_a_named_surveys_texts_show_who_wrote_them(database: Database) -> None:
    ids = await seed(database, START)
    processor = make_processor(database, Clock(START))
    admin = ChannelPhone.of(processor, "admin")
    await write_survey(admin, anonymous=False)
    await admin.send("1")
    dong = ChannelPhone.of(processor, "dan_dong")
    await dong.send("/khaosat 1")
    assert t("surveys.answer.named") in dong.text
    for answer in ("1", "0", "Đề nghị họp dân hằng tháng"):
        await dong.send(answer)
    async with database.session() as session:
        (member,) = (await session.execute(select(survey_responses.c.member_id))).scalars()
    assert member == ids["dan_dong"]
    await admin.send("/ketquakhaosat 1")
    await admin.send("1")
    assert "• dan_dong: Đề nghị họp dân hằng tháng" in admin.text, admin.text


async def test_a_wrong_number_or_another_places_survey_is_refused(database: Database) -> None:
    await seed(database, START)
    processor = make_processor(database, Clock(START))
    admin = ChannelPhone.of(processor, "admin")
    await write_survey(admin)
    await admin.send("1")
    dong = ChannelPhone.of(processor, "dan_dong")
    await dong.send("/khaosat 7")
    assert t("surveys.answer.not_found", number=7) in dong.text
    other_admin = ChannelPhone.of(processor, "admin_son")
    await other_admin.send("/ketquakhaosat 1")
    assert t("surveys.not_found", number=1) in other_admin.text
