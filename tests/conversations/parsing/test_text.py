"""Folding text for matching, emoji-only answers, and the parsers' one error."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.parsing import (
    ParseError,
    fold,
    is_emoji_only,
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
