"""The yearly report draft: a DOCX in the administrative layout whose every figure comes from
the records, opened with python-docx and read table by table."""

from __future__ import annotations

import io

import docx
from docx.table import Table

from bot.movement_year.report import write_report
from bot.places import place_of
from conversations.movement_year import SpanOfYear
from conversations.targets import DEFAULT_TARGETS, Span, YearCalendar
from storage.areas import area_by_code
from storage.database import Database
from tests.bot.movement_year.harness import PROPOSAL, TODAY, YEAR, seed_year
from tests.conversations.harness import CATALOGUES


def vi(key: str, **params: object) -> str:
    return CATALOGUES.text("vi", key, **params)


async def draft(
    database: Database, span: SpanOfYear, code: str = "17662"
) -> docx.document.Document:
    async with database.transaction() as session:
        area = await area_by_code(session, code)
        assert area is not None
        data = await write_report(
            session,
            place_of(area),
            span,
            TODAY,
            CATALOGUES,
            book=DEFAULT_TARGETS,
            calendar=YearCalendar(),
        )
    return docx.Document(io.BytesIO(data))


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
    # Five areas, 39 updates of the 60 due (11 + 11 + 6 + 11), 3 late (Hai twice, Bốn), Năm none.
    assert communes[1:] == [["Xã Đô Lương", "5", "39/60", "3", "1"]]
    assert "NGHỆ AN" in document.tables[0].rows[0].cells[0].text
