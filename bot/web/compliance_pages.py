"""The compliance of a place for a month or a year, as tables and SVG charts.

The figures are the export's and /tongquan's (``bot.exports.compliance``): areas filed on time,
late, not yet or not at all, pledge coverage per commune against 80 %, active models per
commune against one; and the period's events with their turnout. Areas are read page by page;
only one month's list of areas is kept (the last one shown).
"""

from __future__ import annotations

from contextlib import aclosing
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.exports.compliance import (
    CommuneTotals,
    Deadlines,
    add_to_commune,
    communes_of,
    end_of_period,
    state_of,
)
from bot.exports.reads import same_session
from bot.places import place_of
from bot.web.auth import Viewer
from bot.web.charts import Bar, filing_stack, share_bars
from bot.web.console import WebConsole
from conversations.calendar import period_end, period_start
from conversations.exports import (
    COVERAGE_TARGET,
    FILING_LABELS,
    MODELS_TARGET,
    FilingState,
    outermost,
)
from conversations.i18n import N_
from conversations.localtime import LOCAL_TIME, local_today
from conversations.places import RESIDENTIAL, Place, is_inside
from conversations.policy import Action, may, scopes
from storage.areas import area_by_code
from storage.exports import Sessions, iter_area_filings, iter_events


def compliance_routes(console: WebConsole) -> list[BaseRoute]:
    pages = CompliancePages(console)
    return [Route("/web/compliance", console.signed_in(pages.compliance), methods=["GET"])]


@dataclass
class MonthFigures:
    """One month of a place: areas by filing state and the communes' totals."""

    period: str
    counts: dict[str, int]
    areas: list[tuple[str, FilingState]]
    communes: list[CommuneTotals]


def months_of(period: str | None, today: date) -> tuple[str, list[str]]:
    """The period asked for ("2026-10", or a year "2026": its months up to this one) and its
    months; this month when ``period`` is missing or not a period."""
    this_month = f"{today:%Y-%m}"
    text = (period or "").strip()
    if len(text) == 4 and text.isdigit():
        months = [f"{text}-{m:02d}" for m in range(1, 13) if f"{text}-{m:02d}" <= this_month]
        if months:
            return text, months
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:] in _MONTHS:
        return text, [text]
    return this_month, [this_month]


_MONTHS = {f"{m:02d}" for m in range(1, 13)}


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
    until = end_of_period(period_end(months[-1]))
    found = []
    async with aclosing(iter_events(sessions, place.path, since=since, until=until)) as rows:
        async for row in rows:
            if row.cancelled_at is None:
                found.append(row)
    return found


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f} %"


class CompliancePages:
    def __init__(self, console: WebConsole) -> None:
        self.console = console

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
            return self.console.not_found(request, viewer)
        today = local_today(self.console.now())
        period, months = months_of(query.get("period"), today)
        sessions = same_session(session)
        calendar = self.console.options.report_calendar
        figures = [await month_figures(sessions, place, m, today, calendar) for m in months]
        last = figures[-1]
        locale = self.console.locale_of(request, viewer)

        def t(key: str) -> str:
            return self.console.catalogues.text(locale, key)

        coverage_chart = share_bars(
            [Bar(c.name, c.coverage or 0.0, percent(c.coverage)) for c in last.communes],
            target=COVERAGE_TARGET,
            title=t(N_("web.compliance.coverage")),
        )
        filing_chart = filing_stack(
            last.counts,
            {state.value: t(FILING_LABELS[state]) for state in FilingState},
            title=t(N_("web.compliance.filing")),
        )
        return self.console.page(
            request,
            "compliance.html",
            viewer,
            place=place,
            own=own,
            period=period,
            figures=figures,
            last=last,
            filing_labels=FILING_LABELS,
            states=list(FilingState),
            coverage_chart=coverage_chart,
            filing_chart=filing_chart,
            percent=percent,
            coverage_target=COVERAGE_TARGET,
            models_target=MODELS_TARGET,
            events=await events_of(sessions, place, months),
        )
