"""``antq commendations`` for agencies, businesses and schools (SQLite, as the other command
line tests): a school proposed with its figures and approved, a provincial body proposed as the
province, and units proposed and recognised exemplary, counted per commune by hand (see
``tests.bot.commendations.test_units``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import cli
from bot.commendations import cli as commendations_cli
from storage.database import Database
from tests.bot.command_line import seeded_command_line
from tests.bot.commendations.test_units import unit_grounds
from tests.bot.commendations.units_harness import (
    HOA_SEN,
    MAY,
    SO_TU_PHAP,
    THCS,
    Units,
    add_do_luong_units,
    report_reach,
)
from tests.bot.movement_year.harness import seed_year
from tests.conversations.harness import t

ACHIEVEMENT = "Trường học an toàn về an ninh, trật tự trong cả năm học."


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[CliRunner, Units]:
    async def seed(database: Database) -> Units:
        await seed_year(database)
        units = await add_do_luong_units(database)
        await report_reach(database, units.ids[THCS], "year", 760, 800)
        return units

    return seeded_command_line(tmp_path, monkeypatch, (commendations_cli,), seed)


def propose(runner: CliRunner, code: str, form: str) -> str:
    args = ["commendations", "propose", "--area", code, "--kind", "unit", "--form", form]
    result = runner.invoke(cli, [*args, "--achievement", ACHIEVEMENT])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_a_school_and_a_provincial_body_are_proposed(seeded: tuple[CliRunner, Units]) -> None:
    runner, units = seeded
    grounds = unit_grounds("commendation.reach_report.year", 760, 800)
    assert propose(runner, units.codes[THCS], "giay_khen_chu_tich_xa") == (
        f"proposal 1 stored; {grounds}"
    )
    approved = runner.invoke(cli, ["commendations", "approve", "1"])
    assert approved.output.strip() == "proposal 1 approved; 1 told"  # the school's head

    # A provincial body lies in no commune: the province proposes it.
    no_reach = t(
        "commendation.grounds.unit_no_reach",
        activities=0,
        participants=0,
        events=0,
        turnout=0,
    )
    assert propose(runner, units.codes[SO_TU_PHAP], "bang_khen_chu_tich_tinh") == (
        f"proposal 2 stored; {no_reach}"
    )
    kind = t("commendation.kind.unit")
    listed = runner.invoke(cli, ["commendations", "list", "--area", "40", "--year", "2026"])
    assert f"1\tapproved\t{kind}: {THCS}, Xã Đô Lương\t" in listed.output
    assert f"2\tproposed\t{kind}: {SO_TU_PHAP}, Nghệ An\t" in listed.output
    commune = runner.invoke(cli, ["commendations", "list", "--area", "17662", "--year", "2026"])
    assert SO_TU_PHAP not in commune.output and THCS in commune.output


def test_units_are_exemplary_per_commune(seeded: tuple[CliRunner, Units]) -> None:
    runner, units = seeded

    def exemplary(*args: str) -> tuple[int, str]:
        result = runner.invoke(cli, ["commendations", "exemplary", *args])
        return result.exit_code, result.output.strip()

    def targets(code: str) -> str:
        return runner.invoke(cli, ["commendations", "targets", "--area", code]).output

    thcs, hoa_sen, may = units.codes[THCS], units.codes[HOA_SEN], units.codes[MAY]
    assert exemplary("--unit", thcs) == (0, f"{thcs} proposed for 2026")
    assert exemplary("--unit", thcs) == (0, "nothing changed")
    assert exemplary("--unit", "17662")[0] == 1
    assert exemplary("--commune", "17662", "--unit", thcs)[0] == 1
    code, said = exemplary("--unit", units.codes[SO_TU_PHAP])
    assert code == 1 and "lies in no commune" in said
    schools, businesses = t("target.exemplary_schools"), t("target.exemplary_businesses")
    # One school proposed, none recognised: recorded, not met.
    assert f"{schools}: 0/1 (threshold 2) — not met" in targets("17662")
    assert f"{businesses}: 0/1 (threshold 1) — no data" in targets("17662")
    for code in (thcs, hoa_sen, may):  # the level above may recognise what nobody proposed
        assert exemplary("--unit", code, "--recognise") == (0, f"{code} recognised for 2026")
    assert f"{schools}: 1/1 (threshold 2) — met" in targets("17662")
    assert f"{businesses}: 1/1 (threshold 1) — met" in targets("17662")
    # The province: Lương Sơn has none, so 1 of 2 communes.
    assert f"{schools}: 1/2 (threshold 2) — not met" in targets("40")
    assert f"{businesses}: 1/2 (threshold 1) — not met" in targets("40")
