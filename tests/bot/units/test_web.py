"""A school's year on the web console: the commune's admin sees the units of the commune,
records the school's registration (a slip is shown again with what was typed), its reach,
recognition and grade, and the compliance page judges the units beside the areas."""

from __future__ import annotations

import re

import httpx

from bot.units.service import UnitFigures, add_units
from storage._sql import standard_recognitions, standard_registrations, unit_grades
from storage.areas import area_by_code
from storage.database import Database
from storage.units import unit_reach
from tests.bot.harness import rows
from tests.bot.units.harness import ADMIN, YEAR, local, seed_commune
from tests.bot.web.harness import csrf_of, signed_in
from tests.conversations.harness import Clock, t

ADMIN_USER = (ADMIN, "Chủ tịch xã")


async def school(database: Database) -> int:
    async with database.transaction() as session:
        figures = UnitFigures("17662", "Trường THCS Đô Lương", "school", "thcs", 40, 760)
        (area_id,) = await add_units(session, [figures], now=local(1, 5))
        return area_id


def targets_row(page: httpx.Response, name: str) -> str:
    found = re.search(rf"<td>{re.escape(name)}</td>(.*?)</tr>", page.text, re.S)
    assert found is not None, page.text
    return found.group(1)


async def post(web: httpx.AsyncClient, unit: int, **fields: str) -> httpx.Response:
    page = await web.get(f"/web/units/{unit}")
    return await web.post(f"/web/units/{unit}", data={"csrf": csrf_of(page), **fields})


async def test_a_schools_year_recorded_on_the_web_is_judged_on_the_compliance_page(
    database: Database,
) -> None:
    await seed_commune(database)
    unit = await school(database)
    clock = Clock(local(2, 10))
    async with signed_in(database, clock, ADMIN_USER) as web:
        listing = await web.get("/web/units")
        assert listing.status_code == 200
        assert f'href="/web/units/{unit}"' in listing.text
        assert t("year.no_data") in listing.text  # no reach reported yet
        slip = await post(web, unit, what="register", people="900", on="2026-02-05")
        assert slip.status_code == 422
        assert t("unit.more_than_unit", people=800, given=900) in slip.text
        assert 'value="900"' in slip.text  # what was typed is kept
        done = await post(web, unit, what="register", people="780", on="2026-02-05")
        assert done.status_code == 303
    (registration,) = await rows(database, standard_registrations)
    # The staff and students who signed, in their own column: a school has no households.
    assert (registration["people_signed"], registration["late"]) == (780, False)
    assert registration["households_registered"] is None

    clock.now = local(12, 5)
    async with signed_in(database, clock, ADMIN_USER) as web:
        no_document = await post(
            web, unit, what="reach", report="year", reached="760", total="800", document=""
        )
        assert no_document.status_code == 422
        assert t("web.units.name_document") in no_document.text
        for fields in (
            {"what": "reach", "report": "year", "reached": "760", "total": "800",
             "document": "Báo cáo số 30/BC-THCS ngày 01/12/2026"},
            {"what": "recognise", "decision": "yes"},
            {"what": "grade", "grade": "excellent"},
        ):  # fmt: skip
            answer = await post(web, unit, **fields)
            assert answer.status_code == 303, answer.text
        page = await web.get(f"/web/units/{unit}")
        assert "760/800 · Báo cáo số 30/BC-THCS ngày 01/12/2026" in page.text
        compliance = await web.get(f"/web/compliance?place=17662&period={YEAR}")
    assert [(r["span"], r["reached"]) for r in await rows(database, unit_reach)] == [("year", 760)]
    assert [r["recognised"] for r in await rows(database, standard_recognitions)] == [True]
    assert [r["grade"] for r in await rows(database, unit_grades)] == ["excellent"]
    propaganda = targets_row(compliance, t("target.school_propaganda"))
    assert "95,0" in propaganda and t("year.verdict.met") in propaganda
    excellent = targets_row(compliance, t("target.school_graded_excellent"))
    assert "100,0" in excellent and t("year.verdict.met") in excellent
    # The commune's one area reported nothing: "chưa có số liệu", beside the school's figures.
    assert t("year.no_data") in targets_row(compliance, t("target.propaganda"))


async def test_only_an_admin_above_the_unit_opens_it(database: Database) -> None:
    await seed_commune(database)
    unit = await school(database)
    async with database.transaction() as session:
        commune = await area_by_code(session, "17662")
    assert commune is not None
    clock = Clock(local(3, 1))
    async with signed_in(database, clock, ADMIN_USER) as web:
        assert (await web.get(f"/web/units/{commune.id}")).status_code == 404  # not a unit
        assert (await web.get("/web/units/987654")).status_code == 404
        assert (await web.get(f"/web/units/{unit}")).status_code == 200
