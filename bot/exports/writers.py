"""Workbooks written row by row: XLSX (openpyxl's write-only mode) and CSV.

A workbook has named sheets. XLSX keeps them in one file; CSV has no sheets, so a CSV export
of one sheet is a plain ``.csv`` and one of several sheets a ``.zip`` holding a ``.csv`` per
sheet. Neither keeps rows in memory: openpyxl spools each sheet to a temporary file and
zips them on close, and CSV rows go straight into the target (or the zip member).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import date, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from conversations.localtime import LOCAL_TIME

Cell = str | int | float | date | datetime | None

# Control characters that XML (and so XLSX) cannot hold; people paste them rarely, but a
# single one would make openpyxl refuse the whole file.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A cell a spreadsheet would run as a formula: user text (a tip, a note) is never run.
_FORMULA_START = ("=", "+", "-", "@")
SHEET_TITLE_LENGTH = 31  # Excel's limit


class ExportTooLarge(Exception):
    """More rows than the caller allowed (a chat export has a cap; the CLI has none)."""


def local(moment: datetime) -> datetime:
    """A stored UTC time as Vietnam's wall-clock time, without a zone (XLSX has none)."""
    return moment.astimezone(LOCAL_TIME).replace(tzinfo=None)


class Sheet(ABC):
    """One table: a header row, then rows appended in order."""

    def __init__(self, book: Book) -> None:
        self.book = book

    def append(self, row: Sequence[Cell]) -> None:
        self.book.count_row()
        self._write(row)

    @abstractmethod
    def _write(self, row: Sequence[Cell]) -> None: ...


class Book(ABC):
    """Sheets written into ``target``, a binary file; ``close`` finishes the file."""

    extension: str

    def __init__(self, target: IO[bytes], *, max_rows: int | None = None) -> None:
        self.target = target
        self.max_rows = max_rows
        self.rows = 0

    def count_row(self) -> None:
        self.rows += 1
        if self.max_rows is not None and self.rows > self.max_rows:
            raise ExportTooLarge(self.max_rows)

    @abstractmethod
    def sheet(self, title: str, headers: Sequence[str]) -> Sheet: ...

    @abstractmethod
    def close(self) -> None: ...


class _XlsxSheet(Sheet):
    def __init__(self, book: XlsxBook, worksheet: WriteOnlyWorksheet) -> None:
        super().__init__(book)
        self.worksheet = worksheet

    def _write(self, row: Sequence[Cell]) -> None:
        self.worksheet.append([self._cell(value) for value in row])

    def _cell(self, value: Cell) -> Any:
        if isinstance(value, datetime) and value.tzinfo is not None:
            return local(value)
        if isinstance(value, str):
            value = _ILLEGAL.sub("", value)
            if value.startswith("="):
                # openpyxl takes a leading "=" for a formula: keep the text as text.
                cell = WriteOnlyCell(self.worksheet, value)
                cell.data_type = "s"
                return cell
        return value


class XlsxBook(Book):
    extension = "xlsx"

    def __init__(self, target: IO[bytes], *, max_rows: int | None = None) -> None:
        super().__init__(target, max_rows=max_rows)
        self.workbook = Workbook(write_only=True)

    def sheet(self, title: str, headers: Sequence[str]) -> Sheet:
        worksheet = self.workbook.create_sheet(_ILLEGAL.sub("", title)[:SHEET_TITLE_LENGTH])
        worksheet.append(list(headers))
        return _XlsxSheet(self, worksheet)

    def close(self) -> None:
        self.workbook.save(self.target)


def csv_text(value: Cell) -> str:
    """A cell as CSV text: local times, and user text that cannot run as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        shown = local(value) if value.tzinfo is not None else value
        return shown.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_START) else value
    return str(value)


class _CsvSheet(Sheet):
    def __init__(self, book: CsvBook, stream: io.TextIOWrapper, headers: Sequence[str]) -> None:
        super().__init__(book)
        self.stream = stream
        self.writer = csv.writer(stream)
        self.writer.writerow(headers)

    def _write(self, row: Sequence[Cell]) -> None:
        self.writer.writerow([csv_text(value) for value in row])

    def finish(self) -> None:
        self.stream.flush()
        self.stream.detach()


class CsvBook(Book):
    """One sheet: a UTF-8 CSV with a byte-order mark (so Excel reads Vietnamese right).
    Several sheets: a zip of such files, named after their sheets."""

    def __init__(self, target: IO[bytes], *, sheets: int = 1, max_rows: int | None = None) -> None:
        super().__init__(target, max_rows=max_rows)
        self.extension = "csv" if sheets == 1 else "zip"
        self.archive = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) if sheets > 1 else None
        self.current: _CsvSheet | None = None
        self.member: IO[bytes] | None = None

    def sheet(self, title: str, headers: Sequence[str]) -> Sheet:
        self._finish_current()
        if self.archive is not None:
            self.member = self.archive.open(f"{_file_name(title)}.csv", "w", force_zip64=True)
            raw: IO[bytes] = self.member
        elif self.current is None:
            raw = self.target
        else:
            raise ValueError("a CSV file holds one sheet; ask for several up front")
        stream = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")  # type: ignore[arg-type]
        self.current = _CsvSheet(self, stream, headers)
        return self.current

    def _finish_current(self) -> None:
        if self.current is not None:
            self.current.finish()
        if self.member is not None:
            self.member.close()
            self.member = None

    def close(self) -> None:
        self._finish_current()
        if self.archive is not None:
            self.archive.close()


def _file_name(title: str) -> str:
    cleaned = re.sub(r"[^\w\- ]+", "", title, flags=re.UNICODE).strip()
    return cleaned or "sheet"


def open_book(
    format: str, target: IO[bytes], *, sheets: int = 1, max_rows: int | None = None
) -> Book:
    """A workbook of ``format`` ("xlsx" or "csv") writing into ``target``."""
    if format == "xlsx":
        return XlsxBook(target, max_rows=max_rows)
    if format == "csv":
        return CsvBook(target, sheets=sheets, max_rows=max_rows)
    raise ValueError(f"unknown export format {format!r}")
