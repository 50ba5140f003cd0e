"""Helpers of the commendation tests: the movement's year (``tests.bot.movement_year``) with
the phones of its admins, the yearly draft opened with python-docx, and the notices queued."""

from __future__ import annotations

import io
from datetime import date, datetime

import docx
from openpyxl import load_workbook

from bot.exports import columns as col
from bot.exports.service import ExportRequest, ExportSubject, write_export
from bot.movement_year.report import write_report
from bot.places import place_of
from conversations.calendar import ReportCalendar
from conversations.movement_year import SpanOfYear
from conversations.targets import DEFAULT_TARGETS, Span, TargetBook, YearCalendar
from storage._sql import outbox
from storage.areas import area_by_code
from storage.database import Database
from tests.bot.harness import Phone, phone_at_menu, rows
from tests.bot.movement_year.harness import NOW, TODAY, YEAR
from tests.conversations.harness import CATALOGUES, Clock, t


async def phone_of(database: Database, user_id: str, now: datetime = NOW) -> Phone:
    return await phone_at_menu(database, Clock(now), user_id)


async def draft_bytes(database: Database, code: str, book: TargetBook = DEFAULT_TARGETS) -> bytes:
    async with database.transaction() as session:
        area = await area_by_code(session, code)
        assert area is not None
        return await write_report(
            session,
            place_of(area),
            SpanOfYear(Span.YEAR, YEAR),
            TODAY,
            CATALOGUES,
            book=book,
            calendar=YearCalendar(),
            reports=ReportCalendar(),
        )


async def yearly_draft(
    database: Database, code: str, book: TargetBook = DEFAULT_TARGETS
) -> docx.document.Document:
    return docx.Document(io.BytesIO(await draft_bytes(database, code, book)))


def table_headed(document: docx.document.Document, first: str) -> list[list[str]]:
    for table in document.tables:
        if table.rows and table.rows[0].cells[0].text == first:
            return [[cell.text for cell in row.cells] for row in table.rows]
    raise AssertionError(f"no table headed {first!r}")


def text_of(document: docx.document.Document) -> str:
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


async def notices(database: Database) -> list[dict[str, object]]:
    """The commendation notices in the outbox."""
    return [
        row
        for row in await rows(database, outbox)
        if str(row["message_key"] or "").startswith("commendation.notice.")
    ]


async def commendations_sheet(database: Database, code: str) -> list[dict[str, object]]:
    """The year's export of the place ``code``: its commendations' sheet, a dict per row by
    the column's heading."""
    async with database.transaction() as session:
        area = await area_by_code(session, code)
        assert area is not None
    request = ExportRequest(ExportSubject.YEAR, (place_of(area),), periods=(str(YEAR),))
    target = io.BytesIO()
    await write_export(
        request, database.transaction, target, catalogues=CATALOGUES, today=date(YEAR, 12, 10)
    )
    book = load_workbook(io.BytesIO(target.getvalue()), read_only=True)
    sheet = list(book[t(col.SHEET_COMMENDATIONS)].iter_rows(values_only=True))
    return [dict(zip(sheet[0], values, strict=False)) for values in sheet[1:]]
