"""The year's events besides the Ngày hội, as templates: "Ngày hội Đại đoàn kết toàn dân tộc"
on 18 November, and the review conferences (sơ kết, tổng kết) where commendations are handed
out."""

from __future__ import annotations

from datetime import UTC, datetime

from storage._sql import events
from storage.database import Database
from tests.bot.harness import TREE, phone_at_menu, rows, tree_with_roles
from tests.conversations.harness import Clock, t

ADMIN = "5550101"


async def test_the_great_unity_day_is_on_18_november(database: Database) -> None:
    await tree_with_roles(database, TREE, (ADMIN, "admin", "17662"))
    admin = await phone_at_menu(database, Clock(), ADMIN)
    await admin.send(text="/taosukien")
    await admin.send(text="dai doan ket")
    assert admin.asked("events.new.ask_place")  # title, description and times are filled
    await admin.send(text="Nhà văn hóa thôn Đông")
    await admin.send(text="xa do luong")
    summary = admin.text
    # The clock reads 23 November 2026: this year's day is over, next year's is offered.
    assert "Ngày hội Đại đoàn kết toàn dân tộc năm 2027" in summary
    assert "08:00 18/11/2027" in summary and "11:30 18/11/2027" in summary
    await admin.send(text="1")
    (event,) = await rows(database, events)
    assert event["template"] == "dai_doan_ket"
    assert event["starts_at"] == datetime(2027, 11, 18, 1, 0, tzinfo=UTC)


async def test_a_year_end_review_conference_asks_only_where_and_when(database: Database) -> None:
    await tree_with_roles(database, TREE, (ADMIN, "admin", "17662"))
    admin = await phone_at_menu(database, Clock(), ADMIN)
    await admin.send(text="/taosukien")
    await admin.send(text="tong ket")
    assert admin.asked("events.new.ask_place")
    await admin.send(text="Hội trường UBND xã")
    await admin.send(text="8h 28/12/2026")
    await admin.send(text="11h 28/12/2026")
    await admin.send(text="xa do luong")
    assert t("events.template.tong_ket.title", year=2026) in admin.text
    await admin.send(text="1")
    (event,) = await rows(database, events)
    assert event["template"] == "tong_ket"
    assert event["title"] == t("events.template.tong_ket.title", year=2026)
