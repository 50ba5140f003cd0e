"""XLSX written row by row, one string a row, as openpyxl's write-only mode lays it out.

XLSX is written here rather than with openpyxl: openpyxl builds an element tree for every
cell, which made a province's year take minutes; a row here is one string. The file is laid
out as openpyxl's write-only mode lays it out (inline strings, the same number formats for
dates), so it opens the same in Excel, LibreOffice and openpyxl; the header row is bold and
stays in view, and columns are as wide as their headers.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import lru_cache
from math import isfinite
from operator import itemgetter
from types import NoneType
from typing import IO, Any
from xml.sax.saxutils import quoteattr

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.writer.theme import theme_xml

from bot.workbooks.book import COMPRESSLEVEL, MAX_SHAPES, Book, Cell, Sheet
from conversations.localtime import LOCAL_TIME

# Control characters that XML (and so XLSX) cannot hold; people paste them rarely, but a
# single one would make the file unreadable.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A string needs more than copying when it holds one of these (most strings hold none).
_XML_SPECIAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f&<>]")
SHEET_TITLE_LENGTH = 31  # Excel's limit
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\*?:/\[\]]")
CELL_TEXT_LENGTH = 32_767  # Excel's limit; openpyxl cut longer text there too
# Rows gathered before they go to the file: one write per batch instead of per row.
_BATCH_ROWS = 500

_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOCUMENT_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT = "application/vnd.openxmlformats-officedocument"

# Cell styles (indexes into cellXfs below): dates, times to the minute (every stored time is
# kept to the minute) and the bold header row.
_DATE_STYLE = 1
_DATETIME_STYLE = 2
_HEADER_STYLE = 3
_FONT = (
    '<sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/>'
)
_STYLES = (
    _XML_DECLARATION + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    f'<fonts count="2"><font>{_FONT}</font><font><b/>{_FONT}</font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_ROOT_RELS = (
    _XML_DECLARATION + f'<Relationships xmlns="{_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{_DOCUMENT_RELATIONSHIPS}/officeDocument"'
    ' Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELATIONSHIPS}/metadata/core-properties"'
    ' Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_DOCUMENT_RELATIONSHIPS}/extended-properties"'
    ' Target="docProps/app.xml"/>'
    "</Relationships>"
)
_APP = (
    _XML_DECLARATION
    + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Excel</Application></Properties>"
)
# The header row stays in view while the rows scroll under it.
_SHEET_START = (
    _XML_DECLARATION + f'<worksheet xmlns="{_MAIN}">'
    '<sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
    '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
)
# Column widths, in characters: a header's length, never so narrow that a date and time
# ("2026-11-02 10:00") shows as ####, never wider than a long header needs.
MIN_COLUMN_WIDTH = 18
MAX_COLUMN_WIDTH = 50


def _columns_xml(headers: Sequence[str]) -> str:
    """The widths of the columns, which must come before the rows (they are known from the
    headers: the rows have not been read yet)."""
    if not headers:
        return ""
    columns = "".join(
        f'<col min="{number}" max="{number}" width="{column_width(header)}" customWidth="1"/>'
        for number, header in enumerate(headers, start=1)
    )
    return f"<cols>{columns}</cols>"


def column_width(header: str) -> int:
    return min(max(len(header) + 2, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH)


_SHEET_END = (
    '</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1"'
    ' header="0.5" footer="0.5"/></worksheet>'
)


def _core(created: datetime) -> str:
    stamp = created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        _XML_DECLARATION + "<cp:coreProperties"
        ' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _content_types(sheets: int) -> str:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{number}.xml"'
        f' ContentType="{_CONTENT}.spreadsheetml.worksheet+xml"/>'
        for number in range(1, sheets + 1)
    )
    return (
        _XML_DECLARATION
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels"'
        ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml"'
        f' ContentType="{_CONTENT}.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CONTENT}.spreadsheetml.styles+xml"/>'
        f'<Override PartName="/xl/theme/theme1.xml" ContentType="{_CONTENT}.theme+xml"/>'
        '<Override PartName="/docProps/core.xml"'
        ' ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f'<Override PartName="/docProps/app.xml" ContentType="{_CONTENT}.extended-properties+xml"/>'
        f"{overrides}</Types>"
    )


def _workbook(titles: Sequence[str]) -> str:
    sheets = "".join(
        f'<sheet name={quoteattr(title)} sheetId="{number}" r:id="rId{number}"/>'
        for number, title in enumerate(titles, start=1)
    )
    return (
        _XML_DECLARATION + f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOCUMENT_RELATIONSHIPS}">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f'<sheets>{sheets}</sheets><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _workbook_rels(sheets: int) -> str:
    worksheets = "".join(
        f'<Relationship Id="rId{number}" Type="{_DOCUMENT_RELATIONSHIPS}/worksheet"'
        f' Target="worksheets/sheet{number}.xml"/>'
        for number in range(1, sheets + 1)
    )
    return (
        _XML_DECLARATION + f'<Relationships xmlns="{_RELATIONSHIPS}">{worksheets}'
        f'<Relationship Id="rId{sheets + 1}" Type="{_DOCUMENT_RELATIONSHIPS}/styles"'
        ' Target="styles.xml"/>'
        f'<Relationship Id="rId{sheets + 2}" Type="{_DOCUMENT_RELATIONSHIPS}/theme"'
        ' Target="theme/theme1.xml"/>'
        "</Relationships>"
    )


def xml_text(value: str) -> str:
    """``value`` as the inside of an inline-string cell: ``<is><t>…</t></is>``."""
    if len(value) > CELL_TEXT_LENGTH:
        value = value[:CELL_TEXT_LENGTH]
    if _XML_SPECIAL.search(value) is not None:
        value = _ILLEGAL.sub("", value).replace("&", "&amp;").replace("<", "&lt;")
        value = value.replace(">", "&gt;")
    if value.strip() != value:
        return f'<is><t xml:space="preserve">{value}</t></is>'
    return f"<is><t>{value}</t></is>"


_EXCEL_EPOCH = datetime(1899, 12, 30)
_FIRST_PLAIN_DAY = datetime(1900, 3, 1)  # before it, Excel's serials need openpyxl's care
_SECONDS_PER_DAY = 86_400


def excel_serial(moment: datetime) -> float | int:
    """A naive datetime as Excel's serial number (days since 1899-12-30), as openpyxl does."""
    if moment < _FIRST_PLAIN_DAY:
        return to_excel(moment)  # type: ignore[no-any-return]
    delta = moment - _EXCEL_EPOCH
    seconds = delta.seconds + delta.microseconds / 1_000_000
    return delta.days + seconds / _SECONDS_PER_DAY if seconds else delta.days


def _number(value: float) -> str | None:
    # "%.16g" is openpyxl's spelling of a number; NaN and infinity have none.
    return "%.16g" % value if isfinite(value) else None  # noqa: UP031


def xlsx_cell(reference: str, value: object) -> str:
    """One ``<c>`` element for ``value`` at ``reference`` ("B7"); nothing for None.

    An empty text and a number that is none (NaN) are empty cells, as openpyxl wrote them.
    """
    kind = type(value)
    if kind is str:
        return f'<c r="{reference}" t="inlineStr">{_xlsx_text(value)}</c>'  # type: ignore[arg-type]
    if kind is int:
        return f'<c r="{reference}" t="n"><v>{value}</v></c>'
    if kind is datetime:
        moment: datetime = value  # type: ignore[assignment]
        if moment.tzinfo is not None:
            moment = moment.astimezone(LOCAL_TIME).replace(tzinfo=None)
        serial = _number(excel_serial(moment))
        return f'<c r="{reference}" s="{_DATETIME_STYLE}" t="n"><v>{serial}</v></c>'
    if kind is date:
        serial = _number(excel_serial(datetime.combine(value, time())))  # type: ignore[arg-type]
        return f'<c r="{reference}" s="{_DATE_STYLE}" t="n"><v>{serial}</v></c>'
    if value is None:
        return ""
    if kind is bool:
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'  # type: ignore[call-overload]
    if kind is float or isinstance(value, int | float | Decimal):
        text = _number(value) or ""  # type: ignore[arg-type]
        return f'<c r="{reference}" t="n"><v>{text}</v></c>'
    # A subclass of datetime or date, or anything else: by its kind, or as text.
    if isinstance(value, datetime):
        return xlsx_cell(reference, datetime.combine(value.date(), value.timetz()))
    if isinstance(value, date):
        return xlsx_cell(reference, date(value.year, value.month, value.day))
    return xlsx_cell(reference, str(value))


def _xlsx_serial(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(LOCAL_TIME).replace(tzinfo=None)
    return _number(excel_serial(moment)) or ""


def _xlsx_day(day: date) -> str:
    return _number(excel_serial(datetime.combine(day, time()))) or ""


# Short texts repeat (periods, names of places, labels): their XML is kept, a bounded few.
_SHORT_TEXT = 64
_short_xml_text = lru_cache(maxsize=4096)(xml_text)


def _xlsx_text(value: str) -> str:
    if len(value) <= _SHORT_TEXT:
        return _short_xml_text(value) if value else ""
    return xml_text(value)


# By exact type: a cell's attributes, and what makes its content (None: the value as it is).
_XLSX_KINDS: dict[type, tuple[str, Callable[[Any], str] | None]] = {
    str: (' t="inlineStr">{}', _xlsx_text),
    int: (' t="n"><v>{}</v>', None),
    float: (' t="n"><v>{}</v>', lambda value: _number(value) or ""),
    datetime: (f' s="{_DATETIME_STYLE}" t="n"><v>{{}}</v>', _xlsx_serial),
    date: (f' s="{_DATE_STYLE}" t="n"><v>{{}}</v>', _xlsx_day),
    bool: (' t="b"><v>{}</v>', lambda value: "1" if value else "0"),
}


# Stands for the row's number in a template; no cell holds it (XML cannot, and text loses
# it with the other control characters), so one ``replace`` puts the number in every cell.
_ROW_NUMBER = "\x00"


class _RowTemplate:
    """One shape of row: fixed XML between the cells' values, which are filled in per row.

    ``str.format`` would parse a template of forty cells on every row; filling every other
    slot of a list and joining it was four times faster.
    """

    __slots__ = ("conversions", "parts", "pick", "single")

    def __init__(
        self,
        pieces: list[str],
        indexes: list[int],
        conversions: list[tuple[int, Callable[[Any], str]]],
    ) -> None:
        self.parts: list[str] = [""] * (2 * len(pieces) - 1)
        self.parts[::2] = pieces
        self.pick: Callable[[Sequence[Cell]], Any] = (
            itemgetter(*indexes) if indexes else (lambda row: ())
        )
        self.single = len(indexes) == 1  # itemgetter of one index gives no tuple
        self.conversions = tuple(conversions)

    def render(self, number: str, row: Sequence[Cell]) -> str:
        picked = self.pick(row)
        values = [picked] if self.single else list(picked)
        for position, convert in self.conversions:
            values[position] = convert(values[position])
        self.parts[1::2] = map(str, values)
        return "".join(self.parts).replace(_ROW_NUMBER, number)


def _row_template(letters: Sequence[str], kinds: Sequence[type]) -> _RowTemplate | None:
    """The template for rows whose cells have ``kinds``; None if a kind needs the slow way."""
    pieces: list[str] = []
    text = f'<row r="{_ROW_NUMBER}">'
    indexes: list[int] = []
    conversions: list[tuple[int, Callable[[Any], str]]] = []
    for index, (letter, kind) in enumerate(zip(letters, kinds, strict=False)):
        if kind is NoneType:
            continue
        known = _XLSX_KINDS.get(kind)
        if known is None:
            return None
        content, convert = known
        before, after = content.split("{}")
        pieces.append(f'{text}<c r="{letter}{_ROW_NUMBER}"{before}')
        text = f"{after}</c>"
        if convert is not None:
            conversions.append((len(indexes), convert))
        indexes.append(index)
    pieces.append(f"{text}</row>")
    return _RowTemplate(pieces, indexes, conversions)


class _XlsxSheet(Sheet):
    def __init__(self, book: XlsxBook, stream: IO[bytes], headers: Sequence[str]) -> None:
        super().__init__(book)
        self.stream = stream
        self.number = 0
        self.letters: list[str] = []
        self.templates: dict[tuple[type, ...], _RowTemplate | None] = {}
        self.pending: list[str] = [_SHEET_START, _columns_xml(headers), "<sheetData>"]
        self._header(headers)

    def _header(self, headers: Sequence[str]) -> None:
        self.number = 1
        letters = self._columns(len(headers))
        cells = "".join(
            f'<c r="{letter}1" s="{_HEADER_STYLE}" t="inlineStr">{_xlsx_text(header)}</c>'
            for letter, header in zip(letters, headers, strict=False)
        )
        self.pending.append(f'<row r="1">{cells}</row>')

    def _columns(self, width: int) -> list[str]:
        while len(self.letters) < width:
            self.letters.append(get_column_letter(len(self.letters) + 1))
        return self.letters

    def _write(self, row: Sequence[Cell]) -> None:
        self.number += 1
        shape = tuple(map(type, row))
        template = self.templates.get(shape)
        if template is None and len(self.templates) < MAX_SHAPES and shape not in self.templates:
            template = self.templates[shape] = _row_template(self._columns(len(row)), shape)
        if template is not None:
            self.pending.append(template.render(str(self.number), row))
        else:
            number = str(self.number)
            letters = self._columns(len(row))
            cells = [
                xlsx_cell(letter + number, value)
                for letter, value in zip(letters, row, strict=False)
            ]
            self.pending.append(f'<row r="{number}">{"".join(cells)}</row>')
        if len(self.pending) >= _BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        self.stream.write("".join(self.pending).encode())
        self.pending.clear()

    def finish(self) -> None:
        self.pending.append(_SHEET_END)
        self._flush()
        self.stream.close()


def sheet_title(title: str) -> str:
    """A title Excel takes: no control or forbidden characters, at most 31 long."""
    cleaned = _SHEET_TITLE_FORBIDDEN.sub("", _ILLEGAL.sub("", title))
    return cleaned[:SHEET_TITLE_LENGTH] or "Sheet"


class XlsxBook(Book):
    """An Office Open XML workbook whose sheets stream into the zip one after the other."""

    extension = "xlsx"

    def __init__(self, target: IO[bytes], *, max_rows: int | None = None) -> None:
        super().__init__(target, max_rows=max_rows)
        self.archive = zipfile.ZipFile(
            target, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSLEVEL
        )
        self.titles: list[str] = []
        self.current: _XlsxSheet | None = None

    def sheet(self, title: str, headers: Sequence[str]) -> Sheet:
        self._finish_current()
        title = sheet_title(title)
        taken = {name.casefold() for name in self.titles}
        base, suffix = title, 1
        while title.casefold() in taken:  # Excel refuses two sheets of one name
            title = f"{base[: SHEET_TITLE_LENGTH - len(str(suffix))]}{suffix}"
            suffix += 1
        self.titles.append(title)
        member = f"xl/worksheets/sheet{len(self.titles)}.xml"
        stream = self.archive.open(member, "w", force_zip64=True)
        self.current = _XlsxSheet(self, stream, headers)
        return self.current

    def _finish_current(self) -> None:
        if self.current is not None:
            self.current.finish()
            self.current = None

    def close(self) -> None:
        self._finish_current()
        if not self.titles:  # a workbook needs a sheet
            self.sheet("Sheet", [])
            self._finish_current()
        count = len(self.titles)
        parts = {
            "docProps/app.xml": _APP,
            "docProps/core.xml": _core(datetime.now(UTC)),
            "xl/theme/theme1.xml": theme_xml,
            "xl/styles.xml": _STYLES,
            "xl/workbook.xml": _workbook(self.titles),
            "xl/_rels/workbook.xml.rels": _workbook_rels(count),
            "_rels/.rels": _ROOT_RELS,
            "[Content_Types].xml": _content_types(count),
        }
        for name, text in parts.items():
            self.archive.writestr(name, text)
        self.archive.close()


# -- CSV ----------------------------------------------------------------------------------------
