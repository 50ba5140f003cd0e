"""Counting a period's compliance in a place: filing, pledge coverage and active models.

Areas are read page by page (``storage.exports.iter_area_filings``); only per-commune totals
are kept, and a province has a few hundred communes at most.
"""

from __future__ import annotations

from contextlib import aclosing
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from conversations.exports import (
    COVERAGE_TARGET,
    MODELS_TARGET,
    ComplianceTally,
    FilingState,
    activity_window,
    coverage,
    filing_state,
)
from conversations.localtime import end_of_day
from conversations.places import COMMUNE, RESIDENTIAL, Place, commune_path, is_inside
from storage.exports import (
    AreaFiling,
    Sessions,
    active_models_by_place,
    iter_area_filings,
    places_of_kind,
    registered_models,
)


@dataclass
class CommuneTotals:
    """One commune's figures of one period."""

    code: str
    name: str
    path: str
    areas: int = 0
    on_time: int = 0
    late: int = 0
    not_filed: int = 0
    households: int = 0
    pledged: int = 0
    active_models: int = 0

    @property
    def coverage(self) -> float | None:
        return coverage(self.households, self.pledged)

    @property
    def coverage_met(self) -> bool:
        share = self.coverage
        return share is not None and share >= COVERAGE_TARGET

    @property
    def models_met(self) -> bool:
        return self.active_models >= MODELS_TARGET


async def communes_of(sessions: Sessions, place: Place, period: str) -> dict[str, CommuneTotals]:
    """The communes in ``place``'s subtree with their active models of ``period``."""
    first, last = activity_window(period)
    async with sessions() as session:
        communes = await places_of_kind(session, place.path, COMMUNE)
        models = await active_models_by_place(
            session,
            place.path,
            active_from=first,
            period_end=last,
            period_ends_at=end_of_day(last),
        )
    totals = {path: CommuneTotals(code, name, path) for code, name, path in communes}
    for path, count in models.items():
        commune = commune_path(path)
        if commune in totals:
            totals[commune].active_models += count
    return totals


class Deadlines(Protocol):
    """What knows a period's deadline for a place: ``ReportCalendar``, or ``FixedDeadline``."""

    def deadline(self, period: str, place_path: str | None = None) -> date: ...


@dataclass(frozen=True)
class FixedDeadline:
    """One deadline for every place (a chat export: the flow read it from the calendar)."""

    day: date

    def deadline(self, period: str, place_path: str | None = None) -> date:
        return self.day


def state_of(filing: AreaFiling, period: str, today: date, calendar: Deadlines) -> FilingState:
    deadline = filing.deadline or calendar.deadline(period, filing.path)
    return filing_state(filed=filing.filed, late=filing.late, deadline=deadline, today=today)


def add_to_commune(
    totals: dict[str, CommuneTotals], filing: AreaFiling, state: FilingState
) -> CommuneTotals | None:
    """Counts ``filing`` in its commune's totals; returns the commune (None: not in one)."""
    commune = totals.get(commune_path(filing.path) or "")
    if commune is None:
        return None
    commune.areas += 1
    if state is FilingState.ON_TIME:
        commune.on_time += 1
    elif state is FilingState.LATE:
        commune.late += 1
    else:
        commune.not_filed += 1
    if filing.filed:
        commune.households += filing.households or 0
        commune.pledged += filing.households_pledged or 0
    return commune


async def tally_compliance(
    sessions: Sessions, place: Place, period: str, today: date, deadline: date
) -> ComplianceTally:
    """The overview's counts for ``place`` and ``period``."""
    tally = ComplianceTally(place.full_name, period)
    async with aclosing(iter_area_filings(sessions, place.path, period, RESIDENTIAL)) as filings:
        async for filing in filings:
            state = state_of(filing, period, today, FixedDeadline(deadline))
            if filing.filed:
                households = filing.households or 0
                pledged: int | None = filing.households_pledged or 0
            else:
                households, pledged = filing.area_households, None
            tally.add_area(filing.name, state, households, pledged, filing.models_active)
    for commune in (await communes_of(sessions, place, period)).values():
        if is_inside(commune.path, place.path):
            tally.add_commune(commune.active_models)
    _, last = activity_window(period)
    async with sessions() as session:
        tally.registered_models = await registered_models(
            session, place.path, period_ends_at=end_of_day(last)
        )
    return tally
