"""A survey's results on the web console: the list, the results with SVG charts by option and
a table by place, the files; an anonymous survey's texts without authors; officers who may
not send surveys see the tipsters' ratings but no survey."""

from __future__ import annotations

from storage.database import Database
from tests.bot.delivery.harness import local
from tests.bot.harness import make_processor
from tests.bot.surveys.harness import PEOPLE, TITLE, ChannelPhone, seed, write_survey
from tests.bot.web.harness import signed_in
from tests.conversations.harness import Clock, t


async def test_an_admin_follows_a_survey_on_the_web_console(database: Database) -> None:
    start = local(2026, 11, 24, 9, 0)
    await seed(database, start)
    clock = Clock(start)
    processor = make_processor(database, clock)
    admin = ChannelPhone.of(processor, "admin")
    await write_survey(admin)
    await admin.send("1")
    for name, choice in (("dan_dong", "1"), ("dan_tay", "3")):
        phone = ChannelPhone.of(processor, name)
        for text in ("/khaosat 1", choice, "2", f"Ý kiến của {name}"):
            await phone.send(text)
        assert t("surveys.answer.thanks") in phone.text

    async with signed_in(database, clock, (PEOPLE["admin"][0], "admin")) as web:
        listed = await web.get("/web/surveys")
        assert listed.status_code == 200 and TITLE in listed.text
        page = await web.get("/web/surveys/1")
        assert page.status_code == 200
        assert "<svg" in page.text and "50% (1)" in page.text  # Tốt and Chưa tốt: one each
        assert "Thôn Đông" in page.text and "Thôn Tây" in page.text  # the table by place
        assert "Ý kiến của dan_dong" in page.text
        assert "<strong>" not in page.text.split("Ý kiến của dan_dong")[0].rsplit("<li>", 1)[-1]
        exported = await web.get("/web/surveys/1/file/csv")
        assert exported.status_code == 200
        assert "attachment" in exported.headers["content-disposition"]
        assert "Ý kiến của dan_tay" in exported.content.decode("utf-8-sig")
        assert (await web.get("/web/surveys/1/file/pdf")).status_code == 404

    async with signed_in(database, clock, (PEOPLE["officer"][0], "officer")) as web:
        listed = await web.get("/web/surveys")
        assert listed.status_code == 200 and TITLE not in listed.text
        assert t("web.surveys.ratings_title", months=12) in listed.text
        assert (await web.get("/web/surveys/1")).status_code == 404
