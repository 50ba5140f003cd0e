"""The 6-month and yearly report drafts' paragraph on units, read with python-docx: per kind,
how many, registered, recognised, reach and grades, against the kind's own targets, with
"chưa có số liệu" where nothing was reported (figures hand-computed below)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import docx

from bot.movement_year.report import write_report
from bot.places import place_of
from bot.units.service import UnitFigures, add_units, file_reach, file_registration
from conversations.calendar import ReportCalendar
from conversations.movement_year import SpanOfYear
from conversations.targets import DEFAULT_TARGETS, Span, YearCalendar
from storage.areas import area_by_code
from storage.database import Database
from storage.movement_year import set_grade, set_recognition
from tests.bot.units.harness import COMMUNE, YEAR, seed_commune
from tests.conversations.harness import CATALOGUES

NOW = datetime(2026, 12, 10, 3, 0, tzinfo=UTC)
TODAY = date(2026, 12, 10)


def vi(key: str, **params: object) -> str:
    return CATALOGUES.text("vi", key, **params)


# | unit          | kind     | people | registered | H1 reach | year reach | recognised | grade |
# | Trường THCS   | school   |    800 | yes        | 700/800  | 760/800    | yes        | good  |
# | Trường Mầm non| school   |    100 | yes        | –        | 80/100     | no         | weak  |
# | Công ty May   | business |    300 | no         | –        | –          | –          | –     |
async def seed_units(database: Database) -> None:
    async with database.transaction() as session:
        school, kindergarten, _company = await add_units(
            session,
            [
                UnitFigures(COMMUNE, "Trường THCS", "school", "thcs", 40, 760),
                UnitFigures(COMMUNE, "Trường Mầm non", "school", "mam_non", 20, 80),
                UnitFigures(COMMUNE, "Công ty May", "business", None, 300, None),
            ],
            now=NOW,
        )
        for unit, signed in ((school, 780), (kindergarten, 100)):
            await file_registration(
                session, unit, YEAR, people=signed, registered_on=date(2026, 3, 2),
                late=False, member_id=None, now=NOW,
            )  # fmt: skip
        for unit, report, reached, total in (
            (school, "H1", 700, 800), (school, "year", 760, 800), (kindergarten, "year", 80, 100),
        ):  # fmt: skip
            await file_reach(
                session, unit, YEAR, report, reached=reached, total=total,
                document="Báo cáo số 1/BC", late=False, member_id=None, now=NOW,
            )  # fmt: skip
        for unit, recognised, grade in ((school, True, "good"), (kindergarten, False, "weak")):
            await set_recognition(
                session, unit, YEAR, recognised=recognised, member_id=None, now=NOW
            )
            await set_grade(session, unit, YEAR, grade=grade, member_id=None, now=NOW)


async def paragraphs(database: Database, span: SpanOfYear) -> list[str]:
    async with database.transaction() as session:
        commune = await area_by_code(session, COMMUNE)
        assert commune is not None
        data = await write_report(
            session,
            place_of(commune),
            span,
            TODAY,
            CATALOGUES,
            book=DEFAULT_TARGETS,
            calendar=YearCalendar(),
            reports=ReportCalendar(),
        )
    return [paragraph.text for paragraph in docx.Document(io.BytesIO(data)).paragraphs]


def kind_line(found: list[str], kind: str) -> str:
    return next(text for text in found if text.startswith(f"- {kind}:"))


async def test_the_yearly_draft_tells_each_kind_against_its_targets(database: Database) -> None:
    await seed_commune(database)
    await seed_units(database)
    found = await paragraphs(database, SpanOfYear(Span.YEAR, YEAR))
    assert vi("unit.doc.heading") in found
    schools = kind_line(found, "Cơ sở giáo dục")
    # 760 + 80 = 840 of 900 reached: 93.3 % ≥ 90 %; 2/2 registered; 1/2 recognised (50 %
    # < 70 %); no model (0/2); ≥ average 1/2 (50 % < 80 %), ≥ good 1/2 (met), excellent 0/2.
    reach = vi(
        "unit.doc.reach",
        figure=vi("unit.figure.people", percent="93,3", reached="840", people="900"),
        threshold=vi("year.threshold.share", percent="90%"),
    )
    assert schools.startswith(
        "- "
        + vi(
            "unit.doc.kind_year",
            kind="Cơ sở giáo dục",
            count=2,
            registered=2,
            recognised=1,
            reach=reach,
            grades="0 xuất sắc, 1 khá, 0 trung bình, 1 yếu",
        )
    )
    assert vi("unit.doc.against", met=3, total=7) in schools
    assert vi("target.school_recognised") in schools and vi("target.school_models") in schools
    business = kind_line(found, "Doanh nghiệp")
    # Nothing reported, registered or graded: "chưa có số liệu" for its reach and grades.
    assert business.startswith(
        "- "
        + vi(
            "unit.doc.kind_year",
            kind="Doanh nghiệp",
            count=1,
            registered=0,
            recognised=0,
            reach=vi("year.no_data"),
            grades=vi("year.no_data"),
        )
    )
    assert not any(text.startswith("- Cơ quan:") for text in found)  # no agency here


async def test_the_six_month_draft_rests_on_the_six_month_reports(database: Database) -> None:
    await seed_commune(database)
    await seed_units(database)
    found = await paragraphs(database, SpanOfYear(Span.HALF_YEAR, YEAR))
    schools = kind_line(found, "Cơ sở giáo dục")
    # Only the THCS reported for the 6 months: 700 of 800, plus the kindergarten's 100 who
    # reported nothing: a floor of 700/900 = 77.8 %.
    reach = vi(
        "unit.doc.reach",
        figure=vi("unit.figure.people", percent="77,8", reached="700", people="900"),
        threshold=vi("year.threshold.share", percent="90%"),
    )
    assert schools.startswith(
        "- " + vi("unit.doc.kind_half", kind="Cơ sở giáo dục", count=2, registered=2, reach=reach)
    )
    assert vi("year.grade.good").lower() not in schools  # grades are the year's


async def test_a_place_without_units_says_so(database: Database) -> None:
    await seed_commune(database)
    found = await paragraphs(database, SpanOfYear(Span.YEAR, YEAR))
    assert vi("unit.doc.none") in found
