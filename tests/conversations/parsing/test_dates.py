"""Dates, times of day and moments as residents type them."""

from __future__ import annotations

from datetime import date, time

import pytest

from conversations.parsing import (
    Moment,
    parse_date,
    parse_moment,
    parse_time,
)
from tests.conversations.harness import refusal

TODAY = date(2026, 11, 23)


# ---------------------------------------------------------------------------
# parse_date
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20/11/2026", date(2026, 11, 20)),
        ("5/1/2026", date(2026, 1, 5)),
        ("05/01/2026", date(2026, 1, 5)),
        ("20-11-2026", date(2026, 11, 20)),
        ("20.11.2026", date(2026, 11, 20)),
        ("20 / 11 / 2026", date(2026, 11, 20)),
        ("20/11/26", date(2026, 11, 20)),
        ("2026-11-20", date(2026, 11, 20)),
        ("29/2/2024", date(2024, 2, 29)),
        ("5/11", date(2026, 11, 5)),
        ("23/11", date(2026, 11, 23)),
        ("24/11", date(2025, 11, 24)),
        ("31/12", date(2025, 12, 31)),
        ("29/2", date(2024, 2, 29)),
        ("hôm nay", TODAY),
        ("hom nay", TODAY),
        ("Hôm nay!", TODAY),
        ("today", TODAY),
        ("nay", TODAY),
        ("hôm qua", date(2026, 11, 22)),
        ("hom qua", date(2026, 11, 22)),
        ("yesterday", date(2026, 11, 22)),
        ("qua", date(2026, 11, 22)),
        ("hôm kia", date(2026, 11, 21)),
        ("hom kia", date(2026, 11, 21)),
        ("tối qua", date(2026, 11, 22)),
        ("ngày 5/11", date(2026, 11, 5)),
        ("ngay 5 thang 11", date(2026, 11, 5)),
        ("5 tháng 11 năm 2026", date(2026, 11, 5)),
        ("ngày 5 tháng 11 năm 2025", date(2025, 11, 5)),
        ("5 thang 11, 2026", date(2026, 11, 5)),
    ],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24/11", date(2026, 11, 24)),
        ("1/1/2027", date(2027, 1, 1)),
        ("hôm nay", TODAY),
    ],
)
def test_parse_date_allow_future(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY, allow_future=True) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "bad_date"),
        ("abc", "bad_date"),
        ("31/02/2026", "bad_date"),
        ("31/2", "bad_date"),
        ("29/2/2026", "bad_date"),
        ("32/1/2026", "bad_date"),
        ("1/13/2026", "bad_date"),
        ("0/1/2026", "bad_date"),
        ("20/11/1066", "bad_date"),
        ("2026-13-01", "bad_date"),
        ("20112026", "bad_date"),
        ("14h30", "bad_date"),
        ("ngày mai", "bad_date"),
        ("24/11/2026", "future_date"),
        ("1/1/2027", "future_date"),
        ("2027-01-01", "future_date"),
    ],
)
def test_parse_date_rejects(text: str, reason: str) -> None:
    assert refusal(parse_date, text, today=TODAY) == reason


# ---------------------------------------------------------------------------
# parse_time
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14h30", time(14, 30)),
        ("14h", time(14, 0)),
        ("14 h 30", time(14, 30)),
        ("14H30", time(14, 30)),
        ("14:30", time(14, 30)),
        ("14g30", time(14, 30)),
        ("14 giờ 30 phút", time(14, 30)),
        ("14h30p", time(14, 30)),
        ("14.30", time(14, 30)),
        ("0h", time(0, 0)),
        ("23:59", time(23, 59)),
        ("2h chiều", time(14, 0)),
        ("2h chieu", time(14, 0)),
        ("2 chiều", time(14, 0)),
        ("2h30 chiều", time(14, 30)),
        ("chiều 2h", time(14, 0)),
        ("9h sáng", time(9, 0)),
        ("9h sang", time(9, 0)),
        ("9h buổi sáng", time(9, 0)),
        ("8 giờ tối", time(20, 0)),
        ("8 gio toi", time(20, 0)),
        ("10h đêm", time(22, 0)),
        ("10h dem", time(22, 0)),
        ("2h đêm", time(2, 0)),
        ("12h đêm", time(0, 0)),
        ("12h trưa", time(12, 0)),
        ("12h trua", time(12, 0)),
        ("1h trưa", time(13, 0)),
        ("14h chiều", time(14, 0)),
        ("2pm", time(14, 0)),
        ("2 PM", time(14, 0)),
        ("2:30pm", time(14, 30)),
        ("2 p.m.", time(14, 0)),
        ("11am", time(11, 0)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("lúc 14h30", time(14, 30)),
        ("khoảng 9h sáng", time(9, 0)),
        ("2h rưỡi", time(2, 30)),
        ("3h kém 15", time(2, 45)),
    ],
)
def test_parse_time_accepts(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "25h",
        "24h",
        "14:61",
        "14h60",
        "14",
        "14 30",
        "13pm",
        "0am",
        "20h sáng",
        "0h chiều",
        "2pm chiều",
        "14:3",
        "hôm qua",
        "9" * 1000,
    ],
)
def test_parse_time_rejects(text: str) -> None:
    assert refusal(parse_time, text) == "bad_time"


# ---------------------------------------------------------------------------
# parse_moment
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14h30 hôm qua", Moment(date(2026, 11, 22), time(14, 30))),
        ("hom qua 14h30", Moment(date(2026, 11, 22), time(14, 30))),
        ("20/11 14:30", Moment(date(2026, 11, 20), time(14, 30))),
        ("14:30 20/11/2026", Moment(date(2026, 11, 20), time(14, 30))),
        ("20/11, 14:30", Moment(date(2026, 11, 20), time(14, 30))),
        ("14h30 ngày 20/11", Moment(date(2026, 11, 20), time(14, 30))),
        ("20/11 lúc 14h30", Moment(date(2026, 11, 20), time(14, 30))),
        ("9h sáng nay", Moment(TODAY, time(9, 0))),
        ("10h đêm hôm kia", Moment(date(2026, 11, 21), time(22, 0))),
        ("2h chiều 5 tháng 11", Moment(date(2026, 11, 5), time(14, 0))),
        ("hôm nay", Moment(TODAY, None)),
        ("20/11/2026", Moment(date(2026, 11, 20), None)),
        ("20.11", Moment(date(2026, 11, 20), None)),
        ("21h", Moment(None, time(21, 0))),
        ("14.30", Moment(None, time(14, 30))),
        ("8 giờ tối", Moment(None, time(20, 0))),
        ("tối qua 8h", Moment(date(2026, 11, 22), time(20, 0))),
        ("8h tối qua", Moment(date(2026, 11, 22), time(20, 0))),
        ("sáng nay 9h", Moment(TODAY, time(9, 0))),
        ("2pm tối qua", Moment(date(2026, 11, 22), time(14, 0))),
    ],
)
def test_parse_moment_accepts(text: str, expected: Moment) -> None:
    assert parse_moment(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "bad_moment"),
        ("abc", "bad_moment"),
        ("không rõ", "bad_moment"),
        ("14h30 abc", "bad_moment"),
        ("31/2 14h", "bad_moment"),
        ("14h 25h", "bad_moment"),
        ("hôm qua hôm nay", "bad_moment"),
        ("lorem " * 50, "bad_moment"),
        ("24/11/2026", "future_date"),
        ("14h30 1/1/2027", "future_date"),
        ("2027-01-01 9h", "future_date"),
    ],
)
def test_parse_moment_rejects(text: str, reason: str) -> None:
    assert refusal(parse_moment, text, today=TODAY) == reason
