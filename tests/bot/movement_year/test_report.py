"""The yearly report draft: a DOCX in the administrative layout whose every figure comes from
the records, opened with python-docx and read table by table."""

from __future__ import annotations

import asyncio
import io
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from docx.table import Table
from sqlalchemy import insert, update

from bot.movement_year.report import write_report
from bot.places import place_of
from bot.units.service import UnitFigures, add_units, file_reach
from conversations.calendar import ReportCalendar
from conversations.movement_year import SpanOfYear
from conversations.targets import DEFAULT_TARGETS, Span, YearCalendar
from storage._sql import areas, monthly_reports
from storage.areas import area_by_code, insert_areas
from storage.database import Database
from tests.bot.harness import place
from tests.bot.movement_year.harness import COMMUNE, NOW, PROPOSAL, TODAY, YEAR, seed_year
from tests.conversations.harness import CATALOGUES
from tests.storage.harness import monthly_report


def vi(key: str, **params: object) -> str:
    return CATALOGUES.text("vi", key, **params)


async def draft_bytes(
    database: Database, span: SpanOfYear, code: str = "17662", recipients: tuple[str, ...] = ()
) -> bytes:
    async with database.transaction() as session:
        area = await area_by_code(session, code)
        assert area is not None
        return await write_report(
            session,
            place_of(area),
            span,
            TODAY,
            CATALOGUES,
            book=DEFAULT_TARGETS,
            calendar=YearCalendar(),
            reports=ReportCalendar(),
            recipients=recipients,
        )


async def draft(
    database: Database, span: SpanOfYear, code: str = "17662", recipients: tuple[str, ...] = ()
) -> docx.document.Document:
    return docx.Document(io.BytesIO(await draft_bytes(database, span, code, recipients)))


def rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def table_headed(document: docx.document.Document, first: str) -> list[list[str]]:
    for table in document.tables:
        if table.rows and table.rows[0].cells[0].text == first:
            return rows(table)
    raise AssertionError(f"no table headed {first!r}")


def text_of(document: docx.document.Document) -> str:
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


async def test_the_draft_has_the_national_header_and_blank_number_and_date(
    database: Database,
) -> None:
    await seed_year(database)
    document = await draft(database, SpanOfYear(Span.YEAR, YEAR))
    left, right = document.tables[0].rows[0].cells
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right.text
    assert "Độc lập - Tự do - Hạnh phúc" in right.text
    assert "ngày ..... tháng ..... năm 2026" in right.text
    assert "XÃ ĐÔ LƯƠNG" in left.text
    assert "Số: ......./BC-BCĐ" in left.text
    assert vi("year.doc.kind") in text_of(document)


async def test_the_targets_table_holds_the_years_figures_and_verdicts(database: Database) -> None:
    await seed_year(database)
    document = await draft(database, SpanOfYear(Span.YEAR, YEAR))
    table = table_headed(document, vi("year.doc.col.target"))
    results = {row[0]: (row[1], row[3]) for row in table[1:]}
    assert results[vi("target.propaganda")] == (
        "74,2% (245/330 hộ)",
        vi("year.verdict.unknown"),
    )
    assert results[vi("target.registered")] == ("40,0% (2/5)", vi("year.verdict.not_met"))
    assert results[vi("target.recognised")] == ("20,0% (1/5)", vi("year.verdict.not_met"))
    assert results[vi("target.graded_average")] == ("80,0% (4/5)", vi("year.verdict.met"))
    assert results[vi("target.graded_excellent")] == ("20,0% (1/5)", vi("year.verdict.not_met"))
    assert len(document.inline_shapes) == 1  # the chart


async def test_the_draft_names_who_filed_late_or_never(database: Database) -> None:
    await seed_year(database)
    document = await draft(database, SpanOfYear(Span.YEAR, YEAR))
    filing = {row[0]: row[1:] for row in table_headed(document, vi("year.doc.col.area"))[1:]}
    assert filing["Thôn Một"][:2] == ["11", "0"]
    assert filing["Thôn Hai"][:2] == ["11", "2"]
    assert filing["Thôn Ba"][0] == "6"
    assert filing["Thôn Ba"][2].startswith("07/2026, 08/2026")
    assert filing["Thôn Năm"][0] == "0"
    text = text_of(document)
    assert vi("year.doc.never_filed", names="Thôn Năm") in text
    assert vi("year.doc.limit.late", names="Thôn Hai, Thôn Bốn") in text


async def test_tips_events_models_and_proposals_come_from_the_records(database: Database) -> None:
    await seed_year(database)
    document = await draft(database, SpanOfYear(Span.YEAR, YEAR))
    tips = table_headed(document, vi("year.doc.col.category"))
    assert tips[-1] == [vi("year.doc.total"), "3", "1"]  # only the drugs tip within 24 h
    events = table_headed(document, vi("year.doc.col.event"))
    assert events[1][0] == "Ngày hội toàn dân bảo vệ ANTQ"
    assert events[1][1] == "19/08/2026"
    assert events[1][4] == "150"
    models = table_headed(document, vi("year.doc.col.model"))
    assert models[1] == ["Camera an ninh thôn Một", "Thôn Một", "1", "8"]
    assert f"- Thôn Hai (11/2026): {PROPOSAL}" in text_of(document)


async def test_the_half_year_draft_covers_january_to_june(database: Database) -> None:
    await seed_year(database)
    document = await draft(database, SpanOfYear(Span.HALF_YEAR, YEAR))
    trend = table_headed(document, vi("year.doc.col.month"))
    assert [row[0] for row in trend[1:]] == [f"{month:02d}/2026" for month in range(1, 7)]
    text = text_of(document)
    assert vi("year.doc.no_events") in text  # the Ngày hội is in August
    assert vi("year.doc.tips", received=0, within=0, hours=24) in text  # the tips in September


async def test_a_provinces_draft_counts_filing_by_commune(database: Database) -> None:
    await seed_year(database)
    document = await draft(database, SpanOfYear(Span.YEAR, YEAR), "40")
    communes = table_headed(document, vi("year.doc.col.commune"))
    # Five areas, 39 updates (11 + 11 + 6 + 11) of the 55 due on 10 December (January to
    # November: December's is due in January), 3 late (Hai twice, Bốn), Năm none.
    assert communes[1:] == [["Xã Đô Lương", "5", "39/55", "3", "1"]]
    assert "NGHỆ AN" in document.tables[0].rows[0].cells[0].text


async def test_only_months_an_area_existed_and_that_were_due_are_missing(
    database: Database,
) -> None:
    ids = await seed_year(database)
    async with database.transaction() as session:
        # Thôn Sáu came into the records in mid-September and filed September only.
        await insert_areas(session, [place("17662-006", "Thôn Sáu", "thon", COMMUNE)])
        added = await area_by_code(session, "17662-006")
        assert added is not None
        await session.execute(
            update(areas)
            .where(areas.c.id == added.id)
            .values(created_at=datetime(2026, 9, 15, 2, 0, tzinfo=UTC))
        )
        filed_at = datetime(2026, 10, 3, 2, 0, tzinfo=UTC)
        await session.execute(
            insert(monthly_reports).values(
                monthly_report(
                    added.id,
                    "2026-09",
                    date(2026, 10, 5),
                    filed_at,
                    late=False,
                    households=30,
                    pledged=20,
                    notable_events=None,
                )
            )
        )
    assert ids  # the year's other areas as the harness files them
    document = await draft(database, SpanOfYear(Span.YEAR, YEAR))
    filing = {row[0]: row[1:] for row in table_headed(document, vi("year.doc.col.area"))[1:]}
    # Before September it was not in the records; December is due on 5 January.
    assert filing["Thôn Sáu"] == ["1", "0", "10/2026, 11/2026"]
    assert filing["Thôn Ba"][2] == ", ".join(f"{m:02d}/2026" for m in range(7, 12))
    assert filing["Thôn Một"][2] == vi("year.doc.none")  # January to November filed
    text = text_of(document)
    assert vi("year.doc.never_filed", names="Thôn Năm") in text


async def test_a_leaders_highlight_is_in_the_situation_not_under_no_events(
    database: Database,
) -> None:
    ids = await seed_year(database)
    highlight = "Bắt quả tang 2 đối tượng trộm cắp gà tại xóm 3."
    async with database.transaction() as session:
        await session.execute(
            update(monthly_reports)
            .where(monthly_reports.c.area_id == ids["17662-001"])
            .where(monthly_reports.c.period == "2026-03")
            .values(notable_events=highlight)
        )
    document = await draft(database, SpanOfYear(Span.HALF_YEAR, YEAR))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    line = f"- Thôn Một (03/2026): {highlight}"
    at = paragraphs.index(line)
    assert paragraphs[at - 1] == vi("year.doc.notable")
    # In section I, before the results; never right after "no events".
    assert at < paragraphs.index(vi("year.doc.section.results"))
    no_events = paragraphs.index(vi("year.doc.no_events"))
    assert paragraphs[no_events + 1] == vi("year.doc.section.tips")


def recipients_of(document: docx.document.Document) -> list[str]:
    left = document.tables[-1].rows[0].cells[0]
    lines = [paragraph.text for paragraph in left.paragraphs]
    assert lines[0] == vi("year.doc.recipients")
    return lines[1:]


async def test_the_recipients_are_real_ones_and_no_nhu_tren_without_kinh_gui(
    database: Database,
) -> None:
    await seed_year(database)
    commune = await draft(database, SpanOfYear(Span.YEAR, YEAR))
    assert recipients_of(commune) == [
        vi("year.doc.recipient.steering", place="Nghệ An"),
        "- Lưu: VT.",
    ]
    province = await draft(database, SpanOfYear(Span.YEAR, YEAR), "40")
    assert recipients_of(province) == [vi("year.doc.recipient.ministry"), "- Lưu: VT."]
    named = ("Ban Chỉ đạo phong trào Toàn dân bảo vệ ANTQ tỉnh Nghệ An", "Công an tỉnh Nghệ An")
    configured = await draft(database, SpanOfYear(Span.YEAR, YEAR), recipients=named)
    assert recipients_of(configured) == [
        "- Ban Chỉ đạo phong trào Toàn dân bảo vệ ANTQ tỉnh Nghệ An;",
        "- Công an tỉnh Nghệ An;",
        "- Lưu: VT.",
    ]
    for document in (commune, province, configured):
        everything = text_of(document) + "".join(
            cell.text for table in document.tables for row in table.rows for cell in row.cells
        )
        assert "Như trên" not in everything and "Kính gửi" not in everything


async def test_the_draft_renders_to_a_pdf_an_official_can_read(
    database: Database, tmp_path: Path
) -> None:
    soffice, pdftotext = shutil.which("soffice"), shutil.which("pdftotext")
    if soffice is None or pdftotext is None:
        pytest.skip("LibreOffice (soffice) and poppler's pdftotext are not installed here")
    await seed_year(database)
    async with database.transaction() as session:  # a school beside the areas (issue 29)
        (school,) = await add_units(
            session, [UnitFigures(COMMUNE, "Trường THCS", "school", "thcs", 40, 760)], now=NOW
        )
        await file_reach(
            session, school, YEAR, "year", reached=760, total=800, document="Báo cáo số 1/BC",
            late=False, member_id=None, now=NOW,
        )  # fmt: skip
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(await draft_bytes(database, SpanOfYear(Span.YEAR, YEAR)))
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    converted = await asyncio.to_thread(
        subprocess.run,
        [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), source],
        capture_output=True,
        timeout=300,
    )
    assert converted.returncode == 0, converted.stderr
    shown = await asyncio.to_thread(
        subprocess.run,
        [pdftotext, "-layout", "-f", "1", "-l", "1", str(tmp_path / "bao-cao.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    text = shown.stdout
    for line in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO"):
        assert line in text
    assert vi("year.doc.section.situation") in text
    # The paragraph on units, wherever the pages break.
    whole = await asyncio.to_thread(
        subprocess.run,
        [pdftotext, "-layout", str(tmp_path / "bao-cao.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert vi("unit.doc.heading") in whole.stdout
    assert "- Cơ sở giáo dục: 1 đơn vị" in whole.stdout
