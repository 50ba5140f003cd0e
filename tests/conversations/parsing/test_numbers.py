"""Integers as residents type them, and phone numbers."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.parsing import (
    ParseError,
    parse_integer,
    parse_phone,
)
from tests.conversations.harness import refusal

TODAY = date(2026, 11, 23)


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
    assert refusal(parse_integer, text) == "not_a_number"


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
    assert refusal(parse_integer, text, minimum=minimum, maximum=maximum) == reason


def test_parse_integer_bounds_can_be_disabled() -> None:
    assert parse_integer("-5", minimum=None) == -5
    assert parse_integer("5", minimum=5, maximum=5) == 5


def test_parse_integer_huge_input_is_too_large() -> None:
    # How fast it gives up is measured by ``make bench``, not asserted here.
    assert refusal(parse_integer, "9" * 10_000) == "too_large"
    with pytest.raises(ParseError):
        parse_integer("1." + "000." * 3000 + "000")


@given(st.integers(min_value=0, max_value=10**12))
def test_parse_integer_reads_vietnamese_thousands(number: int) -> None:
    assert parse_integer(format(number, ",").replace(",", ".")) == number


@given(st.integers(min_value=0, max_value=10**12))
def test_parse_integer_reads_plain_digits(number: int) -> None:
    assert parse_integer(str(number)) == number


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
    assert refusal(parse_phone, text) == "bad_phone"


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
