"""The movement's year in the browser: the compliance of a place for a month, the first half
or a year, as tables and SVG charts.

The figures are the export's and /tongquan's (``bot.exports.compliance``): areas filed on time,
late, not yet or not at all, pledge coverage per commune against 80 %, active models per
commune against one; and the period's events with their turnout. Areas are read page by page;
only one month's list of areas is kept (the last one shown). For a commune or a province the
page also says where it stands against the plan's targets, through the one function the chat
and the reports use (``bot.movement_year.reads.place_standing``) and the chart's own data
(``bot.movement_year.chart.coverage_chart``), drawn here as SVG.

The place is chosen from a list of the places the viewer may see: their own, and below them
the communes of a province or the residential areas of a commune.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import aclosing
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.exports.compliance import (
    CommuneTotals,
    Deadlines,
    add_to_commune,
    communes_of,
    state_of,
)
from bot.movement_year.chart import ChartData, coverage_chart
from bot.movement_year.reads import place_standing
from bot.places import place_of
from bot.rows import same_session
from bot.web.auth import Viewer
from bot.web.charts import Bar, filing_stack, share_bars
from bot.web.kit import ConsoleKit
from conversations.calendar import period_end, period_of, period_start
from conversations.exports import (
    COVERAGE_TARGET,
    FILING_LABELS,
    MODELS_TARGET,
    FilingState,
    outermost,
)
from conversations.i18n import N_
from conversations.localtime import LOCAL_TIME, end_of_day, local_today
from conversations.movement_year import VERDICT_LABELS, SpanOfYear, TargetStanding
from conversations.movement_year.describe import (
    Translate,
    figure_text,
    names_text,
    span_title,
    threshold_text,
)
from conversations.places import COMMUNE, PROVINCE, RESIDENTIAL, Place, is_inside
from conversations.policy import Action, may, scopes
from conversations.targets import Span
from storage.areas import area_by_code
from storage.exports import (
    Sessions,
    iter_area_filings,
    iter_events,
    latest_period_filed,
    places_of_kind,
)
from storage.movement_year import iter_areas_of_kinds


def movement_year_routes(kit: ConsoleKit) -> list[BaseRoute]:
    pages = MovementYearPages(kit)
    return [Route("/web/compliance", kit.signed_in(pages.compliance, reads=True), methods=["GET"])]


@dataclass
class MonthFigures:
    """One month of a place: areas by filing state and the communes' totals."""

    period: str
    counts: dict[str, int]
    areas: list[tuple[str, FilingState]]
    communes: list[CommuneTotals]


def span_of(period: str | None, today: date, default: str) -> tuple[SpanOfYear, list[str]]:
    """The span asked for ("2026-10", "2026-H1" or "2026") and its months up to this one;
    the ``default`` month (``ReportCalendar.default_period``, as /tongquan and ``antq
    overview``) when ``period`` is missing, not a span, or wholly in the future."""
    span = SpanOfYear.parse(period or "")
    months = span.periods(today) if span is not None else []
    if span is None or not months:
        span = SpanOfYear.of_period(default)
        months = span.periods()
    return span, months


def period_choices(today: date, t: Translate) -> list[tuple[str, str]]:
    """(key, label) of the spans the selector offers: this year and the last, each as the
    year, its first half, then its months, the newest first; nothing after this month."""
    choices = []
    for year in (today.year, today.year - 1):
        spans = [SpanOfYear(Span.YEAR, year), SpanOfYear(Span.HALF_YEAR, year)]
        spans += [SpanOfYear(Span.MONTH, year, month) for month in range(12, 0, -1)]
        choices += [(span.key, span_title(span, t)) for span in spans if span.periods(today)]
    return choices


@dataclass(frozen=True)
class PlaceGroup:
    """One of the viewer's own places and the places below it the picker offers."""

    label: str
    options: list[tuple[str, str]]  # (code, name)


def code_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


async def place_groups(session: AsyncSession, own: list[Place], shown: Place) -> list[PlaceGroup]:
    """The picker's places: each own place, then the communes of a province (a few hundred
    at most) or the residential areas of a commune; and the place shown, when it was asked
    for by its code and is none of these (a hamlet of a province), so that it stays chosen."""
    groups = []
    for place in own:
        options = [(place.code, place.full_name)]
        if place.kind == PROVINCE:
            communes = await places_of_kind(session, place.path, COMMUNE)
            options += [(code, name) for code, name, _path in communes]
        elif place.kind == COMMUNE:
            async with aclosing(
                iter_areas_of_kinds(same_session(session), place.path, RESIDENTIAL)
            ) as rows:
                options += [(code_of(path), name) async for path, name, *_ in rows]
        if is_inside(shown.path, place.path) and shown.code not in dict(options):
            options.append((shown.code, shown.full_name))
        groups.append(PlaceGroup(place.full_name, options))
    return groups


async def month_figures(
    sessions: Sessions, place: Place, month: str, today: date, calendar: Deadlines
) -> MonthFigures:
    communes = await communes_of(sessions, place, month)
    counts = {state.value: 0 for state in FilingState}
    areas: list[tuple[str, FilingState]] = []
    async with aclosing(iter_area_filings(sessions, place.path, month, RESIDENTIAL)) as filings:
        async for filing in filings:
            state = state_of(filing, month, today, calendar)
            counts[state.value] += 1
            areas.append((filing.name, state))
            add_to_commune(communes, filing, state)
    inside = [c for c in communes.values() if is_inside(c.path, place.path)]
    return MonthFigures(month, counts, areas, inside)


async def events_of(sessions: Sessions, place: Place, months: list[str]) -> list[Any]:
    """The events of the months (not cancelled), with their registrations and turnout."""
    since = datetime.combine(period_start(months[0]), time(), LOCAL_TIME)
    until = end_of_day(period_end(months[-1]))
    found = []
    async with aclosing(iter_events(sessions, place.path, since=since, until=until)) as rows:
        async for row in rows:
            if row.cancelled_at is None:
                found.append(row)
    return found


def percent_of(no_data: str) -> Callable[[float | None], str]:
    """A share as the page writes it: "82 %", or ``no_data`` ("chưa có số liệu"), never 0 %."""

    def percent(share: float | None) -> str:
        return no_data if share is None else f"{share * 100:.0f} %"

    return percent


@dataclass(frozen=True)
class TargetRow:
    """One target of the standing as the table shows it."""

    verdict: str  # met / not_met / unknown: the row's class
    name: str
    figure: str
    threshold: str
    verdict_label: str
    missing: str


def target_rows(targets: Iterable[TargetStanding], t: Translate, locale: str) -> list[TargetRow]:
    return [
        TargetRow(
            target.verdict.value,
            t(target.name),
            figure_text(target, t, locale),
            threshold_text(target, t),
            t(VERDICT_LABELS[target.verdict]),
            names_text(target.missing, target.missing_count, t) if target.missing_count else "",
        )
        for target in targets
    ]


def standing_chart(chart: ChartData, percent: Callable[[float | None], str]) -> Markup:
    """The standing's coverage chart (the PNG's data) as SVG bars against the target line."""
    bars = []
    for bar in chart.bars:
        share = None if bar.percent is None else bar.percent / 100
        bars.append(Bar(bar.label, share, percent(share)))
    return share_bars(bars, target=chart.threshold_percent / 100, title=chart.title)


class MovementYearPages:
    def __init__(self, kit: ConsoleKit) -> None:
        self.kit = kit

    async def compliance(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        query = request.query_params
        # Asked as /tongquan asks: the same figures, in a browser.
        own = outermost(scopes(viewer.grants, Action.LATE_REPORTS))
        place = own[0] if own else None
        if query.get("place"):
            area = await area_by_code(session, query["place"].strip())
            allowed = area is not None and may(viewer.grants, Action.LATE_REPORTS, area.path)
            place = place_of(area) if allowed and area is not None else None
        if place is None:
            return self.kit.not_found(request, viewer)
        today = local_today(self.kit.now())
        calendar = self.kit.options.report_calendar
        latest = await latest_period_filed(session, place.path, period_of(today))
        default = calendar.default_period(today, place.path, latest)
        span, months = span_of(query.get("period"), today, default)
        sessions = same_session(session)
        figures = [await month_figures(sessions, place, m, today, calendar) for m in months]
        last = figures[-1]
        locale = self.kit.locale_of(request, viewer)

        def t(key: str, **params: object) -> str:
            return self.kit.catalogues.text(locale, key, **params)

        percent = percent_of(t(N_("year.no_data")))
        coverage_chart_svg = share_bars(
            [Bar(c.name, c.coverage, percent(c.coverage)) for c in last.communes],
            target=COVERAGE_TARGET,
            title=t(N_("web.compliance.coverage")),
        )
        filing_chart = filing_stack(
            last.counts,
            {state.value: t(FILING_LABELS[state]) for state in FilingState},
            title=t(N_("web.compliance.filing")),
        )
        standing = targets = chart = None
        if place.kind in (COMMUNE, PROVINCE):
            year = self.kit.options.year
            standing = await place_standing(
                session, place, span, today, book=year.book, calendar=year.calendar
            )
            targets = target_rows(standing.targets, t, locale)
            chart = coverage_chart(standing, t)
        return self.kit.page(
            request,
            "compliance.html",
            viewer,
            place=place,
            groups=await place_groups(session, own, place),
            period=span.key,
            periods=period_choices(today, t),
            span_title=span_title(span, t),
            figures=figures,
            last=last,
            filing_labels=FILING_LABELS,
            states=list(FilingState),
            coverage_chart=coverage_chart_svg,
            filing_chart=filing_chart,
            percent=percent,
            coverage_target=COVERAGE_TARGET,
            models_target=MODELS_TARGET,
            events=await events_of(sessions, place, months),
            standing=standing,
            targets=targets,
            standing_chart=standing_chart(chart, percent) if chart and chart.bars else None,
            chart_data=chart,
        )
