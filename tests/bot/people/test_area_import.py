"""Importing residential areas from a CSV file: checked line by line, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.cli import cli
from bot.people.area_import import BadFile, import_areas
from bot.people.areas import seed_official_areas
from bot.places import find_places
from storage._sql import areas
from storage.areas import area_by_code
from storage.database import Database

SAMPLE = Path(__file__).parent / "data" / "residential_areas.csv"
GOOD_ONLY = "parent_code,name,kind,households\n17662,Thôn Đông,thôn,215\n17662,Thôn Tây,thôn,\n"


@pytest.fixture
async def seeded(database: Database) -> Database:
    async with database.transaction() as session:
        await seed_official_areas(session)
    return database


async def _residential_count(database: Database) -> int:
    async with database.transaction() as session:
        statement = select(func.count()).where(areas.c.kind.not_in(["province", "commune"]))
        return (await session.execute(statement)).scalar_one()


async def test_every_bad_line_is_reported_by_its_number(seeded: Database) -> None:
    async with seeded.transaction() as session:
        report = await import_areas(session, SAMPLE.read_text(encoding="utf-8"))
    assert [error.line for error in report.errors] == [5, 6, 7, 8, 9, 10]
    messages = {error.line: error.message for error in report.errors}
    assert "duplicate of line 2" in messages[5]
    assert "unknown parent area '99999'" in messages[6]
    assert "unknown kind" in messages[7]
    assert "province" in messages[8]
    assert "name is empty" in messages[9]
    assert "households" in messages[10]
    assert (report.lines, report.valid, report.imported) == (10, 4, 0)


async def test_a_wrong_household_count_is_called_what_it_is(seeded: Database) -> None:
    text = "parent_code,name,kind,households\n17662,Thôn Đông,thôn,-5\n17662,Thôn Tây,thôn,200000\n"
    async with seeded.transaction() as session:
        report = await import_areas(session, text)
    messages = [error.message for error in report.errors]
    assert messages == [
        "households '-5' is negative",
        "households '200000' is more than 100,000 for one area",
    ]


async def test_nothing_is_imported_when_a_line_is_bad(seeded: Database) -> None:
    async with seeded.transaction() as session:
        await import_areas(session, SAMPLE.read_text(encoding="utf-8"))
    assert await _residential_count(seeded) == 0


async def test_good_lines_are_imported_when_bad_ones_may_be_skipped(seeded: Database) -> None:
    async with seeded.transaction() as session:
        report = await import_areas(
            session, SAMPLE.read_text(encoding="utf-8"), skip_bad_lines=True
        )
    assert report.imported == 4
    async with seeded.transaction() as session:
        (tay,) = await find_places(session, "thon tay", within_path="/40/17662/")
        (old_name,) = await find_places(session, "quan thanh", within_path="/01/00004/")
        dong = (await find_places(session, "thon dong", within_path="/40/17662/"))[0]
    assert tay.kind == "thon" and tay.households == 1020 and tay.former_name == "Xóm Tây cũ"
    assert tay.parent_name == "Xã Đô Lương"
    assert tay.path.startswith("/40/17662/17662-")
    assert old_name.name == "Tổ dân phố 5" and old_name.kind == "to_dan_pho"
    assert dong.name == "Thôn Đông"


async def test_a_dry_run_writes_nothing(seeded: Database) -> None:
    async with seeded.transaction() as session:
        report = await import_areas(session, GOOD_ONLY, dry_run=True)
    assert (report.valid, report.imported, report.errors) == (2, 0, [])
    assert await _residential_count(seeded) == 0


async def test_importing_the_same_file_again_reports_duplicates(seeded: Database) -> None:
    async with seeded.transaction() as session:
        first = await import_areas(session, GOOD_ONLY)
    async with seeded.transaction() as session:
        second = await import_areas(session, GOOD_ONLY)
    assert first.imported == 2
    assert second.imported == 0
    assert all("already exists" in error.message for error in second.errors)
    async with seeded.transaction() as session:
        codes = [area.code for area in await find_places(session, "thon", within_path="/40/17662/")]
        assert await area_by_code(session, "17662-001") is not None
    assert sorted(codes) == ["17662-001", "17662-002"]


async def test_semicolons_and_a_bom_are_accepted(seeded: Database) -> None:
    text = "\ufeffparent_code;name;kind\n17662;Xóm Trại;xóm\n"
    async with seeded.transaction() as session:
        report = await import_areas(session, text)
    assert report.imported == 1


async def test_a_khoi_is_a_kind_of_residential_area(seeded: Database) -> None:
    text = "parent_code,name,kind,households\n17662,Khối 5,Khối,120\n17662,Khối 6,khoi,\n"
    async with seeded.transaction() as session:
        report = await import_areas(session, text)
    assert (report.imported, report.errors) == (2, [])
    async with seeded.transaction() as session:
        found = await find_places(session, "khoi 5", within_path="/40/17662/")
    assert [(area.name, area.kind, area.households) for area in found] == [("Khối 5", "khoi", 120)]


async def test_a_file_without_the_required_columns_is_refused(seeded: Database) -> None:
    async with seeded.transaction() as session:
        with pytest.raises(BadFile, match="kind"):
            await import_areas(session, "parent_code,name\n17662,Thôn Đông\n")


def test_the_command_line_imports_seeds_and_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTQ_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    seeded = runner.invoke(cli, ["areas", "seed"])
    assert "34 provinces and 3321 communes" in seeded.output
    bad = runner.invoke(cli, ["areas", "import", str(SAMPLE)])
    assert bad.exit_code == 1
    assert "line 6: unknown parent area '99999'" in bad.output
    assert "nothing imported" in bad.output
    dry = runner.invoke(cli, ["areas", "import", "--dry-run", "--skip-bad-lines", str(SAMPLE)])
    assert "4 of 10 lines would be imported" in dry.output
    skipped = runner.invoke(cli, ["areas", "import", "--skip-bad-lines", str(SAMPLE)])
    assert skipped.exit_code == 0 and "imported 4 of 10 lines" in skipped.output
    found = runner.invoke(cli, ["areas", "find", "do luong"])
    assert "17662" in found.output and "Xã Đô Lương, Nghệ An" in found.output
