"""Writing one export into a binary file: used by ``antq export`` and by the chat's /export.

The caller has already decided that the export is allowed (the operator's command line, or
the policy asked for each place in chat) and gives the places as ``Place`` values.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from operator import attrgetter
from typing import IO, Any

from bot.exports import columns as col
from bot.exports.compliance import (
    CommuneTotals,
    Deadlines,
    add_to_commune,
    communes_of,
)
from bot.workbooks import Book, Cell, open_book
from conversations.calendar import ReportCalendar
from conversations.commendations import STATUS_LABELS as COMMENDATION_STATUS
from conversations.commendations import SUBJECT_LABELS as COMMENDATION_SUBJECTS
from conversations.commendations import form_label, grounds_text
from conversations.exports import COVERAGE_TARGET, FILING_LABELS, coverage, filing_state
from conversations.fields import format_tip_code
from conversations.i18n import N_, Catalogues
from conversations.localtime import LOCAL_TIME
from conversations.movement_year import GRADE_LABELS
from conversations.places import COMMUNE, KIND_LABELS, RESIDENTIAL, UNITS, Place
from conversations.security_models import ACTIVITY_KINDS, MODEL_KINDS
from conversations.targets import DEFAULT_TARGETS, TARGETS, Measure, TargetBook
from conversations.tips.report import CATEGORIES
from conversations.tips.status import STATUS_LABELS
from conversations.units import SCHOOL_LEVELS
from storage.commendations import commendations_of_year
from storage.exports import (
    REPORT_FIGURES,
    REPORT_FIGURES_AT,
    Sessions,
    iter_activities,
    iter_area_filings,
    iter_events,
    iter_monthly_reports,
    iter_tips,
)
from storage.movement_year import iter_unit_years
from storage.units import ReachRow, iter_units_of_year

# The audit log's action for an export (who exported what place, and when; never the rows).
EXPORT_MADE = "export.made"

# A column of a sheet: its heading (a catalogue key) and how a row gives its cell.
Column = tuple[str, Callable[[Any], Cell]]


class ExportSubject(StrEnum):
    REPORTS = "reports"
    TIPS = "tips"
    ACTIVITIES = "activities"
    EVENTS = "events"
    YEAR = "year"  # the movement's year: targets in force, standard and grades ("2026")


@dataclass(frozen=True)
class ExportRequest:
    """What to export: the subject, the places (subtrees) and the time covered.

    Reports cover ``periods`` ("2026-10", ...); the other subjects the local dates
    ``date_from`` to ``date_to``, both included.
    """

    subject: ExportSubject
    places: tuple[Place, ...]
    format: str = "xlsx"
    locale: str = "vi"
    periods: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class ExportResult:
    rows: int
    extension: str


def local_start(day: date) -> datetime:
    """The instant (UTC) a local day begins."""
    return datetime.combine(day, time(), LOCAL_TIME).astimezone(UTC)


class _Writer:
    """One export in progress: the book, the language, and the clock for deadlines."""

    def __init__(
        self,
        request: ExportRequest,
        sessions: Sessions,
        book: Book,
        catalogues: Catalogues,
        today: date,
        calendar: Deadlines,
        targets: TargetBook,
    ) -> None:
        self.request = request
        self.sessions = sessions
        self.book = book
        self.catalogues = catalogues
        self.today = today
        self.calendar = calendar
        self.targets = targets

        # Looked up once per export: a lookup per row was a good part of the time.
        self.no, self.yes = self.t(N_("common.no")), self.t(N_("common.yes"))

    def t(self, key: str, **params: object) -> str:
        return self.catalogues.text(self.request.locale, key, **params)

    def labeller(self, labels: dict[str, str]) -> Callable[[str | None], str]:
        """Shows a stored value by its label in the export's language, or as it is."""
        texts = {value: self.t(key) for value, key in labels.items() if key}

        def label(value: str | None) -> str:
            return texts.get(value or "") or value or ""

        return label

    def yes_no(self, value: bool) -> str:
        return self.yes if value else self.no

    def headers(self, keys: Sequence[str]) -> list[str]:
        return [self.t(key) for key in keys]

    def dates(self) -> tuple[date, date]:
        if self.request.date_from is None or self.request.date_to is None:
            raise ValueError("this export needs a date range")
        return self.request.date_from, self.request.date_to

    # -- monthly reports ---------------------------------------------------------------------

    async def reports(self) -> None:
        figures = [col.FIGURE_LABELS[name] for name in REPORT_FIGURES]
        updates = self.book.sheet(
            self.t(col.SHEET_UPDATES),
            self.headers(
                [
                    col.PERIOD,
                    col.AREA_CODE,
                    col.AREA_NAME,
                    col.AREA_KIND,
                    col.PARENT,
                    col.DEADLINE,
                    col.LATE,
                    col.FILED_AT,
                    col.UPDATED_AT,
                    *figures,
                ]
            ),
        )
        kind = self.labeller(KIND_LABELS)
        no, yes = self.no, self.yes
        append = updates.append
        for place in self.request.places:
            # Closed at once when a row stops the export (the cap), not when collected.
            async with aclosing(
                iter_monthly_reports(self.sessions, place.path, self.request.periods)
            ) as rows:
                async for row in rows:
                    append(
                        [
                            row.period,
                            row.area_code,
                            row.area_name,
                            kind(row.area_kind),
                            row.parent_name,
                            row.deadline,
                            yes if row.late else no,
                            row.filed_at,
                            row.updated_at,
                            *row[REPORT_FIGURES_AT:],
                        ]
                    )
        communes = await self._areas_sheet()
        self._communes_sheet(communes)

    async def _areas_sheet(self) -> list[tuple[str, CommuneTotals]]:
        sheet = self.book.sheet(
            self.t(col.SHEET_AREAS),
            self.headers(
                [
                    col.PERIOD,
                    col.AREA_CODE,
                    col.AREA_NAME,
                    col.COMMUNE,
                    col.DEADLINE,
                    col.FILING,
                    col.FILED_AT,
                    col.FIGURE_LABELS["households"],
                    col.FIGURE_LABELS["households_pledged"],
                    col.COVERAGE,
                    col.COVERAGE_MET,
                ]
            ),
        )
        states = {state: self.t(key) for state, key in FILING_LABELS.items()}
        no, yes = self.no, self.yes
        append = sheet.append
        collected: list[tuple[str, CommuneTotals]] = []
        for place in self.request.places:
            for period in self.request.periods:
                totals = await communes_of(self.sessions, place, period)
                async with aclosing(
                    iter_area_filings(self.sessions, place.path, period, RESIDENTIAL)
                ) as filings:
                    async for filing in filings:
                        deadline = filing.deadline or self.calendar.deadline(period, filing.path)
                        state = filing_state(
                            filed=filing.filed,
                            late=filing.late,
                            deadline=deadline,
                            today=self.today,
                        )
                        commune = add_to_commune(totals, filing, state)
                        if filing.filed:
                            share = coverage(filing.households or 0, filing.households_pledged or 0)
                            households = filing.households
                        else:
                            share, households = None, filing.area_households
                        append(
                            [
                                period,
                                filing.code,
                                filing.name,
                                commune.name if commune else None,
                                deadline,
                                states[state],
                                filing.filed_at,
                                households,
                                filing.households_pledged,
                                None if share is None else round(share * 100, 1),
                                None
                                if share is None
                                else (yes if share >= COVERAGE_TARGET else no),
                            ]
                        )
                collected += [(period, commune) for commune in totals.values()]
        return collected

    def _communes_sheet(self, communes: list[tuple[str, CommuneTotals]]) -> None:
        sheet = self.book.sheet(
            self.t(col.SHEET_COMMUNES),
            self.headers(
                [
                    col.PERIOD,
                    col.AREA_CODE,
                    col.AREA_NAME,
                    col.AREAS,
                    col.ON_TIME,
                    col.LATE_COUNT,
                    col.NOT_FILED,
                    col.FIGURE_LABELS["households"],
                    col.FIGURE_LABELS["households_pledged"],
                    col.COVERAGE,
                    col.COVERAGE_MET,
                    col.ACTIVE_MODELS,
                    col.MODELS_MET,
                ]
            ),
        )
        for period, commune in communes:
            sheet.append(
                [
                    period,
                    commune.code,
                    commune.name,
                    commune.areas,
                    commune.on_time,
                    commune.late,
                    commune.not_filed,
                    commune.households,
                    commune.pledged,
                    _percent(commune.coverage),
                    self.yes_no(commune.coverage_met),
                    commune.active_models,
                    self.yes_no(commune.models_met),
                ]
            )

    # -- tips, activities, events ------------------------------------------------------------

    async def tips(self) -> None:
        first, last = self.dates()
        since, until = local_start(first), local_start(last + timedelta(days=1))
        category, status = self.labeller(CATEGORIES.labels), self.labeller(STATUS_LABELS)
        columns: list[Column] = [
            (col.TIP_CODE, lambda row: format_tip_code(row.code)),
            (col.CATEGORY, lambda row: category(row.category)),
            (col.STATUS, lambda row: status(row.status)),
            (col.RECEIVED_AT, attrgetter("received_at")),
            (col.ACKNOWLEDGED_AT, attrgetter("acknowledged_at")),
            (col.FORWARDED_AT, attrgetter("forwarded_at")),
            (col.CLOSED_AT, attrgetter("closed_at")),
            (col.AREA_CODE, attrgetter("area_code")),
            (col.AREA_NAME, attrgetter("area_name")),
            (col.PLACE_TEXT, attrgetter("place_text")),
            (col.DESCRIPTION, attrgetter("description")),
            (col.ATTACHMENTS, attrgetter("attachments")),
        ]
        await self._sheet(
            col.SHEET_TIPS,
            columns,
            lambda place: iter_tips(self.sessions, place.path, since=since, until=until),
        )

    async def activities(self) -> None:
        first, last = self.dates()
        model_kind = self.labeller(MODEL_KINDS.labels)
        activity_kind = self.labeller(ACTIVITY_KINDS.labels)
        columns: list[Column] = [
            (col.ACTIVITY_DATE, attrgetter("activity_date")),
            (col.MODEL_NAME, attrgetter("model_name")),
            (col.MODEL_KIND, lambda row: model_kind(row.model_kind)),
            (col.ACTIVITY_KIND, lambda row: activity_kind(row.kind)),
            (col.PARTICIPANTS, attrgetter("participants")),
            (col.OUTCOME, attrgetter("outcome")),
            (col.AREA_CODE, attrgetter("area_code")),
            (col.AREA_NAME, attrgetter("area_name")),
        ]
        await self._sheet(
            col.SHEET_ACTIVITIES,
            columns,
            lambda place: iter_activities(self.sessions, place.path, date_from=first, date_to=last),
        )

    async def events(self) -> None:
        first, last = self.dates()
        since, until = local_start(first), local_start(last + timedelta(days=1))
        no, yes = self.no, self.yes
        columns: list[Column] = [
            (col.EVENT_TITLE, attrgetter("title")),
            (col.STARTS_AT, attrgetter("starts_at")),
            (col.ENDS_AT, attrgetter("ends_at")),
            (col.PLACE_TEXT, attrgetter("place_text")),
            (col.AREA_CODE, attrgetter("area_code")),
            (col.AREA_NAME, attrgetter("area_name")),
            (col.CANCELLED, lambda row: no if row.cancelled_at is None else yes),
            (col.REGISTERED, attrgetter("registered")),
            (col.TURNOUT, attrgetter("turnout")),
            (col.TURNOUT_NOTE, attrgetter("turnout_note")),
        ]
        await self._sheet(
            col.SHEET_EVENTS,
            columns,
            lambda place: iter_events(self.sessions, place.path, since=since, until=until),
        )

    # -- the movement's year ------------------------------------------------------------------

    async def year(self) -> None:
        """The targets in force for each place's province, then every commune and area with
        its registration for the standard, recognition and grade of the year."""
        year = int(self.request.periods[0])
        targets = self.book.sheet(
            self.t(col.SHEET_TARGETS),
            self.headers([col.AREA_CODE, col.TARGET, col.THRESHOLD, col.TARGET_PERIOD]),
        )
        for place in self.request.places:
            for target in TARGETS:
                threshold = self.targets.threshold(target.key, place.path)
                shown = _percent(threshold) if target.measure is Measure.SHARE else threshold
                targets.append([place.code, self.t(target.name), shown, self.t(target.period)])
        kind, grade = self.labeller(KIND_LABELS), self.labeller(GRADE_LABELS)
        columns: list[Column] = [
            (col.YEAR, lambda row: year),
            (col.AREA_CODE, attrgetter("code")),
            (col.AREA_NAME, attrgetter("name")),
            (col.AREA_KIND, lambda row: kind(row.kind)),
            (col.HOUSEHOLDS_REGISTERED, attrgetter("households_registered")),
            (col.REGISTERED_ON, attrgetter("registered_on")),
            (
                col.REGISTRATION_LATE,
                lambda row: (
                    None if row.registration_late is None else self.yes_no(row.registration_late)
                ),
            ),
            (
                col.RECOGNISED,
                lambda row: None if row.recognised is None else self.yes_no(row.recognised),
            ),
            (col.GRADE, lambda row: grade(row.grade) if row.grade else None),
        ]
        units = RESIDENTIAL | {COMMUNE} | UNITS
        await self._sheet(
            col.SHEET_GRADES,
            columns,
            lambda place: iter_unit_years(self.sessions, place.path, year, units),
        )
        await self.unit_reach(year)
        await self.commendations(year)

    async def unit_reach(self, year: int) -> None:
        """The agencies, businesses and schools with their people and the propaganda reach
        of their 6-month and yearly reports, with the documents these rest on."""
        kind, level = self.labeller(KIND_LABELS), self.labeller(SCHOOL_LEVELS.labels)

        def reach(pick: Callable[[Any], ReachRow | None]) -> Callable[[Any], str | None]:
            def shown(row: Any) -> str | None:
                found = pick(row)
                return None if found is None else f"{found.reached}/{found.total}"

            return shown

        def document(row: Any) -> str | None:
            found = row.year or row.half_year
            return found.document if found is not None else None

        columns: list[Column] = [
            (col.YEAR, lambda row: year),
            (col.AREA_CODE, attrgetter("code")),
            (col.AREA_NAME, attrgetter("name")),
            (col.AREA_KIND, lambda row: kind(row.kind)),
            (N_("unit.export.level"), lambda row: level(row.level) if row.level else None),
            (N_("unit.export.staff"), attrgetter("staff")),
            (N_("unit.export.students"), attrgetter("students")),
            (N_("unit.export.signed"), attrgetter("people_signed")),
            (N_("unit.export.half_year_reach"), reach(attrgetter("half_year"))),
            (N_("unit.export.year_reach"), reach(attrgetter("year"))),
            (N_("unit.export.document"), document),
        ]
        await self._sheet(
            N_("unit.export.sheet"),
            columns,
            lambda place: iter_units_of_year(self.sessions, place.path, year, UNITS),
        )

    async def commendations(self, year: int) -> None:
        """The year's commendations, proposed, approved and declined."""
        kind, status = self.labeller(COMMENDATION_SUBJECTS), self.labeller(COMMENDATION_STATUS)
        columns: list[Column] = [
            (col.YEAR, attrgetter("year")),
            (col.AREA_CODE, lambda row: row.area_path.rstrip("/").rsplit("/", 1)[-1]),
            (col.AREA_NAME, attrgetter("area_name")),
            (col.COMMENDED_KIND, lambda row: kind(row.subject_kind)),
            (col.COMMENDED, attrgetter("shown_name")),
            (
                col.COMMENDATION_FORM,
                lambda row: self.t(form_label(row.form, row.area_path)),
            ),
            (col.ACHIEVEMENT, attrgetter("achievement")),
            (col.GROUNDS, lambda row: grounds_text(row.subject_kind, _figures(row), self.t)),
            (col.COMMENDATION_STATUS, lambda row: status(row.status)),
            (col.DECLINE_REASON, attrgetter("decline_reason")),
            (col.AWARDED_AT, attrgetter("event_title")),
        ]

        async def rows_of(place: Place) -> AsyncIterator[Any]:
            async with self.sessions() as session:
                found = await commendations_of_year(session, place.path, year, status=None)
            for record in found:
                yield record

        await self._sheet(col.SHEET_COMMENDATIONS, columns, rows_of)

    async def _sheet(
        self,
        title: str,
        columns: Sequence[Column],
        rows_of: Callable[[Place], AsyncIterator[Any]],
    ) -> None:
        """One sheet of ``columns`` (heading key, getter), its rows read page by page for each
        of the request's places."""
        sheet = self.book.sheet(self.t(title), self.headers([key for key, _ in columns]))
        getters = [get for _, get in columns]
        append = sheet.append
        for place in self.request.places:
            async with aclosing(rows_of(place)) as rows:
                async for row in rows:
                    append([get(row) for get in getters])


def _figures(record: Any) -> dict[str, int]:
    try:
        loaded = json.loads(record.grounds)
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _percent(share: float | None) -> Cell:
    """A share as a percentage with one decimal (80.0), blank when unknown."""
    return None if share is None else round(share * 100, 1)


SHEETS: dict[ExportSubject, int] = {
    ExportSubject.REPORTS: 3,
    ExportSubject.TIPS: 1,
    ExportSubject.ACTIVITIES: 1,
    ExportSubject.EVENTS: 1,
    ExportSubject.YEAR: 3,
}


async def write_export(
    request: ExportRequest,
    sessions: Sessions,
    target: IO[bytes],
    *,
    catalogues: Catalogues,
    today: date,
    calendar: Deadlines | None = None,
    targets: TargetBook = DEFAULT_TARGETS,
    max_rows: int | None = None,
) -> ExportResult:
    """Write the export into ``target``; raises ``ExportTooLarge`` past ``max_rows`` rows.
    ``targets``: the plan's targets in force (the year's export lists them)."""
    book = open_book(request.format, target, sheets=SHEETS[request.subject], max_rows=max_rows)
    writer = _Writer(
        request, sessions, book, catalogues, today, calendar or ReportCalendar(), targets
    )
    runs: dict[ExportSubject, Callable[[], Any]] = {
        ExportSubject.REPORTS: writer.reports,
        ExportSubject.TIPS: writer.tips,
        ExportSubject.ACTIVITIES: writer.activities,
        ExportSubject.EVENTS: writer.events,
        ExportSubject.YEAR: writer.year,
    }
    try:
        await runs[request.subject]()
    except BaseException:
        book.discard()
        raise
    book.close()
    return ExportResult(book.rows, book.extension)


def file_name(request: ExportRequest, extension: str) -> str:
    """A name that says what the file holds: antq-reports-17662-2026-10.xlsx."""
    codes = "-".join(place.code for place in request.places) or "all"
    if request.periods:
        span = request.periods[0]
        if len(request.periods) > 1:
            span += f"_{request.periods[-1]}"
    else:
        first, last = request.date_from, request.date_to
        span = f"{first:%Y%m%d}-{last:%Y%m%d}" if first and last else ""
    return f"antq-{request.subject}-{codes}-{span}.{extension}"
