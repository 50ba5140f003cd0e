"""Verdicts by their bounds, on hand-made places: met only when even the floor reaches the
threshold, not met when even the ceiling falls short, unknown in between or without data."""

from __future__ import annotations

from datetime import date

import pytest

from conversations.movement_year import SpanOfYear, Verdict
from conversations.movement_year.standing import (
    AreaYear,
    CommuneYear,
    Filing,
    PlaceYear,
    judge,
    share_verdict,
)
from conversations.targets import DEFAULT_TARGETS, Span, YearCalendar

COMMUNE = "/40/17662/"


@pytest.mark.parametrize(
    ("yes", "no", "unknown", "verdict"),
    [
        (4, 1, 0, Verdict.MET),  # 80 % exactly
        (3, 1, 1, Verdict.UNKNOWN),  # 60 % to 80 %
        (3, 2, 0, Verdict.NOT_MET),
        (1, 2, 1, Verdict.NOT_MET),  # at most 50 %
        (0, 0, 5, Verdict.UNKNOWN),  # nothing known: no figure at all
    ],
)
def test_a_share_is_judged_by_its_floor_and_ceiling(
    yes: int, no: int, unknown: int, verdict: Verdict
) -> None:
    figure, judged = share_verdict(yes, no, unknown, 0.8)
    assert judged is verdict
    assert figure == (None if yes + no == 0 else yes / (yes + no + unknown))


def place(*areas: AreaYear) -> PlaceYear:
    return PlaceYear("Xã Đô Lương", "commune", COMMUNE, areas, [CommuneYear("Xã", COMMUNE, 0)])


def area(name: str, registered: bool = False, **filings: Filing) -> AreaYear:
    return AreaYear(
        name, COMMUNE, 100, {f"2026-{k[1:]}": v for k, v in filings.items()}, registered
    )


def test_in_quarter_one_an_unregistered_area_may_still_register() -> None:
    areas = (area("Một", True), area("Hai"), area("Ba", True))
    span = SpanOfYear(Span.MONTH, 2026, 2)
    february = judge(place(*areas), span, date(2026, 2, 20), DEFAULT_TARGETS, YearCalendar())
    registered = {target.key: target for target in february.targets}["registered"]
    assert registered.verdict is Verdict.UNKNOWN
    assert registered.missing == ("Hai",)
    april = judge(
        place(*areas),
        SpanOfYear(Span.MONTH, 2026, 4),
        date(2026, 4, 20),
        DEFAULT_TARGETS,
        YearCalendar(),
    )
    assert {t.key: t for t in april.targets}["registered"].verdict is Verdict.NOT_MET


def test_a_commune_without_an_active_model_misses_that_target() -> None:
    month = judge(
        place(area("Một", m05=Filing(100, 90, False))),
        SpanOfYear(Span.MONTH, 2026, 5),
        date(2026, 6, 10),
        DEFAULT_TARGETS,
        YearCalendar(),
    )
    targets = {target.key: target for target in month.targets}
    assert targets["models"].verdict is Verdict.NOT_MET
    assert targets["propaganda"].verdict is Verdict.MET  # 90 of 100, the only area
