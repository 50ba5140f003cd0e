"""The units' targets against hand-computed figures: agencies, businesses and schools judged
beside the areas, each kind against its own threshold (Bình Phước 31/KH-UBND: propaganda
≥ 90 % of staff and students, 100 % registered, 70 % recognised, a model in each, 80/50/30 %
graded at least "trung bình", "khá", "xuất sắc"), a province's own thresholds, and "chưa có
số liệu" where nothing was reported."""

from __future__ import annotations

from datetime import date

import pytest

from conversations.movement_year import SpanOfYear, TargetStanding, Verdict
from conversations.movement_year.standing import AreaYear, CommuneYear, Filing, PlaceYear, judge
from conversations.movement_year.units import HALF_YEAR_REPORT, YEAR_REPORT, Reach, UnitRecord
from conversations.targets import (
    DEFAULT_TARGETS,
    PROPAGANDA,
    Span,
    TargetBook,
    YearCalendar,
    target_book,
)

COMMUNE = "/40/17662/"
# The schools' targets (the units below are schools unless a test says otherwise).
UNIT_PROPAGANDA = "school_propaganda"
UNIT_REGISTERED = "school_registered"
UNIT_RECOGNISED = "school_recognised"
UNIT_MODELS = "school_models"
UNIT_GRADED_AVERAGE = "school_graded_average"
UNIT_GRADED_GOOD = "school_graded_good"
UNIT_GRADED_EXCELLENT = "school_graded_excellent"
YEAR = SpanOfYear(Span.YEAR, 2026)
HALF = SpanOfYear(Span.HALF_YEAR, 2026)
DECEMBER = date(2026, 12, 20)


def unit(name: str, people: int | None, kind: str = "school", **values: object) -> UnitRecord:
    reach = values.pop("reach", {})
    return UnitRecord(name, kind, people, reach, **values)  # type: ignore[arg-type]


# | unit | people | reach (report)      | registered | recognised | grade     | models |
# | A    |    800 | 760/800 (year)      | yes        | yes        | excellent | 1      |
# | B    |    500 | 400/500 (6 months)  | yes        | no         | good      | 0      |
# | C    |    100 | 95/100 (year)       | yes        | yes        | average   | 2      |
# | D    |    300 | –                   | no         | –          | weak      | 1      |
# | E    |     50 | –                   | yes        | –          | good      | 0      |
UNITS = (
    unit("A", 800, reach={YEAR_REPORT: Reach(760, 800)}, registered=True, recognised=True,
         grade="excellent", active_models=1),
    unit("B", 500, reach={HALF_YEAR_REPORT: Reach(400, 500)}, registered=True, recognised=False,
         grade="good"),
    unit("C", 100, reach={YEAR_REPORT: Reach(95, 100)}, registered=True, recognised=True,
         grade="average", active_models=2),
    unit("D", 300, grade="weak", active_models=1),
    unit("E", 50, registered=True, grade="good"),
)  # fmt: skip


def place(units: tuple[UnitRecord, ...], *areas: AreaYear) -> PlaceYear:
    communes = [CommuneYear("Xã Đô Lương", COMMUNE, 1)]
    return PlaceYear("Xã Đô Lương", "commune", COMMUNE, areas, communes, units)


def by_key(
    units: tuple[UnitRecord, ...],
    *areas: AreaYear,
    span: SpanOfYear = YEAR,
    book: TargetBook = DEFAULT_TARGETS,
) -> dict[str, TargetStanding]:
    standing = judge(place(units, *areas), span, DECEMBER, book, YearCalendar())
    return {target.key: target for target in standing.targets}


def test_each_unit_target_matches_the_hand_computed_figure() -> None:
    judged = by_key(UNITS)
    # Reached 760 + 400 + 95 = 1,255 of 800 + 500 + 100 = 1,400 reported, plus the 350 people
    # of D and E who reported nothing: a floor of 1,255/1,750 = 71.7 %; at most (1,255 + 350)
    # / 1,750 = 91.7 %, so the 90 % may still be met: unknown, D and E missing.
    propaganda = judged[UNIT_PROPAGANDA]
    assert (propaganda.numerator, propaganda.denominator) == (1255, 1750)
    assert propaganda.figure == pytest.approx(1255 / 1750)
    assert propaganda.threshold == 0.9 and propaganda.verdict is Verdict.UNKNOWN
    assert propaganda.missing == ("D", "E")
    # 4 of 5 registered, the quarter long over: 80 % < 100 %.
    registered = judged[UNIT_REGISTERED]
    assert (registered.numerator, registered.denominator, registered.verdict) == (
        4, 5, Verdict.NOT_MET,
    )  # fmt: skip
    # A and C recognised, B not, D not registered, E undecided: at most 3/5 = 60 % < 70 %.
    recognised = judged[UNIT_RECOGNISED]
    assert (recognised.numerator, recognised.denominator, recognised.verdict) == (
        2, 5, Verdict.NOT_MET,
    )  # fmt: skip
    # A, C and D keep a model: 3/5.
    models = judged[UNIT_MODELS]
    assert (models.numerator, models.denominator, models.verdict) == (3, 5, Verdict.NOT_MET)
    assert models.missing == ("B", "E")
    # Grades: at least average 4/5 = 80 % (met), at least good 3/5 = 60 % ≥ 50 % (met),
    # excellent 1/5 = 20 % < 30 % (not met).
    assert (judged[UNIT_GRADED_AVERAGE].numerator, judged[UNIT_GRADED_AVERAGE].verdict) == (
        4, Verdict.MET,
    )  # fmt: skip
    assert (judged[UNIT_GRADED_GOOD].numerator, judged[UNIT_GRADED_GOOD].verdict) == (
        3, Verdict.MET,
    )  # fmt: skip
    assert (judged[UNIT_GRADED_EXCELLENT].figure, judged[UNIT_GRADED_EXCELLENT].verdict) == (
        pytest.approx(0.2), Verdict.NOT_MET,
    )  # fmt: skip


def test_the_same_85_percent_meets_the_areas_target_and_not_the_units() -> None:
    area = AreaYear("Thôn Một", COMMUNE, 100, {"2026-11": Filing(100, 85, False)})
    school = unit("Trường THCS", 100, reach={YEAR_REPORT: Reach(85, 100)})
    judged = by_key((school,), area)
    assert judged[PROPAGANDA].figure == judged[UNIT_PROPAGANDA].figure == pytest.approx(0.85)
    assert judged[PROPAGANDA].verdict is Verdict.MET  # households: 80 %
    assert judged[UNIT_PROPAGANDA].verdict is Verdict.NOT_MET  # staff and students: 90 %


def test_a_province_sets_the_units_threshold_of_its_own() -> None:
    school = unit("Trường THCS", 100, reach={YEAR_REPORT: Reach(85, 100)})
    own = target_book("40:school_propaganda=0.8")
    judged = by_key((school,), book=own)
    assert judged[UNIT_PROPAGANDA].threshold == 0.8
    assert judged[UNIT_PROPAGANDA].verdict is Verdict.MET
    elsewhere = target_book("01:school_propaganda=0.8")
    assert by_key((school,), book=elsewhere)[UNIT_PROPAGANDA].verdict is Verdict.NOT_MET


def test_the_six_months_rest_on_the_six_month_report_only() -> None:
    school = unit("Trường", 100, reach={YEAR_REPORT: Reach(95, 100)})
    judged = by_key((school,), span=HALF)
    assert judged[UNIT_PROPAGANDA].figure is None  # no 6-month report: no figure
    assert UNIT_GRADED_GOOD not in judged  # grades are a year's matter


def test_units_that_reported_nothing_have_no_figure_and_a_place_without_units_no_lines() -> None:
    silent = (unit("A", 800), unit("B", None))
    judged = by_key(silent)
    for key in (UNIT_PROPAGANDA, UNIT_RECOGNISED, UNIT_GRADED_AVERAGE):
        assert judged[key].figure is None and judged[key].verdict is Verdict.UNKNOWN, key
    area = AreaYear("Thôn Một", COMMUNE, 100, {"2026-11": Filing(100, 85, False)})
    assert not any(key.startswith(("agency_", "business_", "school_")) for key in by_key((), area))


# | unit       | kind     | people | reach (year) | registered | recognised | grade     | models |
# | Sở Tư pháp | agency   |    100 | 95/100       | yes        | yes        | good      | 1      |
# | UBND xã    | agency   |     50 | 40/50        | yes        | no         | average   | 0      |
# | Công ty A  | business |    300 | 285/300      | yes        | yes        | excellent | 1      |
# | Công ty B  | business |    200 | –            | no         | –          | –         | 0      |
# | Trường X   | school   |    800 | 760/800      | yes        | yes        | excellent | 2      |
MIXED = (
    unit("Sở Tư pháp", 100, "agency", reach={YEAR_REPORT: Reach(95, 100)}, registered=True,
         recognised=True, grade="good", active_models=1),
    unit("UBND xã", 50, "agency", reach={YEAR_REPORT: Reach(40, 50)}, registered=True,
         recognised=False, grade="average"),
    unit("Công ty A", 300, "business", reach={YEAR_REPORT: Reach(285, 300)}, registered=True,
         recognised=True, grade="excellent", active_models=1),
    unit("Công ty B", 200, "business"),
    unit("Trường X", 800, reach={YEAR_REPORT: Reach(760, 800)}, registered=True,
         recognised=True, grade="excellent", active_models=2),
)  # fmt: skip


def test_each_kind_is_judged_over_its_own_units() -> None:
    judged = by_key(MIXED)
    figures = {
        key: (judged[key].numerator, judged[key].denominator, judged[key].verdict)
        for key in judged
        if key.startswith(("agency_", "business_", "school_"))
    }
    assert figures == {
        # Agencies: 135/150 = 90 % reached (met); 2/2 registered; 1/2 recognised = 50 % < 70 %;
        # 1/2 keep a model; graded ≥ average 2/2, ≥ good 1/2 = 50 % (met), excellent 0/2.
        "agency_propaganda": (135, 150, Verdict.MET),
        "agency_registered": (2, 2, Verdict.MET),
        "agency_recognised": (1, 2, Verdict.NOT_MET),
        "agency_models": (1, 2, Verdict.NOT_MET),
        "agency_graded_average": (2, 2, Verdict.MET),
        "agency_graded_good": (1, 2, Verdict.MET),
        "agency_graded_excellent": (0, 2, Verdict.NOT_MET),
        # Businesses: 285 of 300 reported + B's 200 silent: a floor of 57 %, at most 97 %:
        # unknown; 1/2 registered; A recognised, B not registered: 50 %; B ungraded: A's
        # excellent is 1 of 2 with 1 unknown, so ≥ average may still reach 100 %: unknown.
        "business_propaganda": (285, 500, Verdict.UNKNOWN),
        "business_registered": (1, 2, Verdict.NOT_MET),
        "business_recognised": (1, 2, Verdict.NOT_MET),
        "business_models": (1, 2, Verdict.NOT_MET),
        "business_graded_average": (1, 2, Verdict.UNKNOWN),
        "business_graded_good": (1, 2, Verdict.MET),
        "business_graded_excellent": (1, 2, Verdict.MET),
        # The school alone: 95 %, registered, recognised, 2 models, excellent.
        "school_propaganda": (760, 800, Verdict.MET),
        "school_registered": (1, 1, Verdict.MET),
        "school_recognised": (1, 1, Verdict.MET),
        "school_models": (1, 1, Verdict.MET),
        "school_graded_average": (1, 1, Verdict.MET),
        "school_graded_good": (1, 1, Verdict.MET),
        "school_graded_excellent": (1, 1, Verdict.MET),
    }
    assert judged["business_propaganda"].missing == ("Công ty B",)


def test_a_province_sets_one_kinds_threshold_and_the_others_keep_theirs() -> None:
    # Nghệ An asks its agencies for 85 % reached and 50 % recognised, nothing else changed.
    own = target_book("40:agency_propaganda=0.85,agency_recognised=0.5")
    judged = by_key(MIXED, book=own)
    assert judged["agency_propaganda"].threshold == 0.85
    assert judged["agency_recognised"].threshold == 0.5
    assert judged["agency_recognised"].verdict is Verdict.MET  # 1/2 = 50 %
    assert judged["business_recognised"].threshold == 0.7
    assert judged["business_recognised"].verdict is Verdict.NOT_MET  # 1/2 = 50 % < 70 %
    assert judged["school_propaganda"].threshold == 0.9


def test_a_kind_without_units_has_no_lines_and_a_silent_kind_no_figure() -> None:
    agencies_only = by_key((unit("Sở Tư pháp", 100, "agency"),))
    assert not any(key.startswith(("business_", "school_")) for key in agencies_only)
    for key in ("agency_propaganda", "agency_recognised", "agency_graded_good"):
        assert agencies_only[key].figure is None, key  # "chưa có số liệu"
        assert agencies_only[key].verdict is Verdict.UNKNOWN, key
