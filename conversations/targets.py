"""The movement plan's targets, declared once: what is measured, the threshold and the period.

The thresholds are the ones the provinces' plans share (DOMAIN.md, "The movement"); a province
may set its own (``ANTQ_TARGETS``, or a TOML file named by ``ANTQ_TARGETS_FILE``), read into a
``TargetBook``. The monthly overview, the year's standing, the report drafts and the exports
all ask the book, so a threshold changes in one place.

Core vocabulary: the exports' monthly compliance and the movement's year both count by it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

from conversations.calendar import province_code
from conversations.i18n import N_
from conversations.places import AGENCY, BUSINESS, SCHOOL


class Span(StrEnum):
    """The periods a standing is asked for."""

    MONTH = "month"
    HALF_YEAR = "half_year"
    YEAR = "year"


class Measure(StrEnum):
    """How a target's figure is read: a share of units (0.8 = 80 %) or a count."""

    SHARE = "share"
    COUNT = "count"


@dataclass(frozen=True)
class Target:
    """One target of the plan: its key, its name, the default threshold, what it measures
    and the spans it is judged in (registration is a quarter I matter, grades a year's)."""

    key: str
    name: str
    threshold: float
    measure: Measure
    spans: frozenset[Span]
    period: str  # what the plan says about when: a catalogue key
    of: str = "areas"  # whom it counts: AREAS (residential areas, communes) or a unit kind
    aspect: str = ""  # a unit kind's target: what it counts, as the areas' key (PROPAGANDA …)
    shared: str | None = None  # a key whose threshold applies when the province set no own


ALL_SPANS = frozenset(Span)
YEAR_ONLY = frozenset({Span.YEAR})

PROPAGANDA = "propaganda"
REGISTERED = "registered"
RECOGNISED = "recognised"
MODELS = "models"
GRADED_AVERAGE = "graded_average"
GRADED_GOOD = "graded_good"
GRADED_EXCELLENT = "graded_excellent"

TARGETS: tuple[Target, ...] = (
    Target(
        PROPAGANDA,
        N_("target.propaganda"),
        0.8,
        Measure.SHARE,
        ALL_SPANS,
        N_("target.period.monthly"),
    ),
    Target(
        REGISTERED,
        N_("target.registered"),
        1.0,
        Measure.SHARE,
        ALL_SPANS,
        N_("target.period.quarter_one"),
    ),
    Target(
        RECOGNISED,
        N_("target.recognised"),
        0.7,
        Measure.SHARE,
        YEAR_ONLY,
        N_("target.period.year_end"),
    ),
    Target(MODELS, N_("target.models"), 1, Measure.COUNT, ALL_SPANS, N_("target.period.kept")),
    Target(
        GRADED_AVERAGE,
        N_("target.graded_average"),
        0.8,
        Measure.SHARE,
        YEAR_ONLY,
        N_("target.period.grading"),
    ),
    Target(
        GRADED_GOOD,
        N_("target.graded_good"),
        0.5,
        Measure.SHARE,
        YEAR_ONLY,
        N_("target.period.grading"),
    ),
    Target(
        GRADED_EXCELLENT,
        N_("target.graded_excellent"),
        0.3,
        Measure.SHARE,
        YEAR_ONLY,
        N_("target.period.grading"),
    ),
)

# Agencies, businesses and schools (Bình Phước 31/KH-UBND): each kind judged over the units of
# a place beside the areas, against thresholds of its own (``agency_propaganda``,
# ``school_graded_good`` …), a province setting any of them as it sets the areas'. A unit's
# propaganda reach is reported for the 6-month and the yearly report, so it is judged in those
# spans only. ``unit_propaganda`` and its kin set one threshold for the three kinds at once
# (a kind's own key wins over it); they are not judged themselves.
AREAS = "areas"
UNIT_PROPAGANDA = "unit_propaganda"
UNIT_REGISTERED = "unit_registered"
UNIT_RECOGNISED = "unit_recognised"
UNIT_MODELS = "unit_models"
UNIT_GRADED_AVERAGE = "unit_graded_average"
UNIT_GRADED_GOOD = "unit_graded_good"
UNIT_GRADED_EXCELLENT = "unit_graded_excellent"
REPORTED_SPANS = frozenset({Span.HALF_YEAR, Span.YEAR})
UNIT_KIND_ORDER = (AGENCY, BUSINESS, SCHOOL)  # as the overview and the reports list them
# (shared key, what it counts, measure, spans, period): the same for the three kinds.
_UNIT_ASPECTS = (
    (UNIT_PROPAGANDA, PROPAGANDA, Measure.SHARE, REPORTED_SPANS, N_("target.period.unit_reach")),
    (UNIT_REGISTERED, REGISTERED, Measure.SHARE, ALL_SPANS, N_("target.period.quarter_one")),
    (UNIT_RECOGNISED, RECOGNISED, Measure.SHARE, YEAR_ONLY, N_("target.period.year_end")),
    (UNIT_MODELS, MODELS, Measure.COUNT, ALL_SPANS, N_("target.period.kept")),
    (UNIT_GRADED_AVERAGE, GRADED_AVERAGE, Measure.SHARE, YEAR_ONLY, N_("target.period.grading")),
    (UNIT_GRADED_GOOD, GRADED_GOOD, Measure.SHARE, YEAR_ONLY, N_("target.period.grading")),
    (
        UNIT_GRADED_EXCELLENT,
        GRADED_EXCELLENT,
        Measure.SHARE,
        YEAR_ONLY,
        N_("target.period.grading"),
    ),
)
_SHARED_NAMES = {
    UNIT_PROPAGANDA: N_("target.unit_propaganda"),
    UNIT_REGISTERED: N_("target.unit_registered"),
    UNIT_RECOGNISED: N_("target.unit_recognised"),
    UNIT_MODELS: N_("target.unit_models"),
    UNIT_GRADED_AVERAGE: N_("target.unit_graded_average"),
    UNIT_GRADED_GOOD: N_("target.unit_graded_good"),
    UNIT_GRADED_EXCELLENT: N_("target.unit_graded_excellent"),
}
# The targets data of each kind: its name per aspect and the plan's default threshold (the
# three kinds share Bình Phước's figures until a province sets its own).
KIND_TARGET_DATA: dict[str, dict[str, tuple[str, float]]] = {
    AGENCY: {
        PROPAGANDA: (N_("target.agency_propaganda"), 0.9),
        REGISTERED: (N_("target.agency_registered"), 1.0),
        RECOGNISED: (N_("target.agency_recognised"), 0.7),
        MODELS: (N_("target.agency_models"), 1),
        GRADED_AVERAGE: (N_("target.agency_graded_average"), 0.8),
        GRADED_GOOD: (N_("target.agency_graded_good"), 0.5),
        GRADED_EXCELLENT: (N_("target.agency_graded_excellent"), 0.3),
    },
    BUSINESS: {
        PROPAGANDA: (N_("target.business_propaganda"), 0.9),
        REGISTERED: (N_("target.business_registered"), 1.0),
        RECOGNISED: (N_("target.business_recognised"), 0.7),
        MODELS: (N_("target.business_models"), 1),
        GRADED_AVERAGE: (N_("target.business_graded_average"), 0.8),
        GRADED_GOOD: (N_("target.business_graded_good"), 0.5),
        GRADED_EXCELLENT: (N_("target.business_graded_excellent"), 0.3),
    },
    SCHOOL: {
        PROPAGANDA: (N_("target.school_propaganda"), 0.9),
        REGISTERED: (N_("target.school_registered"), 1.0),
        RECOGNISED: (N_("target.school_recognised"), 0.7),
        MODELS: (N_("target.school_models"), 1),
        GRADED_AVERAGE: (N_("target.school_graded_average"), 0.8),
        GRADED_GOOD: (N_("target.school_graded_good"), 0.5),
        GRADED_EXCELLENT: (N_("target.school_graded_excellent"), 0.3),
    },
}


def kind_key(kind: str, aspect: str) -> str:
    """The key of a kind's target: ("school", "propaganda") → "school_propaganda"."""
    return f"{kind}_{aspect}"


UNIT_TARGETS: tuple[Target, ...] = tuple(
    Target(
        kind_key(kind, aspect),
        KIND_TARGET_DATA[kind][aspect][0],
        KIND_TARGET_DATA[kind][aspect][1],
        measure,
        spans,
        period,
        kind,
        aspect,
        shared,
    )
    for kind in UNIT_KIND_ORDER
    for shared, aspect, measure, spans, period in _UNIT_ASPECTS
)
TARGETS += UNIT_TARGETS
# The one-for-all-kinds keys: overridable (a fallback of each kind's), never judged.
SHARED_UNIT_TARGETS: tuple[Target, ...] = tuple(
    Target(shared, _SHARED_NAMES[shared], 0.0, measure, spans, period, AREAS, aspect)
    for shared, aspect, measure, spans, period in _UNIT_ASPECTS
)

BY_KEY = {target.key: target for target in TARGETS}
BY_KEY.update({target.key: target for target in SHARED_UNIT_TARGETS})

# -- exemplary units ("điển hình", Nghệ An 104/KH-UBND): at least 15 % of communes, and in each
# commune at least one agency, one business and two schools; judged at the year's end.
EXEMPLARY_COMMUNES = "exemplary_communes"
EXEMPLARY_AGENCIES = "exemplary_agencies"
EXEMPLARY_BUSINESSES = "exemplary_businesses"
EXEMPLARY_SCHOOLS = "exemplary_schools"
EXEMPLARY_TARGETS: tuple[Target, ...] = tuple(
    Target(key, name, threshold, measure, YEAR_ONLY, N_("target.period.year_end"))
    for key, name, threshold, measure in (
        (EXEMPLARY_COMMUNES, N_("target.exemplary_communes"), 0.15, Measure.SHARE),
        (EXEMPLARY_AGENCIES, N_("target.exemplary_agencies"), 1, Measure.COUNT),
        (EXEMPLARY_BUSINESSES, N_("target.exemplary_businesses"), 1, Measure.COUNT),
        (EXEMPLARY_SCHOOLS, N_("target.exemplary_schools"), 2, Measure.COUNT),
    )
)
# Overridable per province like the others (judged apart: ``conversations.commendations``).
BY_KEY.update({target.key: target for target in EXEMPLARY_TARGETS})


def unit_aspect(key: str) -> str | None:
    """What a unit kind's target counts (PROPAGANDA, MODELS …); None for the areas' own."""
    target = BY_KEY.get(key)
    return target.aspect if target is not None and target.of != AREAS else None


class BadTargets(ValueError):
    """An override names an unknown target or a threshold out of range."""


def checked(key: str, value: float) -> float:
    target = BY_KEY.get(key)
    if target is None:
        raise BadTargets(f"unknown target {key!r}; known: {', '.join(BY_KEY)}")
    if target.measure is Measure.SHARE and not 0 < value <= 1:
        raise BadTargets(f"{key}: a share is above 0 and at most 1 (0.8 is 80 %), not {value}")
    if target.measure is Measure.COUNT and (value < 1 or value != int(value)):
        raise BadTargets(f"{key}: a count is a whole number of at least 1, not {value}")
    return float(value)


@dataclass(frozen=True)
class TargetBook:
    """The thresholds in force: the plan's defaults, and a province's own where it set them."""

    by_province: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def threshold(self, key: str, place_path: str | None = None) -> float:
        province = province_code(place_path) if place_path else None
        own = self.by_province.get(province or "", {})
        if key in own:
            return own[key]
        target = BY_KEY[key]
        if target.shared is not None and target.shared in own:
            return own[target.shared]
        return target.threshold

    def targets(
        self, span: Span, place_path: str | None = None, of: str = AREAS
    ) -> list[tuple[Target, float]]:
        """The targets judged in ``span`` with the threshold in force for the place, of the
        areas or (``of`` a unit kind: AGENCY, BUSINESS, SCHOOL) of that kind's units."""
        return [
            (target, self.threshold(target.key, place_path))
            for target in TARGETS
            if span in target.spans and target.of == of
        ]


def parse_overrides(text: str) -> dict[str, dict[str, float]]:
    """ "40:propaganda=0.85,recognised=0.75;01:models=2" → per province, per target."""
    overrides: dict[str, dict[str, float]] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        province, colon, items = part.partition(":")
        if not colon or not province.strip():
            raise BadTargets(f"{part.strip()!r}: write PROVINCE:target=value,…")
        own = overrides.setdefault(province.strip(), {})
        for item in items.split(","):
            key, equals, value = item.partition("=")
            if not equals:
                raise BadTargets(f"{item.strip()!r}: write target=value")
            try:
                number = float(value.strip().replace(",", "."))
            except ValueError:
                raise BadTargets(f"{item.strip()!r}: {value.strip()!r} is not a number") from None
            own[key.strip()] = checked(key.strip(), number)
    return overrides


def read_overrides_file(path: Path) -> dict[str, dict[str, float]]:
    """A TOML file of tables named by province code: ``[40]`` then ``propaganda = 0.85``."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise BadTargets(f"{path}: {error}") from None
    overrides: dict[str, dict[str, float]] = {}
    for province, table in document.items():
        if not isinstance(table, dict):
            raise BadTargets(f"{path}: [{province}] must be a table of target = value")
        overrides[str(province)] = {
            str(key): checked(str(key), float(value)) for key, value in table.items()
        }
    return overrides


def target_book(setting: str = "", file: Path | None = None) -> TargetBook:
    """The book from the settings: the file first, the setting's entries over it."""
    merged: dict[str, dict[str, float]] = {}
    sources = [read_overrides_file(file)] if file is not None else []
    sources.append(parse_overrides(setting))
    for source in sources:
        for province, own in source.items():
            merged.setdefault(province, {}).update(own)
    return TargetBook(merged)


DEFAULT_TARGETS = TargetBook()


def month_day(text: str) -> tuple[int, int]:
    """ "03-31" → (3, 31); the setting's form of a yearly deadline."""
    month, _, day = text.strip().partition("-")
    try:
        parsed = (int(month), int(day))
        date(2024, *parsed)  # a leap year, so that 02-29 is refused nowhere
    except ValueError:
        raise BadTargets(f"{text!r} is not a day of the year written MM-DD") from None
    return parsed


@dataclass(frozen=True)
class YearCalendar:
    """The movement's yearly deadlines (settings; local dates): registration for the
    "An toàn về ANTT" standard in quarter I, the residential areas' grades, the communes'
    grades, the 6-month and the yearly report (Nghệ An 2024, Decision 510/QĐ-BCA-V05)."""

    registration: tuple[int, int] = (3, 31)
    area_grades: tuple[int, int] = (11, 20)
    commune_grades: tuple[int, int] = (11, 30)
    half_year_report: tuple[int, int] = (6, 14)
    year_report: tuple[int, int] = (12, 14)

    def day(self, which: tuple[int, int], year: int) -> date:
        return date(year, *which)

    def registration_deadline(self, year: int) -> date:
        return self.day(self.registration, year)

    def assessed_year(self, today: date) -> int:
        """The year whose recognitions and grades are recorded on ``today``: the previous
        one in January and February (a year's review runs into the next), else this one."""
        return today.year - 1 if today.month <= 2 else today.year
