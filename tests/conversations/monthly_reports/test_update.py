"""The monthly update's calendar, its field list and the way amounts and counts are read."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from conversations.calendar import ReportCalendar, period_end
from conversations.monthly_reports import REPORT_FIELDS
from conversations.monthly_reports.fields import parse_amount
from conversations.parsing import ParseError
from storage.monthly_reports import FIGURE_COLUMNS

NGHE_AN_HAMLET = "/40/17662/17662-001/"


def test_the_stored_columns_are_the_updates_fields() -> None:
    assert sorted(FIGURE_COLUMNS) == sorted(REPORT_FIELDS)


def test_an_update_is_due_on_the_fifth_of_the_following_month() -> None:
    calendar = ReportCalendar()
    assert calendar.deadline("2026-10") == date(2026, 11, 5)
    assert calendar.deadline("2026-12") == date(2027, 1, 5)


def test_a_province_may_have_its_own_due_day() -> None:
    calendar = ReportCalendar(province_deadline_days={"40": 10})
    assert calendar.deadline("2026-10", NGHE_AN_HAMLET) == date(2026, 11, 10)
    assert calendar.deadline("2026-10", "/01/00004/") == date(2026, 11, 5)


def test_a_due_day_past_the_months_end_is_its_last_day() -> None:
    calendar = ReportCalendar(deadline_day=28, province_deadline_days={"40": 31})
    assert calendar.deadline("2027-01", NGHE_AN_HAMLET) == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("today", "period"),
    [
        (date(2026, 11, 1), "2026-10"),
        (date(2026, 11, 10), "2026-10"),  # the first ten days: last month, late after the 5th
        (date(2026, 11, 11), "2026-11"),
        (date(2026, 11, 30), "2026-11"),
        (date(2027, 1, 3), "2026-12"),
    ],
)
def test_leaders_file_last_month_during_the_first_days(today: date, period: str) -> None:
    assert ReportCalendar().period_for(today) == period


def test_a_later_province_deadline_keeps_last_month_open_until_it() -> None:
    calendar = ReportCalendar(province_deadline_days={"40": 15}, previous_month_days=3)
    assert calendar.period_for(date(2026, 11, 15), NGHE_AN_HAMLET) == "2026-10"
    assert calendar.period_for(date(2026, 11, 16), NGHE_AN_HAMLET) == "2026-11"
    assert calendar.is_late("2026-10", NGHE_AN_HAMLET, date(2026, 11, 16))


def test_the_last_day_of_a_period() -> None:
    assert period_end("2028-02") == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1500000", 1_500_000),
        ("1.500.000", 1_500_000),
        ("1.500.000 đồng", 1_500_000),
        ("1,5 triệu", 1_500_000),
        ("1.5tr", 1_500_000),
        ("2 trieu", 2_000_000),
        ("500k", 500_000),
        ("500 nghìn", 500_000),
        ("0", 0),
    ],
)
def test_amounts_are_read_the_way_people_write_them(text: str, amount: int) -> None:
    assert parse_amount(text) == amount


@pytest.mark.parametrize("text", ["abc", "5 con gà", "1.5.0tr"])
def test_what_is_not_an_amount_is_refused(text: str) -> None:
    with pytest.raises(ParseError):
        parse_amount(text)


@pytest.mark.parametrize(
    ("today", "latest_filed", "shown"),
    [
        (date(2026, 12, 7), "2026-11", "2026-11"),  # November is being filed (late now)
        (date(2026, 12, 7), None, "2026-11"),  # due, though nobody filed it yet
        (date(2026, 11, 20), "2026-10", "2026-11"),  # leaders file November from the 11th
        (date(2026, 12, 3), "2026-12", "2026-12"),  # a month already filed is shown
        (date(2026, 12, 3), "2027-01", "2026-11"),  # never a month still to come
    ],
)
def test_the_default_period_is_the_latest_due_or_filed(
    today: date, latest_filed: str | None, shown: str
) -> None:
    assert ReportCalendar().default_period(today, NGHE_AN_HAMLET, latest_filed) == shown


def test_an_update_is_correctable_until_its_deadline_or_hours_after_filing() -> None:
    calendar = ReportCalendar(correction_hours=48)
    # Filed on time, long before the deadline: until the end of 5 December (local).
    early = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    assert calendar.correctable_until("2026-11", None, early) == datetime(
        2026, 12, 5, 17, 0, tzinfo=UTC
    )
    # Filed two days late: 48 hours from then.
    late = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
    assert calendar.correctable_until("2026-11", None, late) == late + timedelta(hours=48)
