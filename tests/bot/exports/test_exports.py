"""Exports: the XLSX and CSV files hold what the database holds, and never who sent a tip."""

from __future__ import annotations

import csv
import io
import os
import stat
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.exports.service import ExportRequest, ExportSubject, write_export
from bot.places import place_of
from bot.workbooks import ExportTooLarge
from conversations.calendar import ReportCalendar
from conversations.i18n import Catalogues
from conversations.places import Place
from storage._sql import audit_log, monthly_reports
from storage.areas import area_by_code
from storage.database import Database
from tests.bot.exports.harness import PERIOD, TIPSTER_PHONE, seed_province
from tests.bot.harness import CommandLine, rows

CATALOGUES = Catalogues.load()
AFTER_DEADLINE = date(2026, 11, 20)


async def place(database: Database, code: str) -> Place:
    async with database.transaction() as session:
        area = await area_by_code(session, code)
    assert area is not None
    return place_of(area)


async def export(database: Database, request: ExportRequest, today: date = AFTER_DEADLINE) -> bytes:
    target = io.BytesIO()
    await write_export(request, database.transaction, target, catalogues=CATALOGUES, today=today)
    return target.getvalue()


def sheets(data: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


async def test_the_xlsx_report_export_matches_the_database(database: Database) -> None:
    await seed_province(database)
    province = await place(database, "40")
    data = await export(
        database, ExportRequest(ExportSubject.REPORTS, (province,), periods=(PERIOD,))
    )
    book = sheets(data)
    assert list(book) == ["Báo cáo tháng", "Khu dân cư", "Xã phường"]

    updates = book["Báo cáo tháng"]
    header = updates[0]
    assert header[:3] == ("Kỳ báo cáo", "Mã địa bàn", "Tên địa bàn")
    # openpyxl trims trailing blank cells, hence strict=False.
    rows = [dict(zip(header, row, strict=False)) for row in updates[1:]]
    async with database.transaction() as session:
        stored = (
            await session.execute(
                select(
                    func.count(),
                    func.sum(monthly_reports.c.households),
                    func.sum(monthly_reports.c.households_pledged),
                    func.sum(monthly_reports.c.money_mobilised),
                ).where(monthly_reports.c.period == PERIOD)
            )
        ).one()
    assert len(rows) == stored[0] == 3
    assert sum(row["Số hộ"] for row in rows) == stored[1]
    assert sum(row["Số hộ ký cam kết"] for row in rows) == stored[2]
    assert sum(row["Kinh phí vận động (VNĐ)"] for row in rows) == stored[3]
    # By place path: Lương Sơn (17641) comes before Đô Lương (17662).
    assert [row["Mã địa bàn"] for row in rows] == ["17641-001", "17662-001", "17662-002"]
    assert [row["Nộp muộn"] for row in rows] == ["Không", "Không", "Có"]
    # User text that looks like a formula stays text.
    assert rows[1]["Tình hình nổi bật"] == "=1+1 không phải công thức"

    areas = {row[1]: row for row in book["Khu dân cư"][1:]}
    assert areas["17662-001"][5] == "Đúng hạn"
    assert areas["17662-002"][5] == "Muộn"
    assert areas["17662-003"][5] == "Không nộp (quá hạn)"
    assert areas["17662-001"][9:] == (85.0, "Có")
    assert areas["17662-002"][9:] == (60.0, "Không")

    communes = {row[1]: row for row in book["Xã phường"][1:]}
    # Đô Lương: 3 areas, 1 on time, 1 late, 1 missing; 115 of 150 households (76.7 %); one
    # model active. Lương Sơn: its only model ended in September.
    assert communes["17662"][3:] == (3, 1, 1, 1, 150, 115, 76.7, "Không", 1, "Có")
    assert communes["17641"][3:] == (1, 1, 0, 0, 40, 40, 100.0, "Có", 0, "Không")


async def test_before_the_deadline_an_area_without_an_update_is_not_yet_late(
    sqlite_database: Database,
) -> None:
    await seed_province(sqlite_database)
    commune = await place(sqlite_database, "17662")
    data = await export(
        sqlite_database,
        ExportRequest(ExportSubject.REPORTS, (commune,), periods=(PERIOD,), locale="en"),
        today=date(2026, 11, 4),
    )
    areas = {row[1]: row for row in sheets(data)["Residential areas"][1:]}
    assert set(areas) == {"17662-001", "17662-002", "17662-003"}
    assert areas["17662-003"][5] == "Not yet filed (before the deadline)"


async def test_the_tips_export_never_holds_the_sender(sqlite_database: Database) -> None:
    await seed_province(sqlite_database)
    province = await place(sqlite_database, "40")
    request = ExportRequest(
        ExportSubject.TIPS,
        (province,),
        format="csv",
        date_from=date(2026, 10, 1),
        date_to=date(2026, 10, 31),
    )
    text = (await export(sqlite_database, request)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Mã tin báo"
    assert len(rows) == 2  # the January tip is outside the range
    assert rows[1][0] == "AB12-CD34"
    assert rows[1][3] == "2026-10-15 10:00"  # local time
    assert rows[1][-1] == "1"  # one attachment
    assert TIPSTER_PHONE not in text and "0" * 64 not in text


async def test_a_capped_export_stops_instead_of_growing(sqlite_database: Database) -> None:
    await seed_province(sqlite_database)
    province = await place(sqlite_database, "40")
    request = ExportRequest(ExportSubject.REPORTS, (province,), periods=(PERIOD,))
    with pytest.raises(ExportTooLarge):
        await write_export(
            request,
            sqlite_database.transaction,
            io.BytesIO(),
            catalogues=CATALOGUES,
            today=AFTER_DEADLINE,
            calendar=ReportCalendar(),
            max_rows=2,
        )


def test_the_command_line_exports_reports_and_activities(antq: CommandLine, tmp_path: Path) -> None:
    antq.on_database(seed_province)
    asked = tmp_path / "reports.csv"  # several sheets: what is written is a ZIP, named so
    target = tmp_path / "reports.zip"
    result = antq(
        *("export", "reports", "--area", "17662", "--period", PERIOD),
        *("--format", "csv", "--lang", "en", "-o", str(asked)),
    )
    assert result.exit_code == 0, result.output
    assert f"wrote 6 rows to {target}" in result.output and "ZIP" in result.output
    assert not asked.exists()
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert names == ["Monthly reports.csv", "Residential areas.csv", "Communes.csv"]
        updates = archive.read("Monthly reports.csv").decode("utf-8-sig").splitlines()
    assert len(updates) == 3  # header and Đô Lương's two updates

    activities = tmp_path / "activities.xlsx"
    result = antq(
        *("export", "activities", "--area", "40"),
        *("--from", "2026-08-01", "--to", "2026-09-30", "-o", str(activities)),
    )
    assert result.exit_code == 0, result.output
    (sheet,) = sheets(activities.read_bytes()).values()
    # XLSX has no plain dates: openpyxl reads them back as midnight datetimes.
    assert [row[0] for row in sheet[1:]] == [datetime(2026, 8, 20), datetime(2026, 9, 10)]

    unknown = antq("export", "tips", "--area", "99999")
    assert unknown.exit_code == 1 and "no place with code" in unknown.output

    async def audited(database: Database) -> int:
        return len(await rows(database, audit_log))

    assert antq.on_database(audited) == 2


def test_a_tips_export_written_to_disk_is_the_operators_alone_whatever_the_umask(
    antq: CommandLine, tmp_path: Path
) -> None:
    antq.on_database(seed_province)
    fresh = tmp_path / "tips.csv"
    earlier = tmp_path / "earlier.csv"  # a file of that name, readable by all, was there
    earlier.write_bytes(b"old")
    earlier.chmod(0o666)
    previous = os.umask(0o000)
    try:
        for target in (fresh, earlier):
            result = antq(
                *("export", "tips", "--area", "40", "--format", "csv"),
                *("--from", "2026-10-01", "--to", "2026-10-31", "-o", str(target)),
            )
            assert result.exit_code == 0, result.output
    finally:
        os.umask(previous)
    for target in (fresh, earlier):
        assert stat.S_IMODE(target.stat().st_mode) == 0o600, target
        assert "AB12-CD34" in target.read_text("utf-8-sig")


def test_the_command_line_defaults_to_the_month_leaders_file_and_counts_rows_right(
    antq: CommandLine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.exports import cli as export_cli

    # 3 November: leaders still file October (the first ten days of a month).
    monkeypatch.setattr(export_cli, "utcnow", lambda: datetime(2026, 11, 3, 3, 0, tzinfo=UTC))
    antq.on_database(seed_province)
    target = tmp_path / "reports.xlsx"
    result = antq("export", "reports", "--area", "17662", "-o", str(target))
    assert result.exit_code == 0, result.output
    updates = sheets(target.read_bytes())["Báo cáo tháng"]
    assert PERIOD == "2026-10" and {row[0] for row in updates[1:]} == {PERIOD}

    one = tmp_path / "one.xlsx"
    result = antq(
        *("export", "activities", "--area", "40"),
        *("--from", "2026-09-01", "--to", "2026-09-30", "-o", str(one)),
    )
    assert result.exit_code == 0, result.output
    assert f"wrote 1 row to {one}" in result.output


async def test_an_xlsx_export_opens_with_a_bold_frozen_header_and_real_dates(
    database: Database,
) -> None:
    await seed_province(database)
    province = await place(database, "40")
    data = await export(
        database, ExportRequest(ExportSubject.REPORTS, (province,), periods=(PERIOD,))
    )
    areas = load_workbook(io.BytesIO(data))["Khu dân cư"]
    assert areas.freeze_panes == "A2" and all(cell.font.b for cell in areas[1])
    header = [cell.value for cell in areas[1]]
    deadline = areas.cell(row=2, column=header.index("Hạn nộp") + 1)
    assert deadline.is_date and deadline.value == datetime(2026, 11, 5)
    assert all(areas.column_dimensions[letter].width >= 18 for letter in "ABCDE")
