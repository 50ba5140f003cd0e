"""Judging the agencies, businesses and schools of a place (its "units") against their own
targets (``conversations.targets.UNIT_TARGETS``), beside its residential areas: each kind
over its own units and against its own thresholds (a kind without a unit in the place has no
lines).

A unit's propaganda reach is what it reported for the span (the yearly report, or the 6-month
one while the year's is not in); the share is over the people of every unit, a unit that
reported nothing adding its staff and students as recorded with it, so the figure is a floor
and the verdict waits for it, as the areas' households do. Registration, recognition and the
grades are counted as the areas' are; "≥ 1 model" is the share of units keeping as many active.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from conversations.movement_year import SpanOfYear, TargetStanding, Verdict
from conversations.movement_year.standing import (
    EPSILON,
    GRADE_FLOORS,
    AreaYear,
    Filing,
    graded,
    propaganda,
    recognised,
    registered,
    share_verdict,
)
from conversations.targets import (
    BY_KEY,
    MODELS,
    PROPAGANDA,
    RECOGNISED,
    REGISTERED,
    UNIT_KIND_ORDER,
    Span,
    Target,
    TargetBook,
    YearCalendar,
)

HALF_YEAR_REPORT, YEAR_REPORT = "H1", "year"


@dataclass(frozen=True, slots=True)
class Reach:
    """Staff and students reached of the unit's total, as one report gave them."""

    reached: int
    total: int
    late: bool = False


@dataclass(frozen=True, slots=True)
class UnitRecord:
    """An agency, business or school with what it recorded for the year."""

    name: str
    kind: str
    people: int | None  # staff and students as recorded with the unit
    reach: dict[str, Reach]  # by report: HALF_YEAR_REPORT, YEAR_REPORT
    registered: bool = False
    recognised: bool | None = None
    grade: str | None = None
    active_models: int = 0

    def reach_of(self, span: SpanOfYear) -> Reach | None:
        """The report the span rests on: the year's (else the 6 months') for a year."""
        if span.span is Span.YEAR:
            return self.reach.get(YEAR_REPORT) or self.reach.get(HALF_YEAR_REPORT)
        if span.span is Span.HALF_YEAR:
            return self.reach.get(HALF_YEAR_REPORT)
        return None


def as_area(unit: UnitRecord, span: SpanOfYear) -> AreaYear:
    """The unit counted like an area: its people as households, its reach as its pledge."""
    reach = unit.reach_of(span)
    filings = {span.key: Filing(reach.total, reach.reached, reach.late)} if reach else {}
    return AreaYear(
        unit.name,
        None,
        unit.people,
        filings,
        registered=unit.registered,
        recognised=unit.recognised,
        grade=unit.grade,
    )


def with_models(target: Target, threshold: float, units: Sequence[UnitRecord]) -> TargetStanding:
    """The share of units keeping at least ``threshold`` active models."""
    yes = sum(unit.active_models + EPSILON >= threshold for unit in units)
    missing = tuple(unit.name for unit in units if unit.active_models + EPSILON < threshold)
    figure, verdict = share_verdict(yes, len(units) - yes, 0, 1.0)
    return TargetStanding(
        target.key,
        target.name,
        threshold,
        True,
        figure,
        yes,
        len(units),
        verdict if figure is not None else Verdict.UNKNOWN,
        missing[:5],
        len(missing),
    )


def judge_units(
    units: Sequence[UnitRecord],
    span: SpanOfYear,
    today: date,
    book: TargetBook,
    calendar: YearCalendar,
    place_path: str,
) -> list[TargetStanding]:
    """The unit targets of ``span``, kind by kind (agencies, businesses, schools), each over
    the place's units of that kind (none of a kind: no lines for it)."""
    still_open = today <= calendar.registration_deadline(span.year)
    judged = []
    for kind in UNIT_KIND_ORDER:
        of_kind = [unit for unit in units if unit.kind == kind]
        if not of_kind:
            continue
        areas = [as_area(unit, span) for unit in of_kind]  # counted as the areas are
        for target, threshold in book.targets(span.span, place_path, of=kind):
            judged.append(judge_one(target, threshold, of_kind, areas, span, still_open))
    return judged


def judge_one(
    target: Target,
    threshold: float,
    units: Sequence[UnitRecord],
    areas: Sequence[AreaYear],
    span: SpanOfYear,
    still_open: bool,
) -> TargetStanding:
    """One target of a kind over its units (``areas``: the same units as areas;
    ``still_open``: quarter I still runs)."""
    if target.aspect == PROPAGANDA:
        return propaganda(target, threshold, areas, [span.key])
    if target.aspect == REGISTERED:
        return registered(target, threshold, areas, still_open)
    if target.aspect == RECOGNISED:
        return recognised(target, threshold, areas)
    if target.aspect == MODELS:
        return with_models(target, threshold, units)
    grades = [(unit.name, unit.grade) for unit in units]
    return graded(target, threshold, GRADE_FLOORS[target.aspect], grades)


@dataclass(frozen=True)
class KindSummary:
    """One kind of unit in a place, as the report's paragraph on units tells it: how many,
    registered, recognised, graded, and its targets as judged."""

    kind: str
    units: int
    registered: int
    recognised: int
    grades: dict[str, int]  # by Grade value; ungraded units are the rest
    targets: tuple[TargetStanding, ...]


def kind_summaries(
    units: Sequence[UnitRecord], targets: Sequence[TargetStanding]
) -> list[KindSummary]:
    """Per kind with units in the place (agencies, businesses, schools, in that order)."""
    summaries = []
    for kind in UNIT_KIND_ORDER:
        of_kind = [unit for unit in units if unit.kind == kind]
        if not of_kind:
            continue
        grades: dict[str, int] = {}
        for unit in of_kind:
            if unit.grade is not None:
                grades[unit.grade] = grades.get(unit.grade, 0) + 1
        summaries.append(
            KindSummary(
                kind,
                len(of_kind),
                sum(unit.registered for unit in of_kind),
                sum(unit.recognised is True for unit in of_kind),
                grades,
                tuple(target for target in targets if BY_KEY[target.key].of == kind),
            )
        )
    return summaries
