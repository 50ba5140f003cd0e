"""The movement's year in chat, through the processor: /tongquan's lines and chart, a leader's
/dangkyantoan, an admin's /xeploai and /congnhan with their policy, /baocaonam's file."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import docx

from conversations.replies import Document, Text
from storage._sql import standard_recognitions, standard_registrations, unit_grades
from storage.areas import area_by_code
from storage.database import Database
from storage.people.members import find_or_create_member
from storage.people.roles import grant_role
from tests.bot.channels.harness import ConsoleUser, console_app, console_chat
from tests.bot.harness import Phone, phone_at_menu, rows
from tests.bot.movement_year.harness import ADMIN, LEADER, NOW, PROVINCE_ADMIN, YEAR, seed_year
from tests.conversations.harness import Clock, t


async def phone_of(database: Database, user_id: str, now: datetime = NOW) -> Phone:
    phone = await phone_at_menu(database, Clock(now), user_id)
    return phone


def documents(phone: Phone) -> list[Document]:
    return [reply for reply in phone.replies if isinstance(reply, Document)]


async def test_tongquan_for_the_year_answers_in_lines_and_a_chart(database: Database) -> None:
    await seed_year(database)
    phone = await phone_of(database, ADMIN)
    await phone.send(text="/tongquan")
    assert phone.asked("overview.ask_period")
    await phone.send(text="ca nam")
    text = phone.text
    span = t("year.span.year", year=YEAR)
    assert t("year.title", place="Xã Đô Lương, Nghệ An", span=span) in text
    assert "74,2% (245/330" in text
    (chart,) = documents(phone)
    assert chart.filename == "chitieu-17662-2026.png"
    assert chart.data.startswith(b"\x89PNG")
    assert phone.replies[-1].text == t("menu.prompt")  # the menu closes the answer


async def test_tongquan_of_a_month_adds_the_targets_to_the_monthly_lines(
    database: Database,
) -> None:
    await seed_year(database)
    phone = await phone_of(database, ADMIN)
    await phone.send(text="/tongquan")
    await phone.send(text="ky nay")  # on 10 December leaders still file November
    text = phone.text
    assert t("overview.title", period="11/2026", place="Xã Đô Lương, Nghệ An") in text
    span = t("year.span.month", month="11", year=YEAR)
    assert t("year.title", place="Xã Đô Lương, Nghệ An", span=span) in text
    assert len(documents(phone)) == 1


async def test_a_leader_registers_the_area_and_a_slip_is_asked_again(database: Database) -> None:
    await seed_year(database)
    phone = await phone_of(database, LEADER)
    await phone.send(text="/dangkyantoan")
    assert phone.asked("year.register.ask_households")
    await phone.send(text="75")  # Thôn Ba has 60 households
    assert t("year.register.more_than_area", households=60, given=75) in phone.text
    await phone.send(text="58")
    assert phone.asked("year.register.ask_date")
    await phone.send(text="20/03/2026")
    await phone.send(text="1")  # confirm the summary
    assert t("year.register.done", area="Thôn Ba, Xã Đô Lương", year=YEAR, households=58) in (
        phone.text
    )
    registered = {
        row["households_registered"] for row in await rows(database, standard_registrations)
    }
    assert 58 in registered


async def test_a_commune_admin_grades_areas_but_not_the_commune(database: Database) -> None:
    await seed_year(database)
    phone = await phone_of(database, ADMIN)
    await phone.send(text="/xeploai")
    await phone.send(text="17662")
    await phone.send(text="kha")
    await phone.send(text="1")
    assert t("year.grade.not_above", unit="Xã Đô Lương, Nghệ An") in phone.text
    province = await phone_of(database, PROVINCE_ADMIN)
    await province.send(text="/xeploai")
    await province.send(text="17662")
    await province.send(text="kha")
    await province.send(text="1")
    assert (
        t("year.grade.done", unit="Xã Đô Lương, Nghệ An", year=YEAR, grade=t("year.grade.good"))
        in province.text
    )
    grades = [row["grade"] for row in await rows(database, unit_grades)]
    assert grades.count("good") == 3  # two areas, and now the commune


async def test_only_a_registered_area_can_be_recognised(database: Database) -> None:
    await seed_year(database)
    phone = await phone_of(database, ADMIN)
    await phone.send(text="/congnhan")
    await phone.send(text="thon ba")
    await phone.send(text="cong nhan")
    await phone.send(text="1")
    assert t("year.recognise.not_registered", area="Thôn Ba, Xã Đô Lương", year=YEAR) in (
        phone.text
    )
    assert len(await rows(database, standard_recognitions)) == 2  # the harness's two


async def test_an_admin_gets_the_yearly_draft_as_a_file(database: Database) -> None:
    await seed_year(database)
    phone = await phone_of(database, ADMIN)
    await phone.send(text="/baocaonam")
    assert phone.asked("year.report.ask_span")  # one commune: not asked which
    await phone.send(text="ca nam")
    (draft,) = documents(phone)
    assert draft.filename == "bao-cao-2026-17662.docx"
    document = docx.Document(io.BytesIO(draft.data))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in document.tables[0].rows[0].cells[1].text


async def test_a_leader_cannot_open_the_admins_flows(database: Database) -> None:
    await seed_year(database)
    phone = await phone_of(database, LEADER)
    for command in ("/xeploai", "/congnhan", "/baocaonam"):
        await phone.send(text=command)
        assert phone.replies[0] == Text(t("policy.denied"))


async def test_the_console_saves_the_chart_and_shows_where(
    sqlite_database: Database, tmp_path: Path
) -> None:
    await seed_year(sqlite_database)
    async with sqlite_database.transaction() as session:
        admin = await find_or_create_member(
            session, channel="console", platform_user_id="42", chat_id="42", display_name=None
        )
        commune = await area_by_code(session, "17662")
        assert commune is not None
        await grant_role(
            session, member_id=admin.id, role="admin", area_id=commune.id, granted_by=None
        )
    user = ConsoleUser()
    async with console_chat(console_app(sqlite_database, tmp_path, Clock(NOW)), user):
        user.types("1", "/tongquan", "ca nam")
    saved = (tmp_path / "exports" / "chitieu-17662-2026.png").resolve()
    assert t("console.file_saved", path=saved) in user.screen
    assert saved.read_bytes().startswith(b"\x89PNG")
