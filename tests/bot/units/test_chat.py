"""A school's year in chat, through the processor: the commune's admin adds it (/themdonvi)
and invites the person responsible for its security work, who registers it for the standard
(/dangkydonvi) and reports its propaganda reach (/tuyentruyendonvi) for the 6-month and the
yearly report; the admin recognises and grades it (/congnhan, /xeploai), and /tongquan shows
the units' targets beside the areas'."""

from __future__ import annotations

from storage._sql import (
    areas,
    invitations,
    model_activities,
    security_models,
    standard_recognitions,
    unit_grades,
)
from storage.database import Database
from storage.units import unit_profiles, unit_reach
from tests.bot.harness import Phone, make_processor, phone_at_menu, rows
from tests.bot.units.harness import ADMIN, HEAD, YEAR, local, seed_commune
from tests.conversations.harness import Clock, t

SCHOOL = "Trường THCS Đô Lương, Xã Đô Lương"


def school_id(places: list[dict[str, object]]) -> object:
    (school,) = [place for place in places if place["kind"] == "school"]
    return school["id"]


async def add_school_by_chat(admin: Phone) -> None:
    await admin.send(text="/themdonvi")
    assert admin.asked("unit.ask_parent")
    await admin.send(text="do luong")
    assert admin.asked("unit.ask_kind")
    await admin.send(text="truong")
    assert admin.asked("unit.ask_level")
    await admin.send(text="thcs")
    await admin.send(text="Trường THCS Đô Lương")
    assert admin.asked("unit.ask_staff")
    await admin.send(text="bốn mươi")  # not a number: said so, and asked again
    assert t("input.not_a_number") in admin.text and admin.asked("unit.ask_staff")
    await admin.send(text="40")
    assert admin.asked("unit.ask_students")
    await admin.send(text="760")
    await admin.send(text="1")  # confirm the summary


async def head_joins(database: Database, admin: Phone, clock: Clock) -> Phone:
    await admin.send(text="/invite")
    await admin.send(text="5")  # the person responsible for a unit's security work
    await admin.send(text="thcs do luong")
    (invitation,) = await rows(database, invitations)
    head = Phone(make_processor(database, clock), user_id=HEAD, name="Hiệu phó Lê Văn An")
    await head.send(text=f"/start {invitation['code']}")
    await head.send(text="1")  # the privacy notice
    assert t("join.welcome", role=t("role.unit_head"), place=SCHOOL) in head.text
    await head.send(text="1")  # the language
    return head


async def test_a_school_is_added_by_chat_and_its_head_invited(database: Database) -> None:
    await seed_commune(database)
    clock = Clock(local(2, 10))
    admin = await phone_at_menu(database, clock, ADMIN)
    await add_school_by_chat(admin)
    assert t("unit.added", name="Trường THCS Đô Lương", parent="Xã Đô Lương, Nghệ An") in (
        admin.text
    )
    (school,) = [row for row in await rows(database, areas) if row["kind"] == "school"]
    assert str(school["path"]).startswith("/40/17662/")
    assert school["name_folded"] == "truong thcs do luong"  # found without accents
    (profile,) = await rows(database, unit_profiles)
    assert (profile["level"], profile["staff"], profile["students"]) == ("thcs", 40, 760)
    await head_joins(database, admin, clock)


async def test_a_schools_year_by_chat_ends_in_the_overview(database: Database) -> None:
    await seed_commune(database)
    clock = Clock(local(2, 10))
    admin = await phone_at_menu(database, clock, ADMIN)
    await add_school_by_chat(admin)
    head = await head_joins(database, admin, clock)

    await head.send(text="/dangkydonvi")
    assert t("unit.register.start", unit=SCHOOL, year=YEAR, deadline="31/03/2026") in head.text
    await head.send(text="900")  # more than the school counts: asked again
    assert t("unit.more_than_unit", people=800, given=900) in head.text
    await head.send(text="780")
    assert head.asked("unit.register.ask_date")
    await head.send(text="05/02/2026")
    await head.send(text="1")
    assert t("unit.register.done", unit=SCHOOL, year=YEAR, people=780) in head.text

    clock.now = local(6, 10)
    await head.send(text="/tuyentruyendonvi")
    assert head.asked("unit.reach.ask_report")
    await head.send(text="6 thang")
    await head.send(text="700")
    await head.send(text="650")  # fewer than those reached: asked again
    assert t("unit.reach.total_too_small", reached=700) in head.text
    await head.send(text="800")
    assert head.asked("unit.reach.ask_document")
    await head.send(text="Báo cáo số 12/BC-THCS ngày 08/6/2026")
    await head.send(text="1")
    half = t(
        "unit.reach.done",
        unit=SCHOOL,
        report=t("unit.report.half_year"),
        year=YEAR,
        reached=700,
        total=800,
        share="88%",
    )
    assert half in head.text

    clock.now = local(12, 5)
    # Its own model, registered and kept by its head, as a leader keeps an area's.
    await head.send(text="/mohinh")
    await head.send(text="An toàn trường học THCS Đô Lương")
    await head.send(text="an toan truong hoc")
    assert head.asked("models.ask.area") and SCHOOL in head.text  # its unit offered
    for answer in ("1", "khong", "1"):
        await head.send(text=answer)
    (model,) = await rows(database, security_models)
    assert model["area_id"] == school_id(await rows(database, areas))
    await head.send(text="/hoatdong")
    for answer in ("1", "hom nay", "tuyen truyen", "120", "Ngoại khóa về pháp luật", "xong", "1"):
        await head.send(text=answer)
    assert len(await rows(database, model_activities)) == 1

    await head.send(text="/tuyentruyendonvi")
    for answer in ("ca nam", "760", "800", "Báo cáo số 30/BC-THCS ngày 01/12/2026", "1"):
        await head.send(text=answer)
    stored = {
        (row["span"], row["reached"], row["total"]) for row in await rows(database, unit_reach)
    }
    assert stored == {("H1", 700, 800), ("year", 760, 800)}

    admin = await phone_at_menu(database, clock, ADMIN)
    await admin.send(text="/congnhan")
    await admin.send(text="thcs do luong")
    await admin.send(text="cong nhan")
    await admin.send(text="1")
    assert t("year.recognise.done_yes", area=SCHOOL, year=YEAR) in admin.text
    await admin.send(text="/xeploai")
    await admin.send(text="thcs do luong")
    await admin.send(text="kha")
    await admin.send(text="1")
    assert t("year.grade.done", unit=SCHOOL, year=YEAR, grade=t("year.grade.good")) in admin.text
    assert [row["recognised"] for row in await rows(database, standard_recognitions)] == [True]
    assert [row["grade"] for row in await rows(database, unit_grades)] == ["good"]

    clock.now = local(12, 10)
    await admin.send(text="/tongquan")
    await admin.send(text="ca nam")
    text = admin.text
    met = t("year.verdict.met")
    # 760 of the school's 800 people: 95 % against the units' own 90 %.
    assert (
        t(
            "year.target_line",
            mark="✅",
            name=t("target.school_propaganda"),
            figure=t("unit.figure.people", percent="95,0", reached="760", people="800"),
            threshold=t("year.threshold.share", percent="90%"),
            verdict=met,
        )
        in text
    )
    assert (
        t(
            "year.target_line",
            mark="✅",
            name=t("target.school_graded_good"),
            figure=t("year.figure.units", percent="100,0", count=1, units=1),
            threshold=t("year.threshold.share", percent="50%"),
            verdict=met,
        )
        in text
    )
    # The school keeps its model: every unit has one.
    assert (
        t(
            "year.target_line",
            mark="✅",
            name=t("target.school_models"),
            figure=t("year.figure.units", percent="100,0", count=1, units=1),
            threshold=t("unit.threshold.models", count=1),
            verdict=met,
        )
        in text
    )
    # The area filed nothing: its propaganda line says so, beside the school's figure.
    assert (
        t(
            "year.target_line_no_data",
            mark="❔",
            name=t("target.propaganda"),
            threshold=t("year.threshold.share", percent="80%"),
        )
        in text
    )
