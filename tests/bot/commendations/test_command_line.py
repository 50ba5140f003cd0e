"""``antq commendations``: a proposal made, approved and listed from the command line, with
the figures it rests on counted by hand from the movement's year harness; the yearly draft
(``antq report year``) lists it; exemplary communes against the targets."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from bot.cli import cli
from bot.commendations import cli as commendations_cli
from bot.movement_year import cli as year_cli
from tests.bot.command_line import year_command_line
from tests.conversations.harness import t


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A seeded SQLite database on 10 December 2026, as the commands see it."""
    return year_command_line(tmp_path, monkeypatch, (year_cli, commendations_cli))


def test_a_commune_police_is_proposed_approved_and_drafted(
    runner: CliRunner, tmp_path: Path
) -> None:
    proposed = runner.invoke(
        cli,
        [
            "commendations",
            "propose",
            "--area",
            "17662",
            "--kind",
            "commune_police",
            "--form",
            "giay_khen_giam_doc_cong_an_tinh",
            "--achievement",
            "Tiếp nhận, xác minh kịp thời các tin báo; phối hợp triệt phá tụ điểm cờ bạc.",
        ],
    )
    assert proposed.exit_code == 0, proposed.output
    # Đô Lương's updates: Một 11 on time, Hai 11 (March, July late), Ba 6, Bốn 11 (November
    # late): 39 filed, 36 on time; one patrol of 8 people; the Ngày hội with 150 people.
    grounds = t(
        "commendation.grounds.place",
        updates_filed=39,
        updates_on_time=36,
        activities=1,
        participants=8,
        events=1,
        turnout=150,
    )
    assert proposed.output.strip() == f"proposal 1 stored; {grounds}"

    wrong = runner.invoke(cli, ["commendations", "decline", "1", "--reason", " "])
    assert wrong.exit_code == 1 and "a decline says why" in wrong.output
    approved = runner.invoke(cli, ["commendations", "approve", "1"])
    assert approved.exit_code == 0, approved.output
    assert "proposal 1 approved" in approved.output
    again = runner.invoke(cli, ["commendations", "approve", "1"])
    assert again.exit_code == 1 and "decided already" in again.output

    listed = runner.invoke(cli, ["commendations", "list", "--area", "40", "--year", "2026"])
    assert "1\tapproved\tCông an xã/phường: Xã Đô Lương, Nghệ An" in listed.output

    output = tmp_path / "draft.docx"
    drafted = runner.invoke(cli, ["report", "year", "--area", "17662", "-o", str(output)])
    assert drafted.exit_code == 0, drafted.output
    document = docx.Document(str(output))
    rows = [
        [cell.text for cell in row.cells]
        for table in document.tables
        if table.rows[0].cells[0].text == t("honours.col.number")
        for row in table.rows
    ]
    assert rows[1][1] == f"Xã Đô Lương, Nghệ An ({t('commendation.short.commune_police')})"
    assert rows[1][2] == t("commendation.form.giay_khen_giam_doc_cong_an_tinh")
    assert rows[1][4] == grounds


def test_a_unit_kind_needs_an_agency_business_or_school(runner: CliRunner) -> None:
    refused = runner.invoke(
        cli,
        [
            "commendations",
            "propose",
            "--area",
            "17662",
            "--kind",
            "unit",
            "--form",
            "giay_khen_chu_tich_xa",
            "--achievement",
            "Trường học an toàn về an ninh, trật tự trong cả năm học.",
        ],
    )
    assert refused.exit_code == 1
    assert "Xã Đô Lương, Nghệ An is not an agency, business or school" in refused.output


def test_exemplary_communes_against_the_targets(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["commendations", "exemplary", "--commune", "17662"]).exit_code == 0
    before = runner.invoke(cli, ["commendations", "targets", "--area", "40"])
    assert f"{t('target.exemplary_communes')}: 0/2 (threshold 0.15) — not met" in before.output
    runner.invoke(cli, ["commendations", "exemplary", "--commune", "17662", "--recognise"])
    after = runner.invoke(cli, ["commendations", "targets", "--area", "40"])
    assert f"{t('target.exemplary_communes')}: 1/2 (threshold 0.15) — met" in after.output
    assert f"{t('target.exemplary_schools')}: 0/2 (threshold 2) — no data" in after.output
