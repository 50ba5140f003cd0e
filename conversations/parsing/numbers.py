"""Numbers as residents type them: "1.200", "hai", "không có"; and Vietnamese phone
numbers ("090 123 4567", "+84 90...")."""

from __future__ import annotations

import re
import unicodedata

from conversations.parsing.text import ParseError, fold

# Small number words residents type instead of digits, keyed by folded form.
# "không có" / "ko" answer "how many?" with "none".
_NUMBER_WORDS: dict[str, int] = {
    "khong": 0,
    "ko": 0,
    "khong co": 0,
    "ko co": 0,
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "muoi": 10,
}

_PLAIN_INT = re.compile(r"[+-]?[0-9]+")
# Thousand groups must use one separator consistently and have exactly three
# digits each, which is what makes "1.200" 1200 while "1.5" is rejected.
_GROUPED_INT = re.compile(r"[+-]?[0-9]{1,3}(?P<sep>[., ])[0-9]{3}(?:(?P=sep)[0-9]{3})*")

# Far beyond any count the bot asks for; also keeps int() clear of Python's
# 4300-digit conversion limit and of quadratic conversion cost.
_MAX_INT_DIGITS = 30


def parse_integer(text: str, *, minimum: int | None = 0, maximum: int | None = None) -> int:
    """Read a whole number such as "1.200", "1 200", "+5" or "không".

    "." "," and space are thousand separators (Vietnamese writes 1.200 for
    1200), so "1.5" is not an integer. Bounds are inclusive; ``None`` disables
    one. Reasons: "not_a_number", "too_small", "too_large".
    """
    normalised = " ".join(unicodedata.normalize("NFKC", text).split())
    # A trailing full stop or exclamation is punctuation, not a decimal mark.
    normalised = normalised.rstrip(".!?;: ")
    word_value = _NUMBER_WORDS.get(fold(normalised)) if len(normalised) < 40 else None
    if word_value is not None:
        value = word_value
    else:
        if _PLAIN_INT.fullmatch(normalised) is None and _GROUPED_INT.fullmatch(normalised) is None:
            raise ParseError("not_a_number")
        negative = normalised.startswith("-")
        digits = re.sub(r"[^0-9]", "", normalised).lstrip("0") or "0"
        if len(digits) > _MAX_INT_DIGITS:
            raise ParseError("too_small" if negative else "too_large")
        value = -int(digits) if negative else int(digits)
    if minimum is not None and value < minimum:
        raise ParseError("too_small")
    if maximum is not None and value > maximum:
        raise ParseError("too_large")
    return value


# Current Vietnamese mobile ranges (10 digits with the trunk 0):
# 032-039, 052/055/056/058/059, 070/076-079, 081-089, 090-099.
_MOBILE = re.compile(r"0(?:3[2-9]|5[25689]|7[06-9]|8[1-9]|9[0-9])[0-9]{7}")
# Landlines: 11 digits with an 02x area code (024 Hanoi, 028 Ho Chi Minh City...).
_LANDLINE = re.compile(r"02[0-9]{9}")
# Characters people use to group digits, including "(+84)".
_PHONE_DECORATION = re.compile(r"[\s.\-()/]")


def parse_phone(text: str) -> str:
    """Normalise a Vietnamese phone number to E.164, e.g. "0912 345 678" -> "+84912345678".

    Accepts national ("0912345678") and international ("+84 912 345 678",
    "84912345678", "0084...") forms, with spaces, dots, dashes or brackets.
    Only mobile and landline ranges pass; short codes (113/114/115), foreign
    numbers and anything else raise "bad_phone".
    """
    compact = _PHONE_DECORATION.sub("", unicodedata.normalize("NFKC", text))
    if not 9 <= len(compact) <= 16 or re.fullmatch(r"\+?[0-9]+", compact) is None:
        raise ParseError("bad_phone")

    if compact.startswith("+"):
        if not compact.startswith("+84"):
            raise ParseError("bad_phone")
        subscriber = compact[3:]
    elif compact.startswith("0084"):
        subscriber = compact[4:]
    elif compact.startswith("84") and len(compact) in (11, 12):
        subscriber = compact[2:]
    elif compact.startswith("0"):
        subscriber = compact[1:]
    else:
        raise ParseError("bad_phone")
    # "+84 0912..." repeats the trunk zero; tolerate it.
    if compact[0] != "0" or compact.startswith("0084"):
        subscriber = subscriber.removeprefix("0")

    national = "0" + subscriber
    if _MOBILE.fullmatch(national) is None and _LANDLINE.fullmatch(national) is None:
        raise ParseError("bad_phone")
    return "+84" + subscriber
