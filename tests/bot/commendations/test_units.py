"""A school commended, and agencies, businesses and schools exemplary, through the processor on
both databases (``tests.bot.commendations.units_harness`` has the units and their figures).

Trường THCS Đô Lương's grounds, by hand: its yearly report reached 760 of 800 people (the
6-month one, 600 of 800, is not used once the yearly one is in); its model's activities of
2026: 30 + 25 = 55 people in 2 activities (the 2025 one, 99 people, is not counted); no
event, no monthly update of its own.

Exemplary, by hand: in Đô Lương the commune's admin proposes both schools, the business and
the agency; the province's admin recognises both schools and the business, not the agency; Lương
Sơn records nothing. Province (2 communes): schools 1/2 communes with ≥ 2 (not met), businesses
1/2 with ≥ 1 (not met), agencies 0/2 (recorded, none recognised: not met), communes 0/2 (none
recorded: no data). Đô Lương's own draft: schools 1/1 met, businesses 1/1 met, agencies 0/1 not
met."""

from __future__ import annotations

import io
import json
from datetime import date

from openpyxl import load_workbook

from bot.exports import columns as col
from bot.exports.service import ExportRequest, ExportSubject, write_export
from storage.commendations import commendations, exemplary_units
from storage.database import Database
from tests.bot.commendations.harness import (
    notices,
    phone_of,
    table_headed,
    text_of,
    yearly_draft,
)
from tests.bot.commendations.test_chat import member_id
from tests.bot.commendations.test_exemplary import line
from tests.bot.commendations.units_harness import (
    HOA_SEN,
    MAY,
    SO_TU_PHAP,
    THCS,
    TRAM_Y_TE,
    UNIT_HEAD,
    Units,
    add_do_luong_units,
    report_reach,
)
from tests.bot.exports.test_exports import place
from tests.bot.harness import rows
from tests.bot.movement_year.harness import ADMIN, PROVINCE_ADMIN, YEAR, seed_year
from tests.conversations.harness import CATALOGUES, t

GIAY_KHEN_XA = "commendation.form.giay_khen_chu_tich_xa"
ACHIEVEMENT = "Trường học an toàn về an ninh, trật tự; không có học sinh vi phạm pháp luật."
THCS_FULL = f"{THCS}, Xã Đô Lương"


def unit_grounds(report: str | None, reached: int = 0, total: int = 0) -> str:
    counts = {
        "updates_filed": 0,
        "updates_on_time": 0,
        "activities": 2,
        "participants": 55,
        "events": 0,
        "turnout": 0,
        "reached": reached,
        "reach_total": total,
    }
    if report is None:
        return t("commendation.grounds.unit_no_reach", **counts)
    return t("commendation.grounds.unit", report=t(report), **counts)


async def propose_thcs(database: Database) -> str:
    """The commune's admin proposes the school in chat; the bot's reply."""
    admin = await phone_of(database, ADMIN)
    await admin.send(text="/denghikhenthuong")
    await admin.send(text="2")  # an agency, business or school
    assert admin.asked("commendation.ask_unit")
    await admin.send(text="truong thcs do luong")
    assert admin.asked("commendation.ask_form")
    await admin.send(text="1")
    await admin.send(text=ACHIEVEMENT)
    await admin.send(text="1")  # confirm the summary
    return admin.text


async def test_a_school_is_proposed_approved_drafted_and_exported(database: Database) -> None:
    await seed_year(database)
    units = await add_do_luong_units(database)
    await report_reach(database, units.ids[THCS], "H1", 600, 800)
    await report_reach(database, units.ids[THCS], "year", 760, 800)

    text = await propose_thcs(database)
    assert t("commendation.proposed", form=t(GIAY_KHEN_XA), subject=THCS_FULL, year=YEAR) in text
    grounds = unit_grounds("commendation.reach_report.year", 760, 800)
    assert t("commendation.grounds_stored", grounds=grounds) in text
    (stored,) = await rows(database, commendations)
    assert stored["subject_kind"] == "unit"
    assert stored["subject_ref_id"] == stored["area_id"] == units.ids[THCS]
    figures = json.loads(str(stored["grounds"]))
    assert (figures["reached"], figures["reach_total"], figures["reach_half"]) == (760, 800, 0)
    assert (figures["activities"], figures["participants"]) == (2, 55)

    province = await phone_of(database, PROVINCE_ADMIN)
    await province.send(text="/duyetkhenthuong")
    await province.send(text="1")
    assert grounds in province.text  # the reviewer sees the figures before deciding
    await province.send(text="1")  # approve
    await province.send(text="1")  # confirm
    assert (
        t("commendation.review.approved", form=t(GIAY_KHEN_XA), subject=THCS_FULL) in province.text
    )
    # Told: the proposer, and the school's head (the unit's own member), nobody else.
    told = {row["member_id"]: row["message_key"] for row in await notices(database)}
    assert told == {
        await member_id(database, ADMIN): "commendation.notice.proposer_approved",
        await member_id(database, UNIT_HEAD): "commendation.notice.commended",
    }

    table = table_headed(await yearly_draft(database, "17662"), t("honours.col.number"))
    assert table[1] == [
        "1",
        f"{THCS_FULL} ({t('commendation.short.collective')})",
        t(GIAY_KHEN_XA),
        ACHIEVEMENT,
        grounds,
    ]

    target = io.BytesIO()
    commune = await place(database, "17662")
    request = ExportRequest(ExportSubject.YEAR, (commune,), periods=(str(YEAR),))
    await write_export(
        request, database.transaction, target, catalogues=CATALOGUES, today=date(YEAR, 12, 10)
    )
    book = load_workbook(io.BytesIO(target.getvalue()), read_only=True)
    sheet = list(book[t(col.SHEET_COMMENDATIONS)].iter_rows(values_only=True))
    header = sheet[0]
    (row,) = [dict(zip(header, values, strict=False)) for values in sheet[1:]]
    assert row[t(col.COMMENDED_KIND)] == t("commendation.kind.unit")
    assert row[t(col.COMMENDED)] == THCS_FULL
    assert row[t(col.AREA_CODE)] == units.codes[THCS]
    assert row[t(col.GROUNDS)] == grounds
    assert row[t(col.COMMENDATION_STATUS)] == t("commendation.status.approved")


async def test_a_units_grounds_use_the_report_it_has(database: Database) -> None:
    await seed_year(database)
    units = await add_do_luong_units(database)
    text = await propose_thcs(database)  # no report yet
    assert t("commendation.grounds_stored", grounds=unit_grounds(None)) in text
    await report_reach(database, units.ids[THCS], "H1", 600, 800)
    text = await propose_thcs(database)  # the 6-month report only
    half = unit_grounds("commendation.reach_report.half", 600, 800)
    assert t("commendation.grounds_stored", grounds=half) in text
    assert len(await rows(database, commendations)) == 2


async def exemplary(database: Database, user_id: str, typed: str, decision: str) -> str:
    phone = await phone_of(database, user_id)
    await phone.send(text="/diemhinh")
    assert phone.asked("exemplary.ask_commune")
    await phone.send(text=typed)
    await phone.send(text=decision)
    await phone.send(text="1")  # confirm
    return phone.text


async def record_exemplary_units(database: Database, units: Units) -> None:
    for name in (THCS, HOA_SEN, MAY, TRAM_Y_TE):
        said = await exemplary(database, ADMIN, units.codes[name], "de nghi")
        assert t("exemplary.proposed", unit=f"{name}, Xã Đô Lương", year=YEAR) in said
    # The commune's admin is not above its own school.
    said = await exemplary(database, ADMIN, units.codes[THCS], "cong nhan")
    assert t("exemplary.not_above", unit=THCS_FULL) in said
    for name in (THCS, HOA_SEN, MAY):
        said = await exemplary(database, PROVINCE_ADMIN, units.codes[name], "cong nhan")
        assert t("exemplary.recognised", unit=f"{name}, Xã Đô Lương", year=YEAR) in said
    # A provincial body lies in no commune: it counts for none, and is refused plainly.
    said = await exemplary(database, PROVINCE_ADMIN, units.codes[SO_TU_PHAP], "cong nhan")
    assert t("exemplary.provincial_body", unit=f"{SO_TU_PHAP}, Nghệ An") in said


async def test_exemplary_agencies_businesses_and_schools_count_by_kind(
    database: Database,
) -> None:
    await seed_year(database)
    units = await add_do_luong_units(database)
    await record_exemplary_units(database, units)
    found = await rows(database, exemplary_units)
    stored = {(row["kind"], row["name"]): row["status"] for row in found}
    assert stored == {
        ("school", f"{THCS}, Xã Đô Lương"): "recognised",
        ("school", f"{HOA_SEN}, Xã Đô Lương"): "recognised",
        ("business", f"{MAY}, Xã Đô Lương"): "recognised",
        ("agency", f"{TRAM_Y_TE}, Xã Đô Lương"): "proposed",
    }

    one, two = t("honours.threshold.count", count=1), t("honours.threshold.count", count=2)
    share = t("honours.threshold.share", percent=15)
    text = text_of(await yearly_draft(database, "40"))
    assert line("target.exemplary_schools", 1, 2, two, "honours.verdict.not_met") in text
    assert line("target.exemplary_businesses", 1, 2, one, "honours.verdict.not_met") in text
    assert line("target.exemplary_agencies", 0, 2, one, "honours.verdict.not_met") in text
    assert line("target.exemplary_communes", 0, 2, share, "honours.verdict.unknown") in text

    text = text_of(await yearly_draft(database, "17662"))
    assert line("target.exemplary_schools", 1, 1, two, "honours.verdict.met") in text
    # The recognised ones are named (by kind, then name); the agency only proposed is not.
    named = ", ".join(f"{name}, Xã Đô Lương" for name in (MAY, THCS, HOA_SEN))
    assert t("honours.exemplary_named", names=named) in text
    assert line("target.exemplary_businesses", 1, 1, one, "honours.verdict.met") in text
    assert line("target.exemplary_agencies", 0, 1, one, "honours.verdict.not_met") in text
