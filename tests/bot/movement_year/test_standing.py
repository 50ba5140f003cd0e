"""Where a place stands: the year's verdicts and figures against values computed by hand from
the harness's table, the chart's data and its PNG, and a province without data."""

from __future__ import annotations

import struct

import pytest

from bot.movement_year.chart import coverage_chart, render_png
from bot.movement_year.reads import place_standing
from bot.places import place_of
from conversations.movement_year import SpanOfYear, Standing, TargetStanding, Verdict
from conversations.movement_year.describe import describe_standing
from conversations.targets import Span, TargetBook
from storage.areas import area_by_code
from storage.database import Database
from tests.bot.movement_year.harness import TODAY, YEAR, seed_year
from tests.conversations.harness import CATALOGUES, t


def vi(key: str, **params: object) -> str:
    return CATALOGUES.text("vi", key, **params)


async def standing_of(
    database: Database, code: str, span: SpanOfYear, book: TargetBook | None = None
) -> Standing:
    async with database.transaction() as session:
        area = await area_by_code(session, code)
        assert area is not None
        if book is None:
            return await place_standing(session, place_of(area), span, TODAY)
        return await place_standing(session, place_of(area), span, TODAY, book=book)


def by_key(standing: Standing) -> dict[str, TargetStanding]:
    return {target.key: target for target in standing.targets}


async def test_a_communes_year_is_judged_target_by_target(database: Database) -> None:
    await seed_year(database)
    standing = await standing_of(database, "17662", SpanOfYear(Span.YEAR, YEAR))
    targets = by_key(standing)
    # Latest updates: 90/100, 60/80, 45/60 (June), 50/50; Thôn Năm (40 households) never filed:
    # over every area's households between 245/330 (74.2 %) and 285/330 (86.4 %).
    propaganda = targets["propaganda"]
    assert (propaganda.numerator, propaganda.denominator) == (245, 330)
    assert propaganda.figure == pytest.approx(245 / 330)
    assert propaganda.verdict is Verdict.UNKNOWN
    assert propaganda.missing == ("Thôn Năm",)
    # 2 of 5 registered, quarter I long over.
    assert (targets["registered"].numerator, targets["registered"].denominator) == (2, 5)
    assert targets["registered"].verdict is Verdict.NOT_MET
    # Thôn Một recognised, Thôn Hai not, three never registered: 1/5.
    assert targets["recognised"].figure == pytest.approx(0.2)
    assert targets["recognised"].verdict is Verdict.NOT_MET
    # One model, active in October (the 3 months ending in December).
    assert targets["models"].numerator == 1
    assert targets["models"].verdict is Verdict.MET
    # Grades: excellent, good, good, average, weak.
    assert targets["graded_average"].figure == pytest.approx(0.8)
    assert targets["graded_average"].verdict is Verdict.MET
    assert targets["graded_good"].figure == pytest.approx(0.6)
    assert targets["graded_good"].verdict is Verdict.MET
    assert targets["graded_excellent"].figure == pytest.approx(0.2)
    assert targets["graded_excellent"].verdict is Verdict.NOT_MET
    assert standing.never_filed == ("Thôn Năm",)


async def test_the_trend_counts_each_month_and_its_late_updates(database: Database) -> None:
    await seed_year(database)
    standing = await standing_of(database, "17662", SpanOfYear(Span.YEAR, YEAR))
    trend = {point.period: point for point in standing.trend}
    assert len(trend) == 12
    assert trend["2026-03"].filed == 4 and trend["2026-03"].late == 1  # Thôn Hai
    assert trend["2026-06"].coverage == pytest.approx(245 / 290)
    # From July Thôn Ba files no more: (90 + 60 + 50) / (100 + 80 + 50).
    assert trend["2026-08"].filed == 3
    assert trend["2026-08"].coverage == pytest.approx(200 / 230)
    assert trend["2026-11"].late == 1  # Thôn Bốn
    assert trend["2026-12"].coverage is None and trend["2026-12"].filed == 0


async def test_the_first_half_judges_only_its_targets(database: Database) -> None:
    await seed_year(database)
    targets = by_key(await standing_of(database, "17662", SpanOfYear(Span.HALF_YEAR, YEAR)))
    assert set(targets) == {"propaganda", "registered", "models"}
    # The model's only activity is in October: no model active in April–June.
    assert targets["models"].numerator == 0
    assert targets["models"].verdict is Verdict.NOT_MET


async def test_a_provinces_own_threshold_changes_the_verdict(database: Database) -> None:
    await seed_year(database)
    book = TargetBook({"40": {"graded_good": 0.7}})
    targets = by_key(await standing_of(database, "17662", SpanOfYear(Span.YEAR, YEAR), book))
    assert targets["graded_good"].threshold == 0.7
    assert targets["graded_good"].verdict is Verdict.NOT_MET  # 60 % < 70 %


async def test_a_province_counts_the_communes_that_use_the_bot(database: Database) -> None:
    await seed_year(database)
    standing = await standing_of(database, "40", SpanOfYear(Span.YEAR, YEAR))
    targets = by_key(standing)
    assert standing.units == 1  # Xã Lương Sơn has no residential area in the bot
    assert targets["models"].verdict is Verdict.MET  # 1 of 1 commune
    assert targets["graded_average"].figure is None  # no commune graded yet
    assert [bar.name for bar in standing.bars] == ["Xã Đô Lương"]


async def test_a_province_without_data_says_so_instead_of_zero(database: Database) -> None:
    await seed_year(database)
    standing = await standing_of(database, "01", SpanOfYear(Span.YEAR, YEAR))
    assert all(target.figure is None for target in standing.targets)
    assert all(target.verdict is Verdict.UNKNOWN for target in standing.targets)
    text = describe_standing(standing, vi, "vi")
    assert "chưa có số liệu" in text
    assert ": 0" not in text  # no figure is 0 % or 0 models


async def test_the_chart_shows_each_area_against_the_line(database: Database) -> None:
    await seed_year(database)
    standing = await standing_of(database, "17662", SpanOfYear(Span.YEAR, YEAR))
    chart = coverage_chart(standing, vi)
    # Lowest first, the area without data last.
    assert [(bar.label, bar.percent) for bar in chart.bars] == [
        ("Thôn Hai", pytest.approx(75.0)),
        ("Thôn Ba", pytest.approx(75.0)),
        ("Thôn Một", pytest.approx(90.0)),
        ("Thôn Bốn", pytest.approx(100.0)),
        ("Thôn Năm", None),
    ]
    assert chart.threshold_percent == pytest.approx(80.0)
    png = render_png(chart)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert width == 800  # a phone shows it at full width
    assert 250 <= height <= 1200
    assert 5_000 < len(png) < 500_000


async def test_the_chat_lines_name_each_targets_verdict(database: Database) -> None:
    await seed_year(database)
    standing = await standing_of(database, "17662", SpanOfYear(Span.YEAR, YEAR))
    text = describe_standing(standing, t, "vi")
    assert (
        t("year.title", place="Xã Đô Lương, Nghệ An", span=t("year.span.year", year=YEAR)) in text
    )
    assert "74,2% (245/330 hộ)" in text
    assert t("year.missing", names="Thôn Năm") in text
    assert "20,0% (1/5)" in text  # recognised
