"""Judging a place against the plan's targets in a span, from what its units recorded.

A share target's verdict is decided by its bounds: with ``yes`` units meeting it, ``no`` not
and ``unknown`` not yet known, the share lies between yes/N and (yes + unknown)/N. It is met
when even the floor reaches the threshold, not met when even the ceiling falls short, and
unknown otherwise; with nothing recorded at all there is no figure ("chưa có số liệu"), never
a 0 %.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from conversations.movement_year import (
    Grade,
    MonthPoint,
    SpanOfYear,
    Standing,
    TargetStanding,
    UnitBar,
    Verdict,
    at_least,
)
from conversations.places import PROVINCE
from conversations.targets import (
    GRADED_AVERAGE,
    GRADED_EXCELLENT,
    GRADED_GOOD,
    MODELS,
    PROPAGANDA,
    RECOGNISED,
    REGISTERED,
    Measure,
    Target,
    TargetBook,
    YearCalendar,
)

if TYPE_CHECKING:
    from conversations.movement_year.units import UnitRecord

MISSING_SHOWN = 5
# Shares are compared with a little slack, so that 4/5 meets 0.8 whatever the float says.
EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class Filing:
    """A monthly update's figures that the targets read."""

    households: int
    pledged: int
    late: bool


@dataclass(frozen=True, slots=True)
class AreaYear:
    """A residential area with what it recorded: its updates by period, its registration,
    recognition and grade of the year."""

    name: str
    commune_path: str | None
    households: int | None  # as imported with the area
    filings: Mapping[str, Filing] = field(default_factory=dict)
    registered: bool = False
    recognised: bool | None = None
    grade: str | None = None
    since: str | None = None  # the first period the area was in the records ("2026-06")

    def latest(self, periods: Sequence[str]) -> Filing | None:
        for period in reversed(periods):
            if period in self.filings:
                return self.filings[period]
        return None


@dataclass(frozen=True)
class CommuneYear:
    name: str
    path: str
    active_models: int
    grade: str | None = None


@dataclass(frozen=True)
class PlaceYear:
    """A commune or a province with its areas and communes, as read for one span."""

    name: str
    kind: str
    path: str
    areas: Sequence[AreaYear]
    communes: Sequence[CommuneYear]
    # Its agencies, businesses and schools (conversations.movement_year.units.UnitRecord).
    units: Sequence[UnitRecord] = ()


def share_verdict(
    yes: int, no: int, unknown: int, threshold: float
) -> tuple[float | None, Verdict]:
    """The floor share and the verdict of a share target (see the module's docstring)."""
    total = yes + no + unknown
    if total == 0 or yes + no == 0:
        return None, Verdict.UNKNOWN
    floor, ceiling = yes / total, (yes + unknown) / total
    if floor + EPSILON >= threshold:
        return floor, Verdict.MET
    if ceiling + EPSILON < threshold:
        return floor, Verdict.NOT_MET
    return floor, Verdict.UNKNOWN


def _share(
    target: Target,
    threshold: float,
    yes: int,
    no: int,
    missing: Sequence[str],
) -> TargetStanding:
    figure, verdict = share_verdict(yes, no, len(missing), threshold)
    return _share_standing(
        target, threshold, figure, yes, yes + no + len(missing), verdict, missing
    )


def _share_standing(
    target: Target,
    threshold: float,
    figure: float | None,
    count: int,
    total: int,
    verdict: Verdict,
    missing: Sequence[str],
) -> TargetStanding:
    """A share target's standing: ``count`` of ``total``, naming the first missing areas."""
    shown = tuple(missing[:MISSING_SHOWN])
    return TargetStanding(
        target.key, target.name, threshold, True, figure, count, total, verdict, shown, len(missing)
    )


def propaganda(
    target: Target, threshold: float, areas: Sequence[AreaYear], periods: Sequence[str]
) -> TargetStanding:
    """Households that signed the pledge over the households of every area, each area by its
    latest update of the span, as the monthly overview counts it: an area that filed none
    adds its households as imported (if known) and no pledge, so the figure is a floor while
    areas have not filed, and the verdict waits for them unless even the floor is enough."""
    households = pledged = unfiled_known = 0
    missing: list[str] = []
    unfiled_uncounted = False
    for area in areas:
        latest = area.latest(periods)
        if latest is not None:
            households += latest.households
            pledged += latest.pledged
            continue
        missing.append(area.name)
        if area.households is None:
            unfiled_uncounted = True
        else:
            unfiled_known += area.households
    total = households + unfiled_known
    figure = pledged / total if households else None
    verdict = Verdict.UNKNOWN
    if figure is not None:
        floor = figure
        ceiling = 1.0 if unfiled_uncounted else (pledged + unfiled_known) / total
        if floor + EPSILON >= threshold and not unfiled_uncounted:
            verdict = Verdict.MET
        elif ceiling + EPSILON < threshold:
            verdict = Verdict.NOT_MET
    return _share_standing(target, threshold, figure, pledged, total, verdict, missing)


def registered(
    target: Target, threshold: float, areas: Sequence[AreaYear], still_open: bool
) -> TargetStanding:
    """Areas registered for the standard; while quarter I runs (``still_open``) an area not
    registered may still register. No registration at all in the place: no figure."""
    yes = [area for area in areas if area.registered]
    others = [area.name for area in areas if not area.registered]
    if not yes or still_open:
        return _share(target, threshold, len(yes), 0, others)
    return _share(target, threshold, len(yes), len(others), [])


def recognised(target: Target, threshold: float, areas: Sequence[AreaYear]) -> TargetStanding:
    """Areas recognised over all areas: an area not registered cannot be; a registered one
    without a decision recorded is unknown."""
    if not any(area.recognised is not None for area in areas):
        return _share(target, threshold, 0, 0, [area.name for area in areas])
    yes = sum(area.recognised is True for area in areas)
    no = sum(area.recognised is False or not area.registered for area in areas)
    missing = [area.name for area in areas if area.registered and area.recognised is None]
    return _share(target, threshold, yes, no, missing)


def graded(
    target: Target, threshold: float, floor: Grade, units: Sequence[tuple[str, str | None]]
) -> TargetStanding:
    """Units (name, grade) graded at least ``floor``; an ungraded unit is unknown."""
    if not any(grade is not None for _, grade in units):
        return _share(target, threshold, 0, 0, [name for name, _ in units])
    yes = sum(at_least(grade, floor) for _, grade in units)
    no = sum(grade is not None and not at_least(grade, floor) for _, grade in units)
    return _share(target, threshold, yes, no, [name for name, grade in units if grade is None])


def models(
    target: Target, threshold: float, place: PlaceYear, communes: Sequence[CommuneYear]
) -> TargetStanding:
    """A commune: its active models against the count; a province: the share of its
    communes that keep that many active."""
    if place.kind != PROVINCE:
        count = sum(commune.active_models for commune in communes)
        verdict = Verdict.MET if count + EPSILON >= threshold else Verdict.NOT_MET
        if not communes:
            return TargetStanding(
                target.key, target.name, threshold, False, None, 0, 0, Verdict.UNKNOWN
            )
        return TargetStanding(
            target.key, target.name, threshold, False, float(count), count, 1, verdict
        )
    yes = sum(commune.active_models + EPSILON >= threshold for commune in communes)
    figure, verdict = share_verdict(yes, len(communes) - yes, 0, 1.0)
    return TargetStanding(target.key, target.name, 1.0, True, figure, yes, len(communes), verdict)


def trend(areas: Sequence[AreaYear], periods: Sequence[str]) -> tuple[MonthPoint, ...]:
    points = []
    for period in periods:
        filed = [area.filings[period] for area in areas if period in area.filings]
        households = sum(filing.households for filing in filed)
        pledged = sum(filing.pledged for filing in filed)
        points.append(
            MonthPoint(
                period,
                pledged / households if households else None,
                len(filed),
                sum(filing.late for filing in filed),
                len(areas),
            )
        )
    return tuple(points)


def bars(place: PlaceYear, areas: Sequence[AreaYear], periods: Sequence[str]) -> list[UnitBar]:
    """Coverage per area of a commune, or per commune of a province (its filed areas)."""
    if place.kind != PROVINCE:
        shown = []
        for area in areas:
            latest = area.latest(periods)
            share = latest.pledged / latest.households if latest and latest.households else None
            shown.append(UnitBar(area.name, share))
        return shown
    sums: dict[str, list[int]] = {}
    for area in areas:
        latest = area.latest(periods)
        if latest is not None and area.commune_path is not None:
            total = sums.setdefault(area.commune_path, [0, 0])
            total[0] += latest.households
            total[1] += latest.pledged
    result = []
    for commune in place.communes:
        households, pledged = sums.get(commune.path, (0, 0))
        result.append(UnitBar(commune.name, pledged / households if households else None))
    return result


def judge(
    place: PlaceYear,
    span: SpanOfYear,
    today: date,
    book: TargetBook,
    calendar: YearCalendar,
) -> Standing:
    """Where ``place`` stands in ``span`` on ``today``: every target judged in the span."""
    periods = span.periods(today)
    areas = list(place.areas)
    with_areas = {area.commune_path for area in areas}
    # A province's units are the communes that have areas in the bot (the others never
    # used it: they are no data, not a failure).
    communes = [commune for commune in place.communes if commune.path in with_areas]
    is_province = place.kind == PROVINCE
    units: list[tuple[str, str | None]] = (
        [(commune.name, commune.grade) for commune in communes]
        if is_province
        else [(area.name, area.grade) for area in areas]
    )
    still_open = today <= calendar.registration_deadline(span.year)
    judged = []
    for target, threshold in book.targets(span.span, place.path):
        if target.key == PROPAGANDA:
            judged.append(propaganda(target, threshold, areas, periods))
        elif target.key == REGISTERED:
            judged.append(registered(target, threshold, areas, still_open))
        elif target.key == RECOGNISED:
            judged.append(recognised(target, threshold, areas))
        elif target.key == MODELS:
            judged.append(models(target, threshold, place, communes))
        elif target.key in GRADE_FLOORS:
            judged.append(graded(target, threshold, GRADE_FLOORS[target.key], units))
        elif target.measure is Measure.SHARE:  # a target this code does not count yet
            judged.append(_share(target, threshold, 0, 0, []))
    # The agencies, businesses and schools beside the areas, against their own thresholds
    # (that module counts with this one's functions, hence imported here).
    from conversations.movement_year.units import judge_units

    judged += judge_units(place.units, span, today, book, calendar, place.path)
    never = [area.name for area in areas if area.latest(periods) is None]
    place_with_bars = PlaceYear(place.name, place.kind, place.path, areas, communes)
    return Standing(
        place_name=place.name,
        place_kind=place.kind,
        span=span,
        units=len(units),
        areas=len(areas),
        targets=tuple(judged),
        trend=trend(areas, periods),
        bars=tuple(bars(place_with_bars, areas, periods)),
        never_filed=tuple(never[:MISSING_SHOWN]),
        never_filed_count=len(never),
        threshold_line=book.threshold(PROPAGANDA, place.path),
    )


GRADE_FLOORS = {
    GRADED_AVERAGE: Grade.AVERAGE,
    GRADED_GOOD: Grade.GOOD,
    GRADED_EXCELLENT: Grade.EXCELLENT,
}
