"""Dates as residents type them: "5/11", "hôm qua", "ngày 5 tháng 11"; and a coming date
("mai", "1/7" typed in November is next July)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from conversations.parsing.text import ParseError, fold

_RELATIVE_DAYS: dict[str, int] = {
    "hom nay": 0,
    "nay": 0,
    "bua nay": 0,
    "today": 0,
    "hom qua": 1,
    "qua": 1,
    "bua qua": 1,
    "yesterday": 1,
    "hom kia": 2,
    "kia": 2,
    "bua kia": 2,
}

# Filler words residents put before a date: "ngày 5/11", "vào hôm qua",
# "tối qua" (a part of day; the date is what we keep).
_DATE_PREFIX = re.compile(
    r"^(?:(?:vao|luc|ngay|buoi|sang|trua|chieu|toi|dem|khuya)\s+)+",
)
_ISO_DATE = re.compile(r"(?P<y>[0-9]{4})\s*([-/.])\s*(?P<m>[0-9]{1,2})\s*\2\s*(?P<d>[0-9]{1,2})")
_DMY_DATE = re.compile(
    r"(?P<d>[0-9]{1,2})\s*[/.-]\s*(?P<m>[0-9]{1,2})"
    r"(?:\s*[/.-]\s*(?P<y>[0-9]{4}|[0-9]{2}))?",
)
_WORDY_DATE = re.compile(
    r"(?P<d>[0-9]{1,2})\s*(?:thang|th|t)\s*(?P<m>[0-9]{1,2})"
    r"(?:\s*(?:,\s*)?(?:nam|/|-)?\s*(?P<y>[0-9]{4}|[0-9]{2}))?",
)

_MIN_YEAR = 1900
_MAX_YEAR = 2100


def _make_date(year: int, month: int, day: int) -> date:
    """Build a date or raise "bad_date" for impossible ones like 31/02."""
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ParseError("bad_date")
    try:
        return date(year, month, day)
    except ValueError:
        raise ParseError("bad_date") from None


def parse_date(text: str, *, today: date, allow_future: bool = False) -> date:
    """Read a calendar date: "20/11/2026", "5/11", "2026-11-20", "hôm qua", "5 tháng 11".

    A date without a year is taken in ``today``'s year, or the year before when
    that would be in the future and future dates are not allowed (residents
    report things that already happened). Two-digit years mean 20yy.
    Reasons: "bad_date", "future_date".
    """
    folded = fold(text)
    if len(folded) > 60:
        raise ParseError("bad_date")
    folded = _DATE_PREFIX.sub("", folded)

    offset = _RELATIVE_DAYS.get(folded)
    if offset is not None:
        return today - timedelta(days=offset)

    match = _ISO_DATE.fullmatch(folded)
    if match is None:
        match = _DMY_DATE.fullmatch(folded) or _WORDY_DATE.fullmatch(folded)
    if match is None:
        raise ParseError("bad_date")

    day, month = int(match["d"]), int(match["m"])
    year_text = match["y"]
    if year_text is None:
        # Validate the day/month on a leap year first so 29/02 is not called
        # impossible merely because this year lacks it.
        _make_date(2000, month, day)
        for year in (today.year, today.year - 1, today.year - 2, today.year - 3):
            try:
                candidate = date(year, month, day)
            except ValueError:
                continue
            if allow_future or candidate <= today:
                return candidate
        raise ParseError("bad_date")

    year = int(year_text)
    if len(year_text) == 2:
        year += 2000
    result = _make_date(year, month, day)
    if result > today and not allow_future:
        raise ParseError("future_date")
    return result


# -- a coming date: today or later ---------------------------------------------------------

_COMING_DAYS = {"hom nay": 0, "nay": 0, "today": 0, "mai": 1, "ngay mai": 1, "tomorrow": 1}
_COMING_DAYS |= {"ngay kia": 2, "mot": 2}
_YEAR_GIVEN = re.compile(r"[0-9]{4}|[0-9]{1,2}\s*[/.-]\s*[0-9]{1,2}\s*[/.-]\s*[0-9]{2}\b|nam")


EXAMPLE_DAYS_AHEAD = 7


def example_day(today: date) -> date:
    """The day an example of a coming date shows: a week ahead, so it is never past."""
    return today + timedelta(days=EXAMPLE_DAYS_AHEAD)


def coming_date(text: str, *, today: date) -> date:
    """A date on or after ``today``; a date without its year is the next such day."""
    folded = fold(text)
    if folded in _COMING_DAYS:
        return today + timedelta(days=_COMING_DAYS[folded])
    found = parse_date(text, today=today, allow_future=True)
    # "1/7" typed in November means next July; "hôm qua" stays in the past.
    if found < today and re.search(r"[0-9]", folded) and not _YEAR_GIVEN.search(folded):
        try:
            found = found.replace(year=found.year + 1)
        except ValueError:  # 29/02 of a year without it
            raise ParseError("bad_date") from None
    return found
