"""Every parser on arbitrary text: it answers or raises ParseError, nothing else."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from conversations.parsing import (
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
