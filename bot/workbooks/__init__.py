"""Workbooks written row by row: XLSX (``workbooks.xlsx``) and CSV (``workbooks.csv``), for
every feature that hands out a table (the exports, a survey's results).

A workbook has named sheets (``workbooks.book``). XLSX keeps them in one file; CSV has no
sheets, so a CSV export of one sheet is a plain ``.csv`` and one of several sheets a ``.zip``
holding a ``.csv`` per sheet. Neither keeps rows in memory: each sheet streams into its zip
member (or the target) as it is written, a few hundred rows at a time.
"""

from __future__ import annotations

from typing import IO

from bot.workbooks.book import Book, Cell, ExportTooLarge, Sheet
from bot.workbooks.csv import CsvBook, csv_cells, csv_text
from bot.workbooks.xlsx import XlsxBook, excel_serial, xlsx_cell

__all__ = [
    "Book",
    "Cell",
    "CsvBook",
    "ExportTooLarge",
    "Sheet",
    "XlsxBook",
    "csv_cells",
    "csv_text",
    "excel_serial",
    "open_book",
    "xlsx_cell",
]


def open_book(
    format: str, target: IO[bytes], *, sheets: int = 1, max_rows: int | None = None
) -> Book:
    """A workbook of ``format`` ("xlsx" or "csv") writing into ``target``."""
    if format == "xlsx":
        return XlsxBook(target, max_rows=max_rows)
    if format == "csv":
        return CsvBook(target, sheets=sheets, max_rows=max_rows)
    raise ValueError(f"unknown export format {format!r}")
