"""The export writers: XLSX and CSV files that read back as what was written.

The XLSX writer builds each row from a template per shape of row; these tests check it
against openpyxl reading the file, and against the writer's own cell-by-cell way.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils.datetime import to_excel

from bot.workbooks import (
    Cell,
    ExportTooLarge,
    csv_cells,
    csv_text,
    excel_serial,
    open_book,
    xlsx_cell,
)
from bot.workbooks import xlsx as xlsx_writer
from bot.workbooks.book import MAX_SHAPES

LONG = "x" * 40_000
ROW: list[Cell] = [
    "Đô Lương",
    " spaced ",
    "=1+1 không phải công thức",
    "a & b < c > d",
    "bell\x07 and\x0b tab\tkept\nnewline",
    "",
    None,
    7,
    -3,
    2.5,
    float("nan"),
    True,
    date(2026, 10, 31),
    datetime(2026, 10, 15, 9, 30, 15),
    datetime(2026, 10, 15, 3, 0, tzinfo=UTC),  # 10:00 in Vietnam
    Decimal("12.5"),
    LONG,
]
EXPECTED: tuple[object, ...] = (
    "Đô Lương",
    " spaced ",
    "=1+1 không phải công thức",
    "a & b < c > d",
    "bell and tab\tkept\nnewline",
    None,
    None,
    7,
    -3,
    2.5,
    None,
    True,
    datetime(2026, 10, 31),  # XLSX has no plain dates
    datetime(2026, 10, 15, 9, 30, 15),
    datetime(2026, 10, 15, 10, 0),
    12.5,
    "x" * 32_767,  # Excel's limit for one cell
)


def xlsx(rows: list[list[Cell]], *, titles: tuple[str, ...] = ("Sheet",)) -> bytes:
    target = io.BytesIO()
    book = open_book("xlsx", target, sheets=len(titles))
    for title in titles:
        sheet = book.sheet(title, ["Cột A", "Cột B"])
        for row in rows:
            sheet.append(row)
    book.close()
    return target.getvalue()


def test_an_xlsx_reads_back_as_written() -> None:
    data = xlsx([ROW, ROW])
    book = load_workbook(io.BytesIO(data), read_only=True)
    (sheet,) = book.worksheets
    header, first, second = list(sheet.iter_rows(values_only=True))
    assert header == ("Cột A", "Cột B")
    assert first == second == EXPECTED


def test_xlsx_dates_and_times_are_dates_and_text_is_never_a_formula() -> None:
    book = load_workbook(io.BytesIO(xlsx([ROW])))
    (cells,) = book.active.iter_rows(min_row=2)
    assert cells[2].data_type == "s"  # "=1+1 ...": text, not a formula
    assert cells[12].is_date and cells[12].number_format == "yyyy-mm-dd"
    assert cells[13].is_date and cells[13].number_format == "yyyy-mm-dd hh:mm"
    assert cells[14].is_date


def test_the_xlsx_header_is_bold_frozen_and_columns_fit_their_headers() -> None:
    target = io.BytesIO()
    book = open_book("xlsx", target)
    long_header = "Số người chấp hành xong án phạt tù tái hoà nhập cộng đồng"
    sheet = book.sheet("Sheet", ["Mã", "Số buổi tuyên truyền", long_header])
    sheet.append(["17662-001", 2, 0])
    book.close()
    loaded = load_workbook(io.BytesIO(target.getvalue()))
    sheet = loaded.active
    assert sheet.freeze_panes == "A2"
    assert [cell.font.b for cell in sheet[1]] == [True, True, True]
    assert [cell.font.b for cell in sheet[2]] == [False, False, False]
    widths = [sheet.column_dimensions[letter].width for letter in "ABC"]
    assert widths == [xlsx_writer.MIN_COLUMN_WIDTH, 22, xlsx_writer.MAX_COLUMN_WIDTH]


def test_xlsx_sheets_keep_their_titles_in_order() -> None:
    data = xlsx([[1]], titles=("Báo cáo <tháng> & 'năm'", "Khu dân cư", "Khu dân cư"))
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames == ["Báo cáo <tháng> & 'năm'", "Khu dân cư", "Khu dân cư1"]
    assert [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets] == [
        [("Cột A", "Cột B"), (1,)]
    ] * 3
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None


def test_rows_of_more_shapes_than_are_templated_are_still_written_right() -> None:
    # Row n has its blanks where n's binary digits are 1: a shape of its own in few columns.
    count = MAX_SHAPES + 20
    width = count.bit_length()

    def row_of(number: int) -> list[Cell]:
        return [None if number >> column & 1 else column for column in range(width)]

    book = load_workbook(io.BytesIO(xlsx([row_of(n) for n in range(count)])), read_only=True)
    read = list(book.active.iter_rows(min_row=2, values_only=True))  # type: ignore[union-attr]
    assert len(read) == count
    for number, row in enumerate(read):
        padded = list(row) + [None] * (width - len(row))
        assert padded == row_of(number)


def test_an_excel_serial_is_openpyxls() -> None:
    moment = datetime(1899, 12, 31, 6)
    while moment < datetime(2100, 1, 1):
        assert excel_serial(moment) == to_excel(moment)
        moment += timedelta(days=97, seconds=3_917, microseconds=1_234)


cell_values = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2100, 1, 1)),
    st.datetimes(
        min_value=datetime(1980, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(cell_values, max_size=12))
def test_a_templated_row_is_the_row_written_cell_by_cell(row: list[Cell]) -> None:
    letters = [xlsx_writer.get_column_letter(column + 1) for column in range(len(row))]
    template = xlsx_writer._row_template(letters, tuple(map(type, row)))
    assert template is not None
    by_cell = "".join(
        xlsx_cell(f"{letter}17", value) for letter, value in zip(letters, row, strict=True)
    )
    assert template.render("17", row) == f'<row r="17">{by_cell}</row>'


@settings(max_examples=200, deadline=None)
@given(st.lists(cell_values, max_size=12))
def test_csv_cells_are_written_as_csv_text_says(row: list[Cell]) -> None:
    expected = io.StringIO()
    csv.writer(expected).writerow([csv_text(value) for value in row])
    written = io.StringIO()
    csv.writer(written).writerow(csv_cells(row))
    assert written.getvalue() == expected.getvalue()


def test_a_csv_sheet_shows_local_times_and_keeps_formulas_as_text() -> None:
    target = io.BytesIO()
    book = open_book("csv", target)
    sheet = book.sheet("Tin báo", ["Mã", "Lúc", "Nội dung", "Ngày", "Số"])
    sheet.append(["A1", datetime(2026, 10, 15, 3, 0, tzinfo=UTC), "=HYPERLINK()", None, 3])
    sheet.append(["A2", datetime(2026, 10, 15, 9, 5), "-5 người", date(2026, 1, 2), 2.5])
    book.close()
    text = target.getvalue().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["Mã", "Lúc", "Nội dung", "Ngày", "Số"],
        ["A1", "2026-10-15 10:00", "'=HYPERLINK()", "", "3"],
        ["A2", "2026-10-15 09:05", "'-5 người", "2026-01-02", "2.5"],
    ]


@pytest.mark.parametrize("format", ["xlsx", "csv"])
def test_a_book_stops_past_its_row_cap(format: str) -> None:
    book = open_book(format, io.BytesIO(), sheets=2, max_rows=3)
    sheet = book.sheet("A", ["h"])
    sheet.append([1])
    sheet.append([2])
    other = book.sheet("B", ["h"])
    other.append([3])
    with pytest.raises(ExportTooLarge):
        other.append([4])
    book.discard()  # what write_export does with a failed book: no zip member left open
