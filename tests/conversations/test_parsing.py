"""Tests for the lenient reply parsers in conversations.parsing."""

from __future__ import annotations

import contextlib
import re
import time as wallclock
import unicodedata
from collections.abc import Callable
from datetime import date, time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.parsing import (
    Moment,
    ParseError,
    fold,
    is_emoji_only,
    parse_coordinates,
    parse_date,
    parse_integer,
    parse_moment,
    parse_phone,
    parse_time,
)

TODAY = date(2026, 11, 23)


# ---------------------------------------------------------------------------
# ParseError
# ---------------------------------------------------------------------------


def test_parse_error_carries_reason_and_is_a_value_error() -> None:
    error = ParseError("bad_date")
    assert error.reason == "bad_date"
    assert isinstance(error, ValueError)
    assert str(error) == "bad_date"


# ---------------------------------------------------------------------------
# fold
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Không!! ", "khong"),
        ("Hôm  qua", "hom qua"),
        ("hom qua", "hom qua"),
        ("ĐƯỜNG Đê La Thành", "duong de la thanh"),
        ("đúng.", "dung"),
        ("Có ạ!", "co a"),
        ("?? có", "co"),
        ("  \t\n ", ""),
        ("", ""),
        ("“Có”", "co"),
        ("Không ...", "khong"),
        ("a, b", "a, b"),
        ("+5", "+5"),
        ("Ｋｈｏｎｇ", "khong"),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        (unicodedata.normalize("NFC", "Nguyễn"), unicodedata.normalize("NFD", "Nguyễn")),
        ("KHÔNG", "khong"),
    ],
)
def test_fold_equates_variants(first: str, second: str) -> None:
    assert fold(first) == fold(second)


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    once = fold(text)
    assert fold(once) == once


@given(st.text())
def test_fold_has_no_marks_or_uppercase(text: str) -> None:
    folded = fold(text)
    assert not any(unicodedata.combining(ch) for ch in folded)
    assert not any(unicodedata.category(ch) == "Mn" for ch in folded)
    # Category, not str.isupper(): emoji such as "🅰" are symbols that Unicode
    # flags Other_Uppercase yet have no lower-case form.
    assert not any(unicodedata.category(ch) in ("Lu", "Lt") for ch in folded)
    assert folded == folded.lower()
    assert folded == folded.strip()
    assert "  " not in folded


# ---------------------------------------------------------------------------
# is_emoji_only
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["👍", "😀😀", "❤️", "🙏🏻", " 👍 👍 ", "👨‍👩‍👧", "🇻🇳", "👍!"],
)
def test_is_emoji_only_true(text: str) -> None:
    assert is_emoji_only(text)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "ok", "ok 👍", "👍 5", "1️⃣", "khong", "!!", "Không 😀", "a"],
)
def test_is_emoji_only_false(text: str) -> None:
    assert not is_emoji_only(text)


# ---------------------------------------------------------------------------
# parse_integer
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1200", 1200),
        ("1.200", 1200),
        ("1,200", 1200),
        ("1 200", 1200),
        ("1.200.000", 1_200_000),
        ("1,200,000", 1_200_000),
        ("  42 ", 42),
        ("42.", 42),
        ("0", 0),
        ("007", 7),
        ("+5", 5),
        ("１２", 12),
        ("không", 0),
        ("khong", 0),
        ("Không!", 0),
        ("ko", 0),
        ("không có", 0),
        ("một", 1),
        ("mot", 1),
        ("hai", 2),
        ("ba", 3),
        ("bốn", 4),
        ("năm", 5),
        ("sáu", 6),
        ("bảy", 7),
        ("tám", 8),
        ("chín", 9),
        ("mười", 10),
        ("muoi", 10),
    ],
)
def test_parse_integer_accepts(text: str, expected: int) -> None:
    assert parse_integer(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "1.5",
        "1,5",
        "12abc",
        "abc",
        "1.20",
        "1.2000",
        "1.200,000",
        "12 người",
        "--5",
        "5-",
        "0x10",
        "1e3",
        "١٢",
        "a" * 10_000,
    ],
)
def test_parse_integer_rejects_not_a_number(text: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_integer(text)
    assert caught.value.reason == "not_a_number"


@pytest.mark.parametrize(
    ("text", "minimum", "maximum", "reason"),
    [
        ("-5", 0, None, "too_small"),
        ("3", 5, None, "too_small"),
        ("101", 0, 100, "too_large"),
        ("1.000.000", 0, 999_999, "too_large"),
        ("mười", 0, 5, "too_large"),
        ("không", 1, None, "too_small"),
    ],
)
def test_parse_integer_bounds(
    text: str, minimum: int | None, maximum: int | None, reason: str
) -> None:
    with pytest.raises(ParseError) as caught:
        parse_integer(text, minimum=minimum, maximum=maximum)
    assert caught.value.reason == reason


def test_parse_integer_bounds_can_be_disabled() -> None:
    assert parse_integer("-5", minimum=None) == -5
    assert parse_integer("5", minimum=5, maximum=5) == 5


def test_parse_integer_huge_input_is_fast_and_too_large() -> None:
    started = wallclock.monotonic()
    with pytest.raises(ParseError) as caught:
        parse_integer("9" * 10_000)
    assert caught.value.reason == "too_large"
    with pytest.raises(ParseError):
        parse_integer("1." + "000." * 3000 + "000")
    assert wallclock.monotonic() - started < 1.0


@given(st.integers(min_value=0, max_value=10**12))
def test_parse_integer_reads_vietnamese_thousands(number: int) -> None:
    assert parse_integer(format(number, ",").replace(",", ".")) == number


@given(st.integers(min_value=0, max_value=10**12))
def test_parse_integer_reads_plain_digits(number: int) -> None:
    assert parse_integer(str(number)) == number


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
    with pytest.raises(ParseError) as caught:
        parse_date(text, today=TODAY)
    assert caught.value.reason == reason


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
    with pytest.raises(ParseError) as caught:
        parse_time(text)
    assert caught.value.reason == "bad_time"


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
    with pytest.raises(ParseError) as caught:
        parse_moment(text, today=TODAY)
    assert caught.value.reason == reason


# ---------------------------------------------------------------------------
# parse_phone
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0912345678", "+84912345678"),
        ("0912 345 678", "+84912345678"),
        ("0912.345.678", "+84912345678"),
        ("0912-345-678", "+84912345678"),
        ("+84912345678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("+84 912 345 678", "+84912345678"),
        ("(+84) 912345678", "+84912345678"),
        ("+84 0912 345 678", "+84912345678"),
        ("0084912345678", "+84912345678"),
        ("  0912345678 ", "+84912345678"),
        ("0321234567", "+84321234567"),
        ("0391234567", "+84391234567"),
        ("0521234567", "+84521234567"),
        ("0591234567", "+84591234567"),
        ("0701234567", "+84701234567"),
        ("0761234567", "+84761234567"),
        ("0811234567", "+84811234567"),
        ("0891234567", "+84891234567"),
        ("0901234567", "+84901234567"),
        ("0991234567", "+84991234567"),
        ("024 3826 9999", "+842438269999"),
        ("028 3829 1234", "+842838291234"),
        ("(024) 38269999", "+842438269999"),
        ("+84 24 3826 9999", "+842438269999"),
    ],
)
def test_parse_phone_accepts(text: str, expected: str) -> None:
    assert parse_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "113",
        "114",
        "115",
        "091234567",
        "09123456789",
        "0112345678",
        "0212345678",
        "0312345678",
        "0512345678",
        "0711234567",
        "0801234567",
        "0612345678",
        "0412345678",
        "0243826999",
        "+1 415 555 2671",
        "+14155552671",
        "+44 20 7946 0958",
        "0912abc678",
        "không có",
        "912345678",
        "0912345678 hoặc 0987654321",
        "1" * 10_000,
    ],
)
def test_parse_phone_rejects(text: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_phone(text)
    assert caught.value.reason == "bad_phone"


@given(
    st.sampled_from(["03", "05", "07", "08", "09", "02", "+84", "84", "0084", ""]),
    st.text(alphabet="0123456789 .-()", max_size=14),
)
def test_parse_phone_output_is_e164(prefix: str, rest: str) -> None:
    try:
        result = parse_phone(prefix + rest)
    except ParseError:
        return
    assert re.fullmatch(r"\+84\d{9,10}", result)


# ---------------------------------------------------------------------------
# parse_coordinates
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21.0285, 105.8542", (21.0285, 105.8542)),
        ("21.0285,105.8542", (21.0285, 105.8542)),
        ("21.0285 105.8542", (21.0285, 105.8542)),
        ("-33.8688, 151.2093", (-33.8688, 151.2093)),
        ("Chỗ tôi ở 21.0285, 105.8542 nhé", (21.0285, 105.8542)),
        ("https://maps.google.com/?q=21.0285,105.8542", (21.0285, 105.8542)),
        ("https://www.google.com/maps/@21.0285,105.8542,17z", (21.0285, 105.8542)),
        (
            "https://www.google.com/maps/place/Hoan+Kiem/@21.0285,105.8542,17z/data=x",
            (21.0285, 105.8542),
        ),
        ("geo:21.0285,105.8542", (21.0285, 105.8542)),
        ("geo:21.0285,105.8542?z=17", (21.0285, 105.8542)),
        ("https://maps.apple.com/?ll=21.0285,105.8542", (21.0285, 105.8542)),
        ("https://www.google.com/maps?q=21.0285%2C105.8542", (21.0285, 105.8542)),
        (
            "https://www.openstreetmap.org/#map=17/21.0285/105.8542",
            (21.0285, 105.8542),
        ),
    ],
)
def test_parse_coordinates_finds(text: str, expected: tuple[float, float]) -> None:
    assert parse_coordinates(text) == pytest.approx(expected)


def test_parse_coordinates_reads_degrees_minutes_seconds() -> None:
    result = parse_coordinates("21°01'42.6\"N 105°51'15.1\"E")
    assert result == pytest.approx((21.0285, 105.8542), abs=1e-4)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "không biết",
        "1,200",
        "1.200, 5",
        "12, 34",
        "https://maps.app.goo.gl/abcdEFGH",
        "91.0, 105.0",
        "-90.5, 105.0",
        "21.0, 180.5",
        "geo:95.0,10.0",
        "https://www.google.com/maps/@21.0285,190.8542,17z",
    ],
)
def test_parse_coordinates_none(text: str) -> None:
    assert parse_coordinates(text) is None


def test_parse_coordinates_accepts_edge_of_range() -> None:
    assert parse_coordinates("geo:-90,180") == (-90.0, 180.0)
    assert parse_coordinates("90.0, -180.0") == (90.0, -180.0)


# ---------------------------------------------------------------------------
# Robustness on arbitrary text
# ---------------------------------------------------------------------------

_PARSERS: list[Callable[[str], Any]] = [
    fold,
    is_emoji_only,
    parse_integer,
    lambda text: parse_integer(text, minimum=None, maximum=100),
    lambda text: parse_date(text, today=TODAY),
    lambda text: parse_date(text, today=TODAY, allow_future=True),
    parse_time,
    lambda text: parse_moment(text, today=TODAY),
    parse_phone,
    parse_coordinates,
]


@given(st.text())
def test_parsers_only_raise_parse_error(text: str) -> None:
    for parser in _PARSERS:
        with contextlib.suppress(ParseError):
            parser(text)


# Text built from the characters the parsers actually look at, so Hypothesis
# explores near-misses rather than mostly-irrelevant Unicode.
_NEAR_MISS = st.text(
    alphabet="0123456789 ./-:,+hHgG()apmPM@?=qgeoóáđĐkhôngqua" + "°'\"NSEW",
    max_size=40,
)


@given(_NEAR_MISS)
def test_parsers_only_raise_parse_error_on_near_misses(text: str) -> None:
    for parser in _PARSERS:
        with contextlib.suppress(ParseError):
            parser(text)


@given(_NEAR_MISS)
def test_parse_phone_output_always_e164(text: str) -> None:
    try:
        result = parse_phone(text)
    except ParseError:
        return
    assert re.fullmatch(r"\+84\d{9,10}", result)


@given(_NEAR_MISS)
def test_parse_coordinates_in_range(text: str) -> None:
    result = parse_coordinates(text)
    if result is not None:
        lat, lon = result
        assert -90 <= lat <= 90
        assert -180 <= lon <= 180
