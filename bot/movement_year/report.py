"""The draft of a commune's (or province's) 6-month or yearly report, as a DOCX a clerk
completes and signs: the national motto header, the unit's name, the number and date lines
left blank, then the usual sections, every figure read from the database.

Sections: I. the situation (areas, households, who filed their monthly updates and who did
not); II. results by target (a table with figures, thresholds and verdicts, the chart, the
months' trend); III. models and their activities; IV. the Ngày hội and other events with
turnout; V. tips received and acknowledged within 24 hours, by category, then the residents'
opinions and proposals (received, answered, done, by subject); VI. limitations
(the targets not met or without data, the areas that did not report); VII. proposals, as
the leaders wrote them in their updates.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from bot.movement_year.chart import coverage_chart, render_png
from bot.movement_year.honours import (
    YearHonours,
    commendation_rows,
    exemplary_sentence,
    read_honours,
)
from bot.movement_year.reads import read_place_year
from bot.rows import same_session
from conversations.calendar import ReportCalendar, shown_period
from conversations.i18n import N_, Catalogues, shown_number
from conversations.localtime import LOCAL_TIME, shown_date
from conversations.movement_year import VERDICT_LABELS, SpanOfYear, Standing, Verdict
from conversations.movement_year.describe import figure_text, span_title, threshold_text
from conversations.movement_year.standing import AreaYear, PlaceYear, judge
from conversations.movement_year.units import kind_summaries
from conversations.movement_year.units_text import kind_paragraph
from conversations.opinions import CATEGORIES as OPINION_SUBJECTS
from conversations.places import PROVINCE, Place
from conversations.targets import DEFAULT_TARGETS, Span, TargetBook, YearCalendar
from conversations.tips.report import CATEGORIES
from storage.exports import iter_activities, iter_events, iter_tips
from storage.movement_year import report_texts
from storage.opinions import OpinionFigures, opinion_figures

# The audit log's action for a draft made (who drafted which place's report, and when).
REPORT_DRAFTED = "year.report"
LOCALE = "vi"  # an administrative document of Vietnam is written in Vietnamese
TIP_HOURS = 24  # commune police record a tip and pass it on within 24 hours
FONT = "Times New Roman"
PROPOSALS_SHOWN = 30
NAMES_LISTED = 100  # areas named as not reporting; the rest are counted

Translate = Callable[..., str]


def report_file_name(place: Place, span: SpanOfYear) -> str:
    return f"bao-cao-{span.key}-{place.code}.docx"


def local_start(day: date) -> datetime:
    return datetime.combine(day, time(), LOCAL_TIME).astimezone(UTC)


@dataclass(frozen=True)
class MonthsDue:
    """Which months of the span an area owed an update on the draft's day: those it was in
    the records for (``AreaYear.since``) and whose deadline has passed, or that it filed."""

    periods: Sequence[str]
    passed: frozenset[str]  # the span's months whose deadline has passed

    @classmethod
    def on(
        cls, periods: Sequence[str], today: date, reports: ReportCalendar, path: str
    ) -> MonthsDue:
        """On ``today``, for the place at ``path`` (one province: one deadline day)."""
        return cls(periods, frozenset(p for p in periods if reports.is_late(p, path, today)))

    def of(self, area: AreaYear) -> list[str]:
        return [
            period
            for period in self.periods
            if period in area.filings
            or (period in self.passed and (area.since is None or period >= area.since))
        ]


@dataclass
class ModelLine:
    name: str
    area: str
    activities: int = 0
    participants: int = 0
    kinds: set[str] = field(default_factory=set)


@dataclass
class TipLine:
    received: int = 0
    within: int = 0


@dataclass
class YearActivity:
    """What the report reads besides the standing."""

    models: list[ModelLine]
    events: list[tuple[str, datetime, str, int, int | None, bool]]
    tips: dict[str, TipLine]
    proposals: list[tuple[str, str, str]]
    notable: list[tuple[str, str, str]]
    # The yearly report's exemplary units and commendations (issue 29): empty for a half-year.
    honours: YearHonours | None = None
    # The residents' opinions and proposals received in the span (issue 30).
    opinions: OpinionFigures | None = None


async def read_activity(
    session: AsyncSession, place: Place, span: SpanOfYear, today: date
) -> YearActivity:
    first, last = span.first_day, min(span.last_day, today)
    sessions = same_session(session)
    models: dict[tuple[str, str], ModelLine] = {}
    async with aclosing(
        iter_activities(sessions, place.path, date_from=first, date_to=last)
    ) as activities:
        async for row in activities:
            line = models.setdefault(
                (row.area_code, row.model_name), ModelLine(row.model_name, row.area_name)
            )
            line.activities += 1
            line.participants += row.participants
            line.kinds.add(row.kind)
    since, until = local_start(first), local_start(last + timedelta(days=1))
    events = []
    async with aclosing(iter_events(sessions, place.path, since=since, until=until)) as rows:
        async for row in rows:
            events.append(
                (
                    row.title,
                    row.starts_at,
                    row.area_name,
                    row.registered,
                    row.turnout,
                    row.cancelled_at is not None,
                )
            )
    tips: dict[str, TipLine] = {}
    async with aclosing(iter_tips(sessions, place.path, since=since, until=until)) as rows:
        async for row in rows:
            line = tips.setdefault(row.category, TipLine())
            line.received += 1
            acknowledged = row.acknowledged_at
            if acknowledged is not None and acknowledged - row.received_at <= timedelta(
                hours=TIP_HOURS
            ):
                line.within += 1
    periods = span.periods(today)
    proposals = await report_texts(session, place.path, periods, "proposals", limit=PROPOSALS_SHOWN)
    notable = await report_texts(
        session, place.path, periods, "notable_events", limit=PROPOSALS_SHOWN
    )
    return YearActivity(
        sorted(models.values(), key=lambda m: (m.area, m.name)),
        events,
        tips,
        proposals,
        notable,
        await read_honours(session, place, span.year) if span.span is Span.YEAR else None,
        await opinion_figures(session, place.path, since, until),
    )


# -- writing ------------------------------------------------------------------------------------


def _paragraph(
    document: DocxDocument,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    centre: bool = False,
    size: int | None = None,
) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _table(document: DocxDocument, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    return table


HEADER_WIDTHS = (Cm(6.5), Cm(9.5))  # the national title fits one line in the right column
HEADER_SIZE = 12


def _header(document: DocxDocument, place: Place, span: SpanOfYear, t: Translate) -> None:
    """Decree 30/2020/NĐ-CP's header: on the left the body the committee answers to (upright)
    above the issuing committee (bold) and the number; on the right the national title (bold)
    above the motto (bold, underlined) and the place and date (italic); number and date blank."""
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    for column, width in zip(table.columns, HEADER_WIDTHS, strict=True):
        column.width = width  # the grid LibreOffice lays out by; Word reads the cells'
        for cell in column.cells:
            cell.width = width
    left, right = table.rows[0].cells
    lines_left = [
        (t(N_("year.doc.managing_body"), place=place.name.upper()), False),
        (t(N_("year.doc.committee")), True),
        (t(N_("year.doc.number")), False),
    ]
    for index, (text, bold) in enumerate(lines_left):
        paragraph = left.paragraphs[0] if index == 0 else left.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.font.size = bold, Pt(HEADER_SIZE)
    lines_right = [
        (t(N_("year.doc.motto_state")), True, False, False, HEADER_SIZE),
        (t(N_("year.doc.motto")), True, False, True, 13),  # the motto is underlined
        (t(N_("year.doc.date_line"), year=span.year), False, True, False, 13),
    ]
    for index, (text, bold, italic, underline, size) in enumerate(lines_right):
        paragraph = right.paragraphs[0] if index == 0 else right.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        run.font.size = Pt(size)


def _situation(
    document: DocxDocument,
    place_year: PlaceYear,
    standing: Standing,
    due: MonthsDue,
    records: YearActivity,
    t: Translate,
) -> None:
    _paragraph(document, t(N_("year.doc.section.situation")), bold=True)
    households = sum(area.households or 0 for area in place_year.areas)
    _paragraph(
        document,
        t(
            N_("year.doc.situation"),
            areas=standing.areas,
            households=shown_number(households, LOCALE),
            months=len(due.passed),
        ),
    )
    if place_year.kind == PROVINCE:
        _filing_by_commune(document, place_year, due, t)
    else:
        _filing_by_area(document, place_year, due, t)
    never = [area.name for area in place_year.areas if due.of(area) and not area.filings]
    if never:
        names = ", ".join(never[:NAMES_LISTED])
        if len(never) > NAMES_LISTED:
            names += t(N_("year.and_more"), count=len(never) - NAMES_LISTED)
        _paragraph(document, t(N_("year.doc.never_filed"), names=names))
    # What the leaders wrote as notable in their updates belongs to the situation, not to
    # the events the movement organised.
    if records.notable:
        _paragraph(document, t(N_("year.doc.notable")))
        for period, area, text in records.notable:
            _paragraph(document, f"- {area} ({shown_period(period)}): {text}")


def _filing_by_area(
    document: DocxDocument, place_year: PlaceYear, due: MonthsDue, t: Translate
) -> None:
    """A commune's areas, each with the months it filed, late, and those it owed and did not
    file (never a month before the area was in the records, nor one not yet due)."""
    rows = []
    for area in place_year.areas:
        owed = due.of(area)
        filed = [period for period in owed if period in area.filings]
        late = sum(area.filings[period].late for period in filed)
        missing = [shown_period(period) for period in owed if period not in area.filings]
        rows.append(
            [
                area.name,
                str(len(filed)),
                str(late),
                ", ".join(missing) if missing else t(N_("year.doc.none")),
            ]
        )
    header = [
        t(N_("year.doc.col.area")),
        t(N_("year.doc.col.filed")),
        t(N_("year.doc.col.late")),
        t(N_("year.doc.col.missing_months")),
    ]
    _table(document, header, rows)


def _filing_by_commune(
    document: DocxDocument, place_year: PlaceYear, due: MonthsDue, t: Translate
) -> None:
    """A province's communes (thousands of areas do not fit a page): areas, updates filed of
    those due, late, and areas that owed updates and filed none."""
    totals: dict[str, list[int]] = {}
    for area in place_year.areas:
        owed = due.of(area)
        filed = [period for period in owed if period in area.filings]
        total = totals.setdefault(area.commune_path or "", [0, 0, 0, 0, 0])
        total[0] += 1
        total[1] += len(filed)
        total[2] += sum(area.filings[period].late for period in filed)
        total[3] += bool(owed) and not filed
        total[4] += len(owed)
    rows = [
        [
            commune.name,
            str(totals[commune.path][0]),
            f"{totals[commune.path][1]}/{totals[commune.path][4]}",
            str(totals[commune.path][2]),
            str(totals[commune.path][3]),
        ]
        for commune in place_year.communes
        if commune.path in totals
    ]
    header = [
        t(N_("year.doc.col.commune")),
        t(N_("year.doc.col.areas")),
        t(N_("year.doc.col.updates_filed")),
        t(N_("year.doc.col.late")),
        t(N_("year.doc.col.never_filed")),
    ]
    _table(document, header, rows)


def _results(document: DocxDocument, standing: Standing, png: bytes | None, t: Translate) -> None:
    _paragraph(document, t(N_("year.doc.section.results")), bold=True)
    rows = [
        [
            t(target.name),
            figure_text(target, t, LOCALE),
            threshold_text(target, t),
            t(VERDICT_LABELS[target.verdict]),
        ]
        for target in standing.targets
    ]
    header = [
        t(N_("year.doc.col.target")),
        t(N_("year.doc.col.result")),
        t(N_("year.doc.col.threshold")),
        t(N_("year.doc.col.verdict")),
    ]
    _table(document, header, rows)
    if png is not None:
        document.add_picture(io.BytesIO(png), width=Cm(16))
    trend_rows = [
        [
            shown_period(point.period),
            f"{point.filed}/{point.areas}",
            str(point.late),
            t(N_("year.no_data"))
            if point.coverage is None
            else f"{point.coverage * 100:.1f}".replace(".", ","),
        ]
        for point in standing.trend
    ]
    _paragraph(document, t(N_("year.doc.trend")), italic=True)
    _table(
        document,
        [
            t(N_("year.doc.col.month")),
            t(N_("year.doc.col.filed_areas")),
            t(N_("year.doc.col.late")),
            t(N_("year.doc.col.coverage")),
        ],
        trend_rows,
    )


def _units(document: DocxDocument, place_year: PlaceYear, standing: Standing, t: Translate) -> None:
    """Agencies, businesses and schools, kind by kind, against their own targets."""
    _paragraph(document, t(N_("unit.doc.heading")), bold=True, italic=True)
    summaries = kind_summaries(place_year.units, standing.targets)
    if not summaries:
        _paragraph(document, t(N_("unit.doc.none")))
    for summary in summaries:
        _paragraph(document, "- " + kind_paragraph(summary, standing.span, t, LOCALE))


def _models(document: DocxDocument, records: YearActivity, t: Translate) -> None:
    _paragraph(document, t(N_("year.doc.section.models")), bold=True)
    if not records.models:
        _paragraph(document, t(N_("year.doc.no_activities")))
        return
    _table(
        document,
        [
            t(N_("year.doc.col.model")),
            t(N_("year.doc.col.area")),
            t(N_("year.doc.col.activities")),
            t(N_("year.doc.col.participants")),
        ],
        [
            [line.name, line.area, str(line.activities), shown_number(line.participants, LOCALE)]
            for line in records.models
        ],
    )


def _events(document: DocxDocument, records: YearActivity, t: Translate) -> None:
    _paragraph(document, t(N_("year.doc.section.events")), bold=True)
    if not records.events:
        _paragraph(document, t(N_("year.doc.no_events")))
    else:
        rows = []
        for title, starts_at, area, registered, turnout, cancelled in records.events:
            shown_turnout = (
                t(N_("year.doc.cancelled"))
                if cancelled
                else (t(N_("year.doc.not_reported")) if turnout is None else str(turnout))
            )
            rows.append(
                [
                    title,
                    shown_date(starts_at),
                    area,
                    str(registered),
                    shown_turnout,
                ]
            )
        _table(
            document,
            [
                t(N_("year.doc.col.event")),
                t(N_("year.doc.col.date")),
                t(N_("year.doc.col.area")),
                t(N_("year.doc.col.registered")),
                t(N_("year.doc.col.turnout")),
            ],
            rows,
        )


def _honours(
    document: DocxDocument, honours: YearHonours, book: TargetBook, place: Place, t: Translate
) -> None:
    """The year's exemplary units against the plan's targets, and its commendations."""
    _paragraph(document, t(N_("honours.heading"), year=honours.year), bold=True, italic=True)
    for line in honours.judged(book, place):
        _paragraph(document, "- " + exemplary_sentence(line, t))
    if honours.exemplary:
        names = ", ".join(record.name for record in honours.exemplary)
        _paragraph(document, t(N_("honours.exemplary_named"), names=names))
    rows = commendation_rows(honours, t)
    if not rows:
        _paragraph(document, t(N_("honours.none")))
        return
    _paragraph(document, t(N_("honours.commendations"), count=len(rows)))
    header = [
        t(N_("honours.col.number")),
        t(N_("honours.col.who")),
        t(N_("honours.col.form")),
        t(N_("honours.col.achievement")),
        t(N_("honours.col.grounds")),
    ]
    table = _table(document, header, rows)
    table.autofit = False
    for column, width in zip(table.columns, HONOURS_WIDTHS, strict=True):
        column.width = width  # LibreOffice lays out by the grid, Word by the cells
        for cell in column.cells:
            cell.width = width


HONOURS_WIDTHS = (Cm(1.3), Cm(3.6), Cm(3.0), Cm(3.8), Cm(4.3))  # 16 cm: the A4 text width


def _tips(document: DocxDocument, records: YearActivity, t: Translate) -> None:
    _paragraph(document, t(N_("year.doc.section.tips")), bold=True)
    received = sum(line.received for line in records.tips.values())
    within = sum(line.within for line in records.tips.values())
    _paragraph(document, t(N_("year.doc.tips"), received=received, within=within, hours=TIP_HOURS))
    if not records.tips:
        return
    labels = CATEGORIES.labels
    rows = [
        [
            t(labels[category]) if category in labels else category,
            str(line.received),
            str(line.within),
        ]
        for category, line in sorted(records.tips.items(), key=lambda item: -item[1].received)
    ]
    rows.append([t(N_("year.doc.total")), str(received), str(within)])
    _table(
        document,
        [
            t(N_("year.doc.col.category")),
            t(N_("year.doc.col.received")),
            t(N_("year.doc.col.within"), hours=TIP_HOURS),
        ],
        rows,
    )


def _opinions(document: DocxDocument, records: YearActivity, t: Translate) -> None:
    """The residents' opinions and proposals (after the tips, never mixed with them)."""
    figures = records.opinions
    if figures is None or not figures.received:
        return
    labels = OPINION_SUBJECTS.labels
    subjects = ", ".join(
        f"{t(label)} {figures.by_category[subject]}"
        for subject, label in labels.items()
        if figures.by_category.get(subject)
    )
    counts = {"received": figures.received, "answered": figures.answered, "done": figures.done}
    _paragraph(document, t(N_("opinions.year_doc"), subjects=subjects, **counts))


def _limitations(
    document: DocxDocument,
    standing: Standing,
    place_year: PlaceYear,
    periods: Sequence[str],
    t: Translate,
) -> None:
    _paragraph(document, t(N_("year.doc.section.limitations")), bold=True)
    for target in standing.targets:
        if target.verdict is Verdict.NOT_MET:
            _paragraph(document, t(N_("year.doc.limit.not_met"), name=t(target.name)))
        elif target.verdict is Verdict.UNKNOWN:
            _paragraph(document, t(N_("year.doc.limit.unknown"), name=t(target.name)))
    late = [
        area.name
        for area in place_year.areas
        if any(area.filings[p].late for p in periods if p in area.filings)
    ]
    if late:
        _paragraph(document, t(N_("year.doc.limit.late"), names=", ".join(late)))
    _paragraph(document, t(N_("year.doc.clerk_adds")), italic=True)


def _proposals(document: DocxDocument, records: YearActivity, t: Translate) -> None:
    _paragraph(document, t(N_("year.doc.section.proposals")), bold=True)
    if not records.proposals:
        _paragraph(document, t(N_("year.doc.no_proposals")))
    for period, area, text in records.proposals:
        _paragraph(document, f"- {area} ({shown_period(period)}): {text}")
    _paragraph(document, t(N_("year.doc.clerk_adds")), italic=True)


ABOVE_PROVINCE = N_("year.doc.recipient.ministry")


def recipients(place: Place, configured: Sequence[str], t: Translate) -> list[str]:
    """ "Nơi nhận" as Decree 30/2020/NĐ-CP lays it out for a report (no "Kính gửi", so no
    "Như trên"): the recipients the settings name, else the steering committee of the level
    above (a commune's province; above a province, the Ministry's movement department), then
    the archive."""
    if configured:
        lines = [f"- {name};" for name in configured]
    elif place.kind == PROVINCE or not place.parent_name:
        lines = [t(ABOVE_PROVINCE)]
    else:
        lines = [t(N_("year.doc.recipient.steering"), place=lower_kind(place.parent_name))]
    return [*lines, t(N_("year.doc.recipients_lines"))]


def lower_kind(name: str) -> str:
    """ "Tỉnh Nghệ An" → "tỉnh Nghệ An", as a name reads inside a sentence."""
    for kind in ("Tỉnh ", "Thành phố "):
        if name.startswith(kind):
            return kind.lower() + name[len(kind) :]
    return name


def _signature(
    document: DocxDocument, place: Place, configured: Sequence[str], t: Translate
) -> None:
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    run = left.paragraphs[0].add_run(t(N_("year.doc.recipients")))
    run.bold, run.italic = True, True
    for line in recipients(place, configured, t):
        left.add_paragraph().add_run(line).font.size = Pt(11)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    right.paragraphs[0].add_run(t(N_("year.doc.signer"))).bold = True


def build_document(
    place: Place,
    span: SpanOfYear,
    today: date,
    place_year: PlaceYear,
    standing: Standing,
    records: YearActivity,
    png: bytes | None,
    t: Translate,
    due: MonthsDue,
    configured_recipients: Sequence[str] = (),
    book: TargetBook = DEFAULT_TARGETS,
) -> bytes:
    document = Document()
    # A4 with the margins of Decree 30/2020/NĐ-CP on administrative documents.
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    normal = document.styles["Normal"]
    normal.font.name = FONT  # type: ignore[attr-defined]
    normal.font.size = Pt(13)  # type: ignore[attr-defined]
    _header(document, place, span, t)
    _paragraph(document, t(N_("year.doc.kind")), bold=True, centre=True, size=14)
    _paragraph(
        document,
        t(N_("year.doc.subject"), span=span_title(span, t), place=place.full_name),
        bold=True,
        centre=True,
    )
    _paragraph(document, t(N_("year.doc.as_of"), day=shown_date(today)), italic=True, centre=True)
    periods = span.periods(today)
    _situation(document, place_year, standing, due, records, t)
    _results(document, standing, png, t)
    _units(document, place_year, standing, t)
    _models(document, records, t)
    _events(document, records, t)
    if records.honours is not None:
        _honours(document, records.honours, book, place, t)
    _tips(document, records, t)
    _opinions(document, records, t)
    _limitations(document, standing, place_year, periods, t)
    _proposals(document, records, t)
    _signature(document, place, configured_recipients, t)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


async def write_report(
    session: AsyncSession,
    place: Place,
    span: SpanOfYear,
    today: date,
    catalogues: Catalogues,
    *,
    book: TargetBook,
    calendar: YearCalendar,
    reports: ReportCalendar | None = None,
    recipients: Sequence[str] = (),
) -> bytes:
    """The DOCX draft of ``place``'s report of ``span``, as of ``today``; ``reports``: when
    the monthly updates are due; ``recipients``: its "Nơi nhận" (settings), if named."""

    def t(key: str, **params: object) -> str:
        return catalogues.text(LOCALE, key, **params)

    place_year = await read_place_year(session, place, span, today)
    standing = judge(place_year, span, today, book, calendar)
    records = await read_activity(session, place, span, today)
    png = (
        await asyncio.to_thread(render_png, coverage_chart(standing, t)) if standing.bars else None
    )
    due = MonthsDue.on(span.periods(today), today, reports or ReportCalendar(), place.path)
    return await asyncio.to_thread(
        build_document,
        place,
        span,
        today,
        place_year,
        standing,
        records,
        png,
        t,
        due,
        recipients,
        book,
    )
