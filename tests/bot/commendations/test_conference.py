"""Review conferences with their commendations, through the chat on both databases: the
commune's admin makes a year-end review conference from its template, the province approves a
proposal, the admin attaches it to the conference (``/traokhenthuong``); the conference's
summary lists it, and the yearly draft, the export and nothing else say where it is handed
over."""

from __future__ import annotations

from bot.exports import columns as col
from storage.commendations import commendations
from storage.database import Database
from tests.bot.commendations.harness import (
    commendations_sheet,
    phone_of,
    table_headed,
    yearly_draft,
)
from tests.bot.commendations.test_chat import GIAY_KHEN_XA, propose_thon_ba
from tests.bot.harness import rows
from tests.bot.movement_year.harness import ADMIN, PROVINCE_ADMIN, YEAR, seed_year
from tests.conversations.harness import t

TITLE = t("events.template.tong_ket.title", year=YEAR)
WHERE = t("award.at", title=TITLE, date="28/12/2026")
THON_BA = "Thôn Ba, Xã Đô Lương"


async def make_conference(database: Database) -> None:
    admin = await phone_of(database, ADMIN)
    await admin.send(text="/taosukien")
    await admin.send(text="tong ket")
    await admin.send(text="Hội trường UBND xã")
    await admin.send(text="8h 28/12/2026")
    await admin.send(text="11h 28/12/2026")
    await admin.send(text="xa do luong")
    await admin.send(text="1")


async def approve_thon_ba(database: Database) -> None:
    await propose_thon_ba(database)
    province = await phone_of(database, PROVINCE_ADMIN)
    await province.send(text="/duyetkhenthuong")
    await province.send(text="1")
    await province.send(text="1")  # approve
    await province.send(text="1")  # confirm


async def test_a_commendation_is_handed_over_at_a_review_conference(database: Database) -> None:
    await seed_year(database)
    admin = await phone_of(database, ADMIN)
    await admin.send(text="/traokhenthuong")
    assert t("award.no_conference", year=YEAR) in admin.text  # nothing to attach it to yet

    await make_conference(database)
    await admin.send(text="/traokhenthuong")
    await admin.send(text="1")
    assert t("award.summary", title=TITLE, date="28/12/2026", count=0) in admin.text
    assert t("award.none", year=YEAR) in admin.text  # nothing approved yet

    await approve_thon_ba(database)
    await admin.send(text="/traokhenthuong")
    assert admin.asked("award.ask_conference")
    await admin.send(text="1")
    assert admin.asked("award.ask_proposal")
    assert THON_BA in admin.text
    await admin.send(text="1")
    await admin.send(text="1")  # confirm
    assert t("award.done", who="", title="").split(":")[0] in admin.text
    (stored,) = await rows(database, commendations)
    assert stored["event_id"] is not None

    # The conference's summary lists it; nothing is left to attach.
    await admin.send(text="/traokhenthuong")
    await admin.send(text="1")
    line = t("award.summary.line", number=1, who=THON_BA, form=t(GIAY_KHEN_XA))
    assert t("award.summary", title=TITLE, date="28/12/2026", count=1) in admin.text
    assert line in admin.text and t("award.none", year=YEAR) in admin.text

    # The yearly draft and the export say where it is handed over.
    table = table_headed(await yearly_draft(database, "17662"), t("honours.col.number"))
    assert table[1][2] == f"{t(GIAY_KHEN_XA)} — {WHERE}"
    (row,) = await commendations_sheet(database, "17662")
    assert row[t(col.AWARDED_AT)] == TITLE


async def test_only_approved_commendations_of_ones_places_are_offered(database: Database) -> None:
    await seed_year(database)
    await make_conference(database)
    await propose_thon_ba(database)  # proposed, not approved
    admin = await phone_of(database, ADMIN)
    await admin.send(text="/traokhenthuong")
    await admin.send(text="1")
    assert t("award.none", year=YEAR) in admin.text
    (stored,) = await rows(database, commendations)
    assert stored["event_id"] is None
