"""CSV written row by row: one sheet is a UTF-8 ``.csv`` with a byte-order mark (so Excel
reads Vietnamese right); several sheets are a ``.zip`` holding a ``.csv`` per sheet."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import IO, Any

from bot.workbooks.book import (
    COMPRESSLEVEL,
    FORMULA_START,
    MAX_SHAPES,
    Book,
    Cell,
    Sheet,
    local,
)
from conversations.localtime import LOCAL_TIME


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
        return "'" + value if value.startswith(FORMULA_START) else value
    return str(value)


def _csv_datetime(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(LOCAL_TIME)
    if value.year < 1000:  # isoformat pads years, strftime does not
        return csv_text(value)
    return value.replace(tzinfo=None).isoformat(" ", "minutes")


def _csv_string(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


# By exact type: what the csv module would not write as ``csv_text`` does. Numbers and None
# it writes itself (str() and nothing), so they pass through untouched.
_CSV_CONVERSIONS: dict[type, Callable[[object], object]] = {
    str: _csv_string,  # type: ignore[dict-item]
    datetime: _csv_datetime,  # type: ignore[dict-item]
    date: date.isoformat,  # type: ignore[dict-item]
}
_CSV_PLAIN = frozenset({int, float, type(None)})


def _csv_plan(kinds: Sequence[type]) -> tuple[tuple[int, Callable[[Any], object]], ...] | None:
    """Which cells of rows with ``kinds`` need converting, and how; None: some kind is odd."""
    plan: list[tuple[int, Callable[[Any], object]]] = []
    for index, kind in enumerate(kinds):
        if kind in _CSV_PLAIN or kind is bool:
            continue
        convert = _CSV_CONVERSIONS.get(kind)
        if convert is None:
            return None
        plan.append((index, convert))
    return tuple(plan)


def csv_cells(row: Sequence[Cell]) -> list[object]:
    """A row as the csv module should write it; the same text as ``csv_text`` gives."""
    cells: list[object] = []
    for value in row:
        kind = type(value)
        if kind in _CSV_PLAIN:
            cells.append(value)
        else:
            convert = _CSV_CONVERSIONS.get(kind)
            cells.append(convert(value) if convert is not None else csv_text(value))
    return cells


class _CsvSheet(Sheet):
    def __init__(self, book: CsvBook, stream: io.TextIOWrapper, headers: Sequence[str]) -> None:
        super().__init__(book)
        self.stream = stream
        self.writer = csv.writer(stream)
        self.writer.writerow(headers)
        # As for XLSX: rows come in a few shapes, and a shape says which cells to convert.
        self.plans: dict[tuple[type, ...], tuple[tuple[int, Callable[[Any], object]], ...] | None]
        self.plans = {}

    def _write(self, row: Sequence[Cell]) -> None:
        shape = tuple(map(type, row))
        plan = self.plans.get(shape)
        if plan is None and len(self.plans) < MAX_SHAPES and shape not in self.plans:
            plan = self.plans[shape] = _csv_plan(shape)
        if plan is None:
            self.writer.writerow(csv_cells(row))
            return
        cells = list(row)
        for index, convert in plan:
            cells[index] = convert(cells[index])
        self.writer.writerow(cells)

    def finish(self) -> None:
        self.stream.flush()
        self.stream.detach()


class CsvBook(Book):
    """One sheet: a UTF-8 CSV with a byte-order mark (so Excel reads Vietnamese right).
    Several sheets: a zip of such files, named after their sheets."""

    def __init__(self, target: IO[bytes], *, sheets: int = 1, max_rows: int | None = None) -> None:
        super().__init__(target, max_rows=max_rows)
        self.extension = "csv" if sheets == 1 else "zip"
        self.archive = (
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSLEVEL)
            if sheets > 1
            else None
        )
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
