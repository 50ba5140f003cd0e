"""/export and /overview through the processor: officers get their place's file and figures."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import load_workbook
from sqlalchemy import select

from conversations.replies import Document, Inbound, Reply
from storage._sql import audit_log
from storage.database import Database
from tests.bot.exports.harness import seed_province
from tests.bot.harness import make_processor, member_with_roles, phone_at_menu
from tests.conversations.harness import Clock, t

OFFICER = "7770001"
# 20 November 2026: leaders file for November now, so the previous period is October.
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


async def seed_officer(database: Database) -> None:
    await seed_province(database)
    await member_with_roles(database, OFFICER, [("officer", "17662")], display_name="Công an xã")


async def test_an_officer_gets_an_xlsx_of_their_commune_only(database: Database) -> None:
    await seed_officer(database)
    phone = await phone_at_menu(database, Clock(NOW), OFFICER)
    await phone.send(text="/xuatfile")
    assert phone.asked("export.ask_what")
    await phone.send(text="thang truoc")  # no diacritics
    assert phone.asked("export.ask_format")
    await phone.send(text="excel")
    assert t("export.preparing") in phone.text
    *_, document, menu = phone.replies  # the file first, then the menu
    assert isinstance(document, Document)
    assert menu.text == t("menu.prompt")
    assert document.filename == "antq-reports-17662-2026-10.xlsx"
    assert t("export.ready", rows=6) == document.text  # 2 updates, 3 areas, 1 commune
    book = load_workbook(io.BytesIO(document.data), read_only=True)
    areas = [row[1] for row in book["Khu dân cư"].iter_rows(min_row=2, values_only=True)]
    assert areas == ["17662-001", "17662-002", "17662-003"]  # not Lương Sơn's
    async with database.transaction() as session:
        (entry,) = list(await session.execute(select(audit_log)))
    assert entry.action == "export.made"


async def test_zalo_officers_are_told_where_exports_are_available(database: Database) -> None:
    await seed_province(database)
    await member_with_roles(database, "z1", [("officer", "17662")], channel="zalo")
    processor = make_processor(database, Clock(NOW))
    replies: tuple[Reply, ...] = ()
    for text in ("/start", "1", "/export", "1", "2"):
        replies = (await processor.process(Inbound("zalo", "z1", "z1", text=text))).replies
    assert not any(isinstance(reply, Document) for reply in replies)
    assert t("export.no_files_here") == replies[-2].text  # before the menu


async def test_a_resident_cannot_export(database: Database) -> None:
    await seed_province(database)
    phone = await phone_at_menu(database, Clock(NOW), "123")
    await phone.send(text="/export")
    assert t("policy.denied") in phone.text


async def test_the_overview_answers_in_a_few_lines(database: Database) -> None:
    await seed_officer(database)
    phone = await phone_at_menu(database, Clock(NOW), OFFICER)
    await phone.send(text="/tongquan")
    assert phone.asked("overview.ask_period")
    await phone.send(text="ky truoc")
    text = phone.replies[0].text
    assert t("overview.title", period="10/2026", place="Xã Đô Lương, Nghệ An") in text
    assert t("overview.filing", areas=3, on_time=1, late=1, not_yet=0, missing=1) in text
    assert t("overview.unfiled_names", names="Thôn Nam") in text
    # Thôn Nam (70 households) has not filed: counted, its pledges unknown, no verdict yet.
    verdict = t("overview.undetermined")
    assert (
        t("overview.coverage", percent="52,3", pledged=115, households=220, verdict=verdict) in text
    )
    assert t("overview.coverage_unfiled", areas=1, households=70) in text
    # One model registered in Đô Lương, active; the two updates report one each.
    assert t("overview.models_registered", registered=1, active=1, reported=2) in text
    assert t("overview.models", with_model=1, communes=1) in text
