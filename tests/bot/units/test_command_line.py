"""The units on the command line: ``antq units import`` (a CSV list, checked line by line),
``register``, ``reach``, ``recognise``, ``grade`` and ``list``; then ``antq overview``, ``antq
report year`` and ``antq export year`` show the units beside the areas."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import cli
from storage.database import Database
from tests.bot.units.harness import seed_commune
from tests.conversations.harness import CATALOGUES

UNITS_CSV = """parent_code;name;kind;level;staff;students
17662;Trường THCS Đô Lương;trường;THCS;40;760
17662;Công ty May Đô Lương;doanh nghiệp;;300;
40;Sở Tư pháp Nghệ An;cơ quan;;90;
"""


def vi(key: str, **params: object) -> str:
    return CATALOGUES.text("vi", key, **params)


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("ANTQ_DATABASE_URL", url)
    monkeypatch.delenv("ANTQ_TARGETS", raising=False)
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0

    async def seed() -> None:
        database = Database(url)
        try:
            await seed_commune(database)
        finally:
            await database.dispose()

    asyncio.run(seed())
    return runner


def imported(runner: CliRunner, tmp_path: Path) -> dict[str, str]:
    """The CSV's units imported; their codes by name (from ``antq units list``)."""
    listing = tmp_path / "units.csv"
    listing.write_text(UNITS_CSV, encoding="utf-8")
    result = runner.invoke(cli, ["units", "import", str(listing)])
    assert result.exit_code == 0, result.output
    assert "imported 3 of 3 lines" in result.output
    listed = runner.invoke(cli, ["units", "list", "--area", "40", "--year", "2026"])
    codes = {}
    for line in listed.output.splitlines():
        code, _kind, rest = line.split(maxsplit=2)
        codes[rest.split(" | ")[0]] = code
    return codes


def test_a_bad_line_is_named_and_nothing_imported(runner: CliRunner, tmp_path: Path) -> None:
    listing = tmp_path / "units.csv"
    listing.write_text(
        "parent_code,name,kind,level\n17662,Trường Mầm non Hoa Sen,trường,mầm non\n"
        "17662,Chợ Đô Lương,chợ,\n17662-001,Công ty A,doanh nghiệp,\n"
        "17662,Công ty B,doanh nghiệp,THPT\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["units", "import", str(listing)])
    assert result.exit_code == 1
    assert "line 3: unknown kind 'Chợ'" in result.output or "line 3: unknown kind" in result.output
    assert "line 4: parent '17662-001' is not a commune or a province" in result.output
    assert "line 5: level 'THPT' is not a school's level" in result.output
    assert "nothing imported" in result.output
    listed = runner.invoke(cli, ["units", "list", "--area", "40", "--year", "2026"])
    assert listed.output.strip() == "no unit"


def test_a_year_recorded_on_the_command_line_shows_in_overview_report_and_export(
    runner: CliRunner, tmp_path: Path
) -> None:
    codes = imported(runner, tmp_path)
    school, company = codes["Trường THCS Đô Lương"], codes["Công ty May Đô Lương"]
    assert school.startswith("17662-") and codes["Sở Tư pháp Nghệ An"].startswith("40-")
    for code in (school, company):
        ok = runner.invoke(
            cli, ["units", "register", code, "--people", "300", "--on", "2026-03-02"]
        )
        assert ok.exit_code == 0, ok.output
    reach = [
        "units", "reach", school, "--year", "2026", "--report", "year", "--reached", "760",
        "--total", "800", "--document", "Báo cáo số 30/BC-THCS",
    ]  # fmt: skip
    assert runner.invoke(cli, reach).exit_code == 0
    too_many = [*reach[:7], "--reached", "900", *reach[9:]]
    refused = runner.invoke(cli, too_many)
    assert refused.exit_code == 1 and "cannot be more than --total" in refused.output
    assert (
        runner.invoke(cli, ["units", "recognise", school, "--year", "2026", "--yes"]).exit_code == 0
    )
    for code, grade in ((school, "excellent"), (company, "weak")):
        graded = runner.invoke(cli, ["units", "grade", code, "--year", "2026", "--grade", grade])
        assert graded.exit_code == 0, graded.output

    overview = runner.invoke(cli, ["overview", "--area", "17662", "--period", "2026"])
    assert overview.exit_code == 0, overview.output
    # Each kind against its own targets: the school's 760 of 800 reported (95 %); the
    # company reported nothing: "chưa có số liệu" against the businesses' 90 %.
    school_reach = vi(
        "year.target_line",
        mark="✅",
        name=vi("target.school_propaganda"),
        figure=vi("unit.figure.people", percent="95,0", reached="760", people="800"),
        threshold=vi("year.threshold.share", percent="90%"),
        verdict=vi("year.verdict.met"),
    )
    assert school_reach in overview.output
    business_reach = vi(
        "year.target_line_no_data",
        mark="❔",
        name=vi("target.business_propaganda"),
        threshold=vi("year.threshold.share", percent="90%"),
    )
    assert business_reach in overview.output
    assert vi("target.agency_propaganda") not in overview.output  # the agency is provincial

    target = tmp_path / "year.docx"
    drafted = runner.invoke(
        cli, ["report", "year", "--area", "17662", "--year", "2026", "-o", str(target)]
    )
    assert drafted.exit_code == 0, drafted.output
    document = docx.Document(io.BytesIO(target.read_bytes()))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert {vi("target.school_propaganda"), vi("target.business_propaganda")} <= cells
    assert vi("target.propaganda") in cells  # the areas' beside them
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert vi("unit.doc.heading") in paragraphs
    # The paragraph on units, kind by kind, hand-computed: the company registered, not
    # recognised, graded "yếu", nothing reported; the school all done, graded "xuất sắc".
    business = next(text for text in paragraphs if text.startswith("- Doanh nghiệp:"))
    assert business.startswith(
        "- "
        + vi(
            "unit.doc.kind_year",
            kind="Doanh nghiệp",
            count=1,
            registered=1,
            recognised=0,
            reach=vi("year.no_data"),
            grades="0 xuất sắc, 0 khá, 0 trung bình, 1 yếu",
        )
    )
    school = next(text for text in paragraphs if text.startswith("- Cơ sở giáo dục:"))
    # The school keeps no model of its own: 6 of its 7 targets met.
    assert vi("unit.doc.against", met=6, total=7) in school
    assert vi("unit.doc.not_met", names=vi("target.school_models")) in school
    assert "95,0% (760/800 người), chỉ tiêu ≥ 90%" in school

    book_path = tmp_path / "year.xlsx"
    exported = runner.invoke(cli, ["export", "year", "--area", "17662", "-o", str(book_path)])
    assert exported.exit_code == 0, exported.output
    book = load_workbook(book_path, read_only=True)
    rows = list(book[vi("unit.export.sheet")].iter_rows(values_only=True))
    by_name = {row[2]: row for row in rows[1:]}
    assert set(by_name) == {"Trường THCS Đô Lương", "Công ty May Đô Lương"}
    assert by_name["Trường THCS Đô Lương"][4:] == (
        vi("unit.level.thcs"), 40, 760, 300, None, "760/800", "Báo cáo số 30/BC-THCS",
    )  # fmt: skip
    grades = list(book[vi("export.sheet.grades")].iter_rows(values_only=True))
    assert {row[2]: row[-1] for row in grades[1:]}["Công ty May Đô Lương"] == vi("year.grade.weak")
