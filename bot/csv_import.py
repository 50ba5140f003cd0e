"""Reading a CSV list to import (places, units): the header's columns found without accents or
case, commas, semicolons or tabs as separators (Excel writes semicolons in some locales), each
problem reported with its line number, and what an import found and did."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from conversations.parsing import fold

__all__ = ["BadFile", "ImportReport", "LineError", "read_csv_rows"]


@dataclass(frozen=True)
class LineError:
    """A problem with one line of the file (line 1 is the header)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportReport:
    """What an import found and did."""

    lines: int = 0
    errors: list[LineError] = field(default_factory=list)
    valid: int = 0
    imported: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class BadFile(ValueError):
    """The file as a whole cannot be read (no header, missing columns, not UTF-8)."""


def _delimiter(header: str) -> str:
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    return max(counts, key=lambda delimiter: counts[delimiter])


def read_csv_rows(
    text: str, required: tuple[str, ...]
) -> tuple[list[tuple[int, dict[str, str | None] | LineError]], int]:
    """The file's data lines by number, as rows named by the (folded) header, or the error of
    a line with more columns than the header; and the number of data lines. Blank lines are
    skipped. ``BadFile`` when there is no header or it lacks a ``required`` column (the areas'
    and the units' imports read files alike)."""
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise BadFile("the file is empty or has no header row")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    columns = [fold(name or "").replace(" ", "_") for name in reader.fieldnames or []]
    missing = [name for name in required if name not in columns]
    if missing:
        raise BadFile(f"the header lacks the column(s): {', '.join(missing)}")
    reader.fieldnames = columns
    found: list[tuple[int, dict[str, str | None] | LineError]] = []
    for row in reader:
        line = reader.line_num
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue  # blank lines are harmless
        if row.get(None):  # type: ignore[call-overload]
            found.append((line, LineError(line, "more columns than the header")))
            continue
        found.append((line, row))  # type: ignore[arg-type]
    return found, len(found)
