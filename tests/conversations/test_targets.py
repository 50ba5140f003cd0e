"""The plan's targets as data: a province's own thresholds from the setting or a file, checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from conversations.targets import (
    DEFAULT_TARGETS,
    BadTargets,
    Span,
    parse_overrides,
    target_book,
)


def test_the_plans_defaults() -> None:
    shown = {target.key: threshold for target, threshold in DEFAULT_TARGETS.targets(Span.YEAR)}
    assert shown == {
        "propaganda": 0.8,
        "registered": 1.0,
        "recognised": 0.7,
        "models": 1,
        "graded_average": 0.8,
        "graded_good": 0.5,
        "graded_excellent": 0.3,
    }
    half_year = [target.key for target, _ in DEFAULT_TARGETS.targets(Span.HALF_YEAR)]
    assert half_year == ["propaganda", "registered", "models"]


def test_a_province_sets_its_own_and_the_others_keep_the_plans(tmp_path: Path) -> None:
    file = tmp_path / "targets.toml"
    file.write_text("[40]\npropaganda = 0.85\nrecognised = 0.75\n", encoding="utf-8")
    book = target_book("40:recognised=0.8;01:models=2", file)
    assert book.threshold("propaganda", "/40/17662/") == 0.85
    assert book.threshold("recognised", "/40/") == 0.8  # the setting wins over the file
    assert book.threshold("models", "/01/00004/") == 2
    assert book.threshold("propaganda", "/01/") == 0.8


@pytest.mark.parametrize(
    ("setting", "reason"),
    [
        ("40:propaganda=85", "a share is above 0 and at most 1"),
        ("40:models=1.5", "a count is a whole number"),
        ("40:coverage=0.8", "unknown target 'coverage'"),
        ("propaganda=0.8", "write PROVINCE:target=value"),
        ("40:propaganda=nhieu", "is not a number"),
    ],
)
def test_a_wrong_override_is_refused_with_its_reason(setting: str, reason: str) -> None:
    with pytest.raises(BadTargets, match=reason):
        parse_overrides(setting)


@pytest.mark.parametrize("kind", ["agency", "business", "school"])
def test_each_kind_of_unit_has_the_plans_defaults_of_its_own(kind: str) -> None:
    shown = {
        target.key: threshold for target, threshold in DEFAULT_TARGETS.targets(Span.YEAR, of=kind)
    }
    assert shown == {
        f"{kind}_propaganda": 0.9,
        f"{kind}_registered": 1.0,
        f"{kind}_recognised": 0.7,
        f"{kind}_models": 1,
        f"{kind}_graded_average": 0.8,
        f"{kind}_graded_good": 0.5,
        f"{kind}_graded_excellent": 0.3,
    }
    # A unit's reach is reported for the 6-month report: judged then, but not monthly.
    half_year = [target.key for target, _ in DEFAULT_TARGETS.targets(Span.HALF_YEAR, of=kind)]
    assert half_year == [f"{kind}_propaganda", f"{kind}_registered", f"{kind}_models"]
    month = [target.key for target, _ in DEFAULT_TARGETS.targets(Span.MONTH, of=kind)]
    assert month == [f"{kind}_registered", f"{kind}_models"]


def test_a_province_sets_a_kinds_threshold_or_all_kinds_at_once(tmp_path: Path) -> None:
    file = tmp_path / "targets.toml"
    file.write_text("[40]\nschool_propaganda = 0.95\nunit_recognised = 0.6\n", encoding="utf-8")
    book = target_book("40:business_recognised=0.5,agency_models=2", file)
    assert book.threshold("school_propaganda", "/40/17662/") == 0.95
    assert book.threshold("agency_propaganda", "/40/17662/") == 0.9  # the plan's
    # "unit_recognised" sets the three kinds; a kind's own key wins over it.
    assert book.threshold("agency_recognised", "/40/") == 0.6
    assert book.threshold("school_recognised", "/40/") == 0.6
    assert book.threshold("business_recognised", "/40/") == 0.5
    assert book.threshold("agency_models", "/40/") == 2
    assert book.threshold("school_recognised", "/01/") == 0.7  # another province: the plan's
    with pytest.raises(BadTargets, match="a share is above 0"):
        parse_overrides("40:school_graded_good=50")
