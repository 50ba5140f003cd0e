"""The movement's year: the "An toàn về ANTT" standard, the units' grades, where a place stands
against the plan's targets, and the 6-month and yearly report drafts.

In quarter I a leader registers the residential area for the standard; at the year's end the
commune's admin records which areas were recognised and grades each area, the province's admin
grades each commune. A place's standing judges every target of a span (a month, a half-year,
a year) as met, not met or unknown, and says what is missing for a verdict.

This module holds the vocabulary (grades, spans, verdicts, effects, reads); ``standing``
judges. The reads are a part of ``conversations.ports.Records``, so this module must not
import ``conversations.ports``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from conversations.calendar import period_of
from conversations.effects import Effect
from conversations.fields import Choice, ChoiceOption
from conversations.i18n import N_
from conversations.places import Place, is_inside
from conversations.policy import RULES, Action, Grant
from conversations.targets import Span


class Grade(StrEnum):
    """The movement's classification of a unit for a year (Decision 510/QĐ-BCA-V05)."""

    EXCELLENT = "excellent"
    GOOD = "good"
    AVERAGE = "average"
    WEAK = "weak"


# Best first: "at least khá" is a grade at this index or before.
GRADE_ORDER = (Grade.EXCELLENT, Grade.GOOD, Grade.AVERAGE, Grade.WEAK)
GRADE_LABELS = {
    Grade.EXCELLENT: N_("year.grade.excellent"),
    Grade.GOOD: N_("year.grade.good"),
    Grade.AVERAGE: N_("year.grade.average"),
    Grade.WEAK: N_("year.grade.weak"),
}
GRADES = Choice(
    ChoiceOption(Grade.EXCELLENT, GRADE_LABELS[Grade.EXCELLENT], ("xuat sac", "excellent")),
    ChoiceOption(Grade.GOOD, GRADE_LABELS[Grade.GOOD], ("kha", "good")),
    ChoiceOption(Grade.AVERAGE, GRADE_LABELS[Grade.AVERAGE], ("trung binh", "tb", "average")),
    ChoiceOption(Grade.WEAK, GRADE_LABELS[Grade.WEAK], ("yeu", "kem", "weak")),
)


def at_least(grade: str | None, floor: Grade) -> bool:
    return grade is not None and GRADE_ORDER.index(Grade(grade)) <= GRADE_ORDER.index(floor)


@dataclass(frozen=True)
class SpanOfYear:
    """A month ("2026-05"), a half-year ("2026-H1") or a year ("2026") to stand in."""

    span: Span
    year: int
    month: int = 12  # the month of a MONTH span

    @property
    def key(self) -> str:
        if self.span is Span.MONTH:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-H1" if self.span is Span.HALF_YEAR else f"{self.year:04d}"

    @property
    def last_month(self) -> int:
        return {Span.MONTH: self.month, Span.HALF_YEAR: 6, Span.YEAR: 12}[self.span]

    def periods(self, today: date | None = None) -> list[str]:
        """The monthly periods it covers, none after ``today``'s month."""
        first = self.month if self.span is Span.MONTH else 1
        periods = [f"{self.year:04d}-{month:02d}" for month in range(first, self.last_month + 1)]
        if today is not None:
            periods = [period for period in periods if period <= period_of(today)]
        return periods

    @property
    def first_day(self) -> date:
        return date(self.year, self.month if self.span is Span.MONTH else 1, 1)

    @property
    def last_day(self) -> date:
        month = self.last_month
        following = date(self.year + 1, 1, 1) if month == 12 else date(self.year, month + 1, 1)
        return date.fromordinal(following.toordinal() - 1)

    @classmethod
    def of_period(cls, period: str) -> SpanOfYear:
        """The month of a monthly period ("2026-11")."""
        year, month = period.split("-")
        return cls(Span.MONTH, int(year), int(month))

    @classmethod
    def parse(cls, text: str) -> SpanOfYear | None:
        """ "2026", "2026-H1" (or "2026-h1", "2026-6t"), "2026-05"; None otherwise."""
        text = text.strip().lower()
        year, _, rest = text.partition("-")
        if not (year.isdigit() and len(year) == 4 and 2000 <= int(year) <= 2999):
            return None
        if not rest:
            return cls(Span.YEAR, int(year))
        if rest in ("h1", "6t", "6m"):
            return cls(Span.HALF_YEAR, int(year))
        if rest.isdigit() and len(rest) == 2 and 1 <= int(rest) <= 12:
            return cls(Span.MONTH, int(year), int(rest))
        return None


class Verdict(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


VERDICT_LABELS = {
    Verdict.MET: N_("year.verdict.met"),
    Verdict.NOT_MET: N_("year.verdict.not_met"),
    Verdict.UNKNOWN: N_("year.verdict.unknown"),
}


@dataclass(frozen=True)
class TargetStanding:
    """One target in one place and span: the figure (None: no data at all), the threshold,
    the verdict, and what is missing for a verdict (``missing`` names, ``missing_count``
    all of them). ``numerator``/``denominator`` are what the figure is made of."""

    key: str
    name: str
    threshold: float
    share: bool
    figure: float | None
    numerator: int
    denominator: int
    verdict: Verdict
    missing: tuple[str, ...] = ()
    missing_count: int = 0


@dataclass(frozen=True)
class MonthPoint:
    """One month of the trend: pledge coverage over the areas that filed, and how many did."""

    period: str
    coverage: float | None
    filed: int
    late: int
    areas: int


@dataclass(frozen=True)
class UnitBar:
    """One bar of the chart: an area of a commune (or a commune of a province)."""

    name: str
    coverage: float | None


@dataclass(frozen=True)
class Standing:
    """Where a place stands in a span: each target, the months' trend, the units' bars."""

    place_name: str
    place_kind: str
    span: SpanOfYear
    units: int  # residential areas of a commune; communes (with areas) of a province
    areas: int
    targets: tuple[TargetStanding, ...]
    trend: tuple[MonthPoint, ...]
    bars: tuple[UnitBar, ...]
    never_filed: tuple[str, ...]  # areas that filed no update in the whole span
    never_filed_count: int
    threshold_line: float  # the propaganda target, drawn on the chart


@dataclass(frozen=True)
class RegisterForStandard(Effect):
    """A leader registers the area for the "An toàn về ANTT" standard of ``year``."""

    area_id: int
    year: int
    households: int
    registered_on: date
    late: bool


@dataclass(frozen=True)
class RecordRecognition(Effect):
    """An admin records whether the area was recognised as meeting the standard."""

    area_id: int
    year: int
    recognised: bool


@dataclass(frozen=True)
class RecordGrade(Effect):
    """An admin records a unit's grade for the year."""

    area_id: int
    year: int
    grade: Grade


@dataclass(frozen=True)
class ShowStanding(Effect):
    """Tell the member where each place stands in ``span`` (a few lines and a chart); the
    bot asks the policy again for every place before it reads anything."""

    place_paths: tuple[str, ...]
    span: str  # SpanOfYear.key


@dataclass(frozen=True)
class MakeReportDraft(Effect):
    """Make the DOCX draft of the 6-month or yearly report of a place and send it."""

    place_path: str
    span: str  # SpanOfYear.key of a half-year or a year


@dataclass(frozen=True)
class RegistrationView:
    """An area's registration for the standard, as the flows show it."""

    area_id: int
    year: int
    households: int
    registered_on: date


class YearReads(Protocol):
    """Reads of the movement's year."""

    async def registration(self, area_id: int, year: int) -> RegistrationView | None:
        """The area's registration for the standard of ``year``, if it registered."""
        ...


def may_assess(grants: Iterable[Grant], place: Place) -> bool:
    """A unit is recognised and graded by an admin of a place above it: an area by its
    commune's (or province's) admin, a commune by its province's; nobody grades their own."""
    return any(
        grant.role in RULES[Action.ASSESS_UNITS]
        and grant.place.path != place.path
        and is_inside(place.path, grant.place.path)
        for grant in grants
    )
