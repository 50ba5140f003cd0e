"""What every workbook format shares: a workbook of named sheets, written row by row, that
counts its rows against the caller's cap; and the cell values a sheet takes."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import suppress
from datetime import date, datetime
from typing import IO

from conversations.localtime import LOCAL_TIME

Cell = str | int | float | date | datetime | None

# A cell a spreadsheet would run as a formula: user text (a tip, a note) is never run.
FORMULA_START = ("=", "+", "-", "@")
# Deflate level of the zip (XLSX, or CSV sheets): level 1 makes files about a fifth larger
# than the default 6 and compresses several times faster, which was a third of the time.
COMPRESSLEVEL = 1

# Rows of one sheet come in a few shapes (the kinds of their cells, blanks included); each
# shape gets a template once. A sheet with more shapes than this writes the rest cell by cell.
MAX_SHAPES = 512


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
        book = self.book
        book.rows += 1
        if book.max_rows is not None and book.rows > book.max_rows:
            raise ExportTooLarge(book.max_rows)
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

    @abstractmethod
    def sheet(self, title: str, headers: Sequence[str]) -> Sheet: ...

    @abstractmethod
    def close(self) -> None: ...

    def discard(self) -> None:
        """Ends an export that failed: open zip members are closed (the file is unused)."""
        with suppress(Exception):
            self.close()
