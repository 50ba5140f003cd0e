"""Writing one export into a binary file: used by ``antq export`` and by the chat's /export.

The caller has already decided that the export is allowed (the operator's command line, or
the policy asked for each place in chat) and gives the places as ``Place`` values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import IO, Any

from bot.exports import columns as col
from bot.exports.compliance import (
    CommuneTotals,
    Deadlines,
    add_to_commune,
    commune_path,
    communes_of,
    state_of,
)
from bot.exports.writers import Book, Cell, open_book
from conversations.exports import COVERAGE_TARGET, FILING_LABELS, coverage
from conversations.fields import format_tip_code
from conversations.flows.status import STATUS_LABELS
from conversations.flows.tip import CATEGORIES
from conversations.i18n import N_, Catalogues
from conversations.localtime import LOCAL_TIME
from conversations.places import KIND_LABELS, RESIDENTIAL, Place
from conversations.reports import ReportCalendar
from conversations.security_models import ACTIVITY_KINDS, MODEL_KINDS
from storage.exports import (
    REPORT_FIGURES,
    Sessions,
    iter_activities,
    iter_area_filings,
    iter_events,
    iter_monthly_reports,
    iter_tips,
)

# The audit log's action for an export (who exported what place, and when; never the rows).
EXPORT_MADE = "export.made"


class ExportSubject(StrEnum):
    REPORTS = "reports"
    TIPS = "tips"
    ACTIVITIES = "activities"
    EVENTS = "events"


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
    ) -> None:
        self.request = request
        self.sessions = sessions
        self.book = book
        self.catalogues = catalogues
        self.today = today
        self.calendar = calendar

    def t(self, key: str) -> str:
        return self.catalogues.text(self.request.locale, key)

    def label(self, labels: dict[str, str], value: str | None) -> str:
        key = labels.get(value or "")
        return self.t(key) if key else (value or "")

    def yes_no(self, value: bool) -> str:
        return self.t(N_("common.yes") if value else N_("common.no"))

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
        for place in self.request.places:
            async for row in iter_monthly_reports(self.sessions, place.path, self.request.periods):
                updates.append(
                    [
                        row.period,
                        row.area_code,
                        row.area_name,
                        self.label(KIND_LABELS, row.area_kind),
                        row.parent_name,
                        row.deadline,
                        self.yes_no(row.late),
                        row.filed_at,
                        row.updated_at,
                        *(row._mapping[name] for name in REPORT_FIGURES),
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
        collected: list[tuple[str, CommuneTotals]] = []
        for place in self.request.places:
            for period in self.request.periods:
                totals = await communes_of(self.sessions, place, period)
                async for filing in iter_area_filings(
                    self.sessions, place.path, period, RESIDENTIAL
                ):
                    state = state_of(filing, period, self.today, self.calendar)
                    add_to_commune(totals, filing, state)
                    commune = totals.get(commune_path(filing.path) or "")
                    share = (
                        coverage(filing.households or 0, filing.households_pledged or 0)
                        if filing.filed
                        else None
                    )
                    sheet.append(
                        [
                            period,
                            filing.code,
                            filing.name,
                            commune.name if commune else None,
                            filing.deadline or self.calendar.deadline(period, filing.path),
                            self.t(FILING_LABELS[state]),
                            filing.filed_at,
                            filing.households if filing.filed else filing.area_households,
                            filing.households_pledged,
                            _percent(share),
                            None if share is None else self.yes_no(share >= COVERAGE_TARGET),
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
        sheet = self.book.sheet(
            self.t(col.SHEET_TIPS),
            self.headers(
                [
                    col.TIP_CODE,
                    col.CATEGORY,
                    col.STATUS,
                    col.RECEIVED_AT,
                    col.ACKNOWLEDGED_AT,
                    col.FORWARDED_AT,
                    col.CLOSED_AT,
                    col.AREA_CODE,
                    col.AREA_NAME,
                    col.PLACE_TEXT,
                    col.DESCRIPTION,
                    col.ATTACHMENTS,
                ]
            ),
        )
        since, until = local_start(first), local_start(last + timedelta(days=1))
        for place in self.request.places:
            async for row in iter_tips(self.sessions, place.path, since=since, until=until):
                sheet.append(
                    [
                        format_tip_code(row.code),
                        self.label(CATEGORIES.labels, row.category),
                        self.label(STATUS_LABELS, row.status),
                        row.received_at,
                        row.acknowledged_at,
                        row.forwarded_at,
                        row.closed_at,
                        row.area_code,
                        row.area_name,
                        row.place_text,
                        row.description,
                        row.attachments,
                    ]
                )

    async def activities(self) -> None:
        first, last = self.dates()
        sheet = self.book.sheet(
            self.t(col.SHEET_ACTIVITIES),
            self.headers(
                [
                    col.ACTIVITY_DATE,
                    col.MODEL_NAME,
                    col.MODEL_KIND,
                    col.ACTIVITY_KIND,
                    col.PARTICIPANTS,
                    col.OUTCOME,
                    col.AREA_CODE,
                    col.AREA_NAME,
                ]
            ),
        )
        for place in self.request.places:
            async for row in iter_activities(
                self.sessions, place.path, date_from=first, date_to=last
            ):
                sheet.append(
                    [
                        row.activity_date,
                        row.model_name,
                        self.label(MODEL_KINDS.labels, row.model_kind),
                        self.label(ACTIVITY_KINDS.labels, row.kind),
                        row.participants,
                        row.outcome,
                        row.area_code,
                        row.area_name,
                    ]
                )

    async def events(self) -> None:
        first, last = self.dates()
        sheet = self.book.sheet(
            self.t(col.SHEET_EVENTS),
            self.headers(
                [
                    col.EVENT_TITLE,
                    col.STARTS_AT,
                    col.ENDS_AT,
                    col.PLACE_TEXT,
                    col.AREA_CODE,
                    col.AREA_NAME,
                    col.CANCELLED,
                    col.REGISTERED,
                    col.TURNOUT,
                    col.TURNOUT_NOTE,
                ]
            ),
        )
        since, until = local_start(first), local_start(last + timedelta(days=1))
        for place in self.request.places:
            async for row in iter_events(self.sessions, place.path, since=since, until=until):
                sheet.append(
                    [
                        row.title,
                        row.starts_at,
                        row.ends_at,
                        row.place_text,
                        row.area_code,
                        row.area_name,
                        self.yes_no(row.cancelled_at is not None),
                        row.registered,
                        row.turnout,
                        row.turnout_note,
                    ]
                )


def _percent(share: float | None) -> Cell:
    """A share as a percentage with one decimal (80.0), blank when unknown."""
    return None if share is None else round(share * 100, 1)


SHEETS: dict[ExportSubject, int] = {
    ExportSubject.REPORTS: 3,
    ExportSubject.TIPS: 1,
    ExportSubject.ACTIVITIES: 1,
    ExportSubject.EVENTS: 1,
}


async def write_export(
    request: ExportRequest,
    sessions: Sessions,
    target: IO[bytes],
    *,
    catalogues: Catalogues,
    today: date,
    calendar: Deadlines | None = None,
    max_rows: int | None = None,
) -> ExportResult:
    """Write the export into ``target``; raises ``ExportTooLarge`` past ``max_rows`` rows."""
    book = open_book(request.format, target, sheets=SHEETS[request.subject], max_rows=max_rows)
    writer = _Writer(request, sessions, book, catalogues, today, calendar or ReportCalendar())
    runs: dict[ExportSubject, Callable[[], Any]] = {
        ExportSubject.REPORTS: writer.reports,
        ExportSubject.TIPS: writer.tips,
        ExportSubject.ACTIVITIES: writer.activities,
        ExportSubject.EVENTS: writer.events,
    }
    await runs[request.subject]()
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
