"""The command line of the movement's year: ``antq overview`` (text and ``--chart``), ``antq
report year`` (a DOCX), ``antq export year`` (the targets and grades sheets), ``antq targets``."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import cli
from bot.exports import cli as export_cli
from bot.movement_year import cli as year_cli
from tests.bot.command_line import year_command_line
from tests.conversations.harness import CATALOGUES


def vi(key: str, **params: object) -> str:
    return CATALOGUES.text("vi", key, **params)


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A seeded SQLite database on 10 December 2026, as the commands see it."""
    return year_command_line(tmp_path, monkeypatch, (year_cli, export_cli))


def test_overview_prints_the_targets_and_writes_the_chart(
    runner: CliRunner, tmp_path: Path
) -> None:
    chart = tmp_path / "chart.png"
    result = runner.invoke(
        cli, ["overview", "--area", "17662", "--period", "2026", "--chart", str(chart)]
    )
    assert result.exit_code == 0, result.output
    assert "74,2% (245/330 hộ)" in result.output
    assert vi("year.missing", names="Thôn Năm") in result.output
    data = chart.read_bytes()
    assert data.startswith(b"\x89PNG")
    assert struct.unpack(">I", data[16:20]) == (800,)


def test_a_province_of_its_own_sets_its_thresholds(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTQ_TARGETS", "40:graded_good=0.7")
    result = runner.invoke(cli, ["targets", "show", "--area", "17662"])
    assert result.exit_code == 0, result.output
    assert "graded_good         70%" in result.output
    monkeypatch.setenv("ANTQ_TARGETS", "40:graded_good=7")
    refused = runner.invoke(cli, ["targets", "show"])
    assert refused.exit_code == 1 and "a share is above 0 and at most 1" in refused.output


def test_report_year_writes_a_draft_to_sign(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "bao-cao.docx"
    result = runner.invoke(
        cli, ["report", "year", "--area", "17662", "--year", "2026", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    document = docx.Document(io.BytesIO(target.read_bytes()))
    header = document.tables[0].rows[0].cells
    assert "Độc lập - Tự do - Hạnh phúc" in header[1].text
    assert "XÃ ĐÔ LƯƠNG" in header[0].text


def test_export_year_holds_the_targets_and_each_units_grade(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "year.xlsx"
    result = runner.invoke(cli, ["export", "year", "--area", "17662", "-o", str(target)])
    assert result.exit_code == 0, result.output
    book = load_workbook(target, read_only=True)
    targets = list(book[vi("export.sheet.targets")].iter_rows(values_only=True))
    assert targets[1] == ("17662", vi("target.propaganda"), 80.0, vi("target.period.monthly"))
    assert len(targets) == 1 + 7 + 3 * 7  # the areas' seven and each kind of unit's seven
    school_reach = ("17662", vi("target.school_propaganda"), 90.0, vi("target.period.unit_reach"))
    assert school_reach in targets
    grades = list(book[vi("export.sheet.grades")].iter_rows(values_only=True))
    by_code = {row[1]: row for row in grades[1:]}
    assert set(by_code) == {"17662", *(f"17662-00{n}" for n in range(1, 6))}
    first = by_code["17662-001"]
    assert first[0] == 2026 and first[4] == 70
    assert first[7:] == (vi("common.yes"), vi("year.grade.excellent"))
    assert by_code["17662-005"][4:] == (None, None, None, None, vi("year.grade.weak"))
    # The commune is graded by its province: nothing recorded yet.
    assert all(value is None for value in by_code["17662"][4:])
