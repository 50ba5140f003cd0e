"""Exports and the compliance overview: targets, filing states, the export effect and reads.

The movement's plans ask every residential area to file its monthly update on time, the
safety pledge to reach at least 80 % of households, and every commune to keep at least one
self-managed model active. This module says what those mean for one period; ``bot`` counts.

The reads are a part of ``conversations.ports.Records``, so this module must not import
``conversations.ports``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol

from conversations.calendar import period_end, period_start, previous_period
from conversations.effects import Effect
from conversations.i18n import N_
from conversations.places import Place
from conversations.places import outermost as outermost  # the web pages import it from here
from conversations.targets import DEFAULT_TARGETS, MODELS, PROPAGANDA

# Households that signed the safety pledge, per commune and area; active self-managed models
# per commune (the plan's defaults, declared in conversations.targets).
COVERAGE_TARGET = DEFAULT_TARGETS.threshold(PROPAGANDA)
MODELS_TARGET = int(DEFAULT_TARGETS.threshold(MODELS))
ACTIVE_MONTHS = 3  # a model is active with an activity in the 3 months ending with the period
MISSING_NAMES_SHOWN = 5


class FilingState(StrEnum):
    """Where a residential area stands with its update of a period."""

    ON_TIME = "on_time"
    LATE = "late"
    NOT_YET = "not_yet"  # no update, but the deadline has not passed
    MISSING = "missing"  # no update and the deadline has passed


FILING_LABELS = {
    FilingState.ON_TIME: N_("export.filing.on_time"),
    FilingState.LATE: N_("export.filing.late"),
    FilingState.NOT_YET: N_("export.filing.not_yet"),
    FilingState.MISSING: N_("export.filing.missing"),
}


def filing_state(*, filed: bool, late: bool, deadline: date, today: date) -> FilingState:
    """The state of an area's update; a stored update carries its own ``late`` flag."""
    if filed:
        return FilingState.LATE if late else FilingState.ON_TIME
    return FilingState.NOT_YET if today <= deadline else FilingState.MISSING


def activity_window(period: str) -> tuple[date, date]:
    """The first and last day in which an activity keeps a model active for ``period``."""
    first = period
    for _ in range(ACTIVE_MONTHS - 1):
        first = previous_period(first)
    return period_start(first), period_end(period)


def coverage(households: int, pledged: int) -> float | None:
    """Pledged households as a share of households; None when there are no households."""
    return pledged / households if households > 0 else None


@dataclass
class ComplianceTally:
    """Counts of one period in one place, added up area by area."""

    place_name: str
    period: str
    on_time: int = 0
    late: int = 0
    not_yet: int = 0
    missing: int = 0
    missing_names: list[str] = field(default_factory=list)
    # Households of every area: as filed, or as imported with an area that has not filed.
    households: int = 0
    pledged: int = 0
    # Areas that have not filed: their pledges are unknown, their households known or not.
    unfiled_households: int = 0
    unfiled_without_households: int = 0
    communes: int = 0
    communes_with_model: int = 0
    # Self-managed models: registered (not ended), with an activity in the window, and as
    # the areas' leaders reported them in their updates.
    registered_models: int = 0
    active_models: int = 0
    reported_models: int = 0

    def add_area(
        self,
        name: str,
        state: FilingState,
        households: int | None,
        pledged: int | None,
        reported_models: int | None = None,
    ) -> None:
        """Count one area; ``pledged`` is None when it has not filed (unknown, not 0)."""
        if state is FilingState.ON_TIME:
            self.on_time += 1
        elif state is FilingState.LATE:
            self.late += 1
        elif state is FilingState.NOT_YET:
            self.not_yet += 1
        else:
            self.missing += 1
        unfiled = state in (FilingState.NOT_YET, FilingState.MISSING)
        if unfiled and len(self.missing_names) < MISSING_NAMES_SHOWN:
            self.missing_names.append(name)
        self.households += households or 0
        if pledged is not None:
            self.pledged += pledged
        elif households is None:
            self.unfiled_without_households += 1
        else:
            self.unfiled_households += households
        self.reported_models += reported_models or 0

    def add_commune(self, active_models: int) -> None:
        self.communes += 1
        self.active_models += active_models
        if active_models >= MODELS_TARGET:
            self.communes_with_model += 1

    @property
    def areas(self) -> int:
        return self.on_time + self.late + self.not_yet + self.missing

    @property
    def coverage(self) -> float | None:
        """Pledged households over the households of every area (a floor while some
        areas have not filed)."""
        return coverage(self.households, self.pledged)

    @property
    def coverage_met(self) -> bool | None:
        """Whether the pledge target is met; None while unfiled areas could change it."""
        share = self.coverage
        if share is not None and share >= COVERAGE_TARGET and not self.unfiled_without_households:
            return True  # the unfiled areas' pledges can only add to it
        if self.unfiled_households or self.unfiled_without_households or share is None:
            return None
        return False


class ExportKind(StrEnum):
    """What a chat export holds."""

    REPORTS_CURRENT = "reports_current"
    REPORTS_PREVIOUS = "reports_previous"
    TIPS = "tips"
    ACTIVITIES = "activities"
    EVENTS = "events"
    YEAR = "year"  # the movement's year: targets in force, standard, grades


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


TIPS_DAYS = 30  # an export of tips covers the last 30 days
RECENT_DAYS = 90  # activities and events: the last 90 days


def recent_days(subject: str) -> int:
    """The days a dated export covers by default, the same in the chat, the web console and
    ``antq export``: tips the last ``TIPS_DAYS``, activities and events the last
    ``RECENT_DAYS``."""
    return TIPS_DAYS if subject == ExportKind.TIPS.value else RECENT_DAYS


@dataclass(frozen=True)
class MakeExport(Effect):
    """Make a file of ``kind`` for the member's places and send it in the chat.

    ``period`` is set for monthly reports; ``days`` for the other kinds (counted back from
    today). The bot asks the policy again for every place before it reads anything.
    """

    kind: ExportKind
    format: ExportFormat
    place_paths: tuple[str, ...]
    period: str | None = None
    deadline: date | None = None  # the period's deadline in these places
    days: int | None = None


@dataclass(frozen=True)
class OpinionTally:
    """The residents' opinions and proposals a place received in a period: how many, how many
    of them were answered and done, and how many per subject (its label's catalogue key)."""

    received: int = 0
    answered: int = 0
    done: int = 0
    by_subject: tuple[tuple[str, int], ...] = ()


class OverviewReads(Protocol):
    """Reads for the compliance overview."""

    async def opinions(self, place: Place, period: str) -> OpinionTally:
        """The opinions and proposals received in ``period`` in ``place``'s subtree."""
        ...

    async def compliance(
        self, place: Place, period: str, today: date, deadline: date
    ) -> ComplianceTally:
        """The period's filing, pledge coverage and active models in ``place``'s subtree;
        an area without an update is "not yet" until ``deadline`` and "missing" after."""
        ...

    async def latest_filed(self, place: Place, up_to: str) -> str | None:
        """The latest period, not after ``up_to``, of an update filed in ``place``'s subtree."""
        ...
