"""Times of day ("2h chiều", "14:30") and moments (a date and a time in either order,
as "8h sáng mai"), past or coming."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

from conversations.parsing.dates import coming_date, parse_date
from conversations.parsing.text import ParseError, fold

# Parts of the day, as folded words, and how they shift an hour on a 12-hour
# clock. "buổi" ("part of") may precede them.
_PERIODS = frozenset({"sang", "trua", "chieu", "toi", "dem", "khuya"})
_TIME_PREFIX = re.compile(r"^(?:(?:vao|luc|khoang|tam|gan)\s+)+")

_HOUR_MARK = r"(?:h|g|gio)"
_TIME_PATTERNS: tuple[re.Pattern[str], ...] = (
    # 14h30, 14h, 14 h 30, 14g30, 14 gio 30 phut, 2h ruoi (half past)
    re.compile(
        rf"(?P<h>[0-9]{{1,2}})\s*{_HOUR_MARK}"
        r"(?:\s*(?:(?P<m>[0-9]{1,2})\s*(?:phut|ph|p|')?|(?P<half>ruoi)))?",
    ),
    # 3h kem 15 (a quarter to three)
    re.compile(
        rf"(?P<h>[0-9]{{1,2}})\s*{_HOUR_MARK}\s*kem\s*(?P<to>[0-9]{{1,2}})\s*(?:phut|ph|p|')?",
    ),
    # 14:30, 14.30, 14:30:00
    re.compile(r"(?P<h>[0-9]{1,2})\s*[:.]\s*(?P<m>[0-9]{2})(?::[0-9]{2})?"),
    # 2pm, 2 p.m, 2:30pm, 11am
    re.compile(
        r"(?P<h>[0-9]{1,2})(?:\s*[:.h]\s*(?P<m>[0-9]{2}))?\s*(?P<ampm>a\.?m|p\.?m)\.?",
    ),
)
# A bare hour is only a time when a part of day says so: "2 chiều".
_BARE_HOUR = re.compile(r"(?P<h>[0-9]{1,2})")


def _apply_period(hour: int, period: str) -> int:
    """Turn a 12-hour clock reading plus a part of day into a 24-hour hour."""
    if period == "am":
        if not 1 <= hour <= 12:
            raise ParseError("bad_time")
        return 0 if hour == 12 else hour
    if period == "pm":
        if not 1 <= hour <= 12:
            raise ParseError("bad_time")
        return 12 if hour == 12 else hour + 12
    if period == "sang":
        if hour > 12:
            raise ParseError("bad_time")
        return hour
    if period == "trua":
        # Noon spans roughly 11:00-14:00, so "1h trưa" is 13:00.
        return hour + 12 if 1 <= hour <= 5 else hour
    if period == "chieu":
        if hour == 0:
            raise ParseError("bad_time")
        return hour + 12 if hour < 12 else hour
    # tối / đêm / khuya: "12 giờ đêm" is midnight and "2 giờ đêm" is 02:00,
    # while "10 giờ đêm" / "8 giờ tối" are evening hours.
    if hour == 12:
        return 0
    if period != "toi" and hour <= 5:
        return hour
    return hour + 12 if 1 <= hour <= 11 else hour


def _split_period(folded: str) -> tuple[str, str | None]:
    """Separate a leading or trailing part-of-day word ("chiều") from the clock text."""
    words = folded.split()
    if words and words[-1] in _PERIODS:
        period = words.pop()
        if words and words[-1] == "buoi":
            words.pop()
        return " ".join(words), period
    if words and words[0] == "buoi" and len(words) > 1 and words[1] in _PERIODS:
        return " ".join(words[2:]), words[1]
    if words and words[0] in _PERIODS:
        return " ".join(words[1:]), words[0]
    return folded, None


def parse_time(text: str) -> time:
    """Read a time of day: "14h30", "14:30", "2h chiều", "8 giờ tối", "2pm", "14.30".

    A bare number is rejected unless a part of day follows ("2 chiều"), since
    on its own it could be a count or a day. Reason: "bad_time".
    """
    folded = fold(text)
    if len(folded) > 40:
        raise ParseError("bad_time")
    folded = _TIME_PREFIX.sub("", folded)
    core, period = _split_period(folded)
    core = _TIME_PREFIX.sub("", core)

    match: re.Match[str] | None = None
    for pattern in _TIME_PATTERNS:
        match = pattern.fullmatch(core)
        if match is not None:
            break
    if match is None and period is not None:
        match = _BARE_HOUR.fullmatch(core)
    if match is None:
        raise ParseError("bad_time")

    groups = match.groupdict()
    hour = int(groups["h"])
    minute = int(groups["m"]) if groups.get("m") else 0
    if groups.get("half"):
        minute = 30
    if groups.get("to"):
        before = int(groups["to"])
        if not 1 <= before <= 59 or not 1 <= hour <= 24:
            raise ParseError("bad_time")
        hour, minute = hour - 1, 60 - before

    ampm = groups.get("ampm")
    if ampm is not None:
        if period is not None:
            raise ParseError("bad_time")
        hour = _apply_period(hour, ampm.replace(".", ""))
    elif period is not None:
        hour = _apply_period(hour, period)

    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ParseError("bad_time")
    return time(hour, minute)


@dataclass(frozen=True)
class Moment:
    """When something happened: a date, a time of day, or both."""

    date: date | None
    time: time | None


# Replies longer than this are not a moment; it also bounds the split search.
_MAX_MOMENT_WORDS = 12


def parse_moment(text: str, *, today: date) -> Moment:
    """Read a date, a time, or both in either order: "14h30 hôm qua", "20/11 14:30".

    A lone "20.11" is read as a date (20 November) rather than 20:11; "14.30"
    cannot be a date so it is a time. Dates may not be in the future.
    Reasons: "bad_moment", "future_date".
    """
    words = fold(text).split()
    if not words or len(words) > _MAX_MOMENT_WORDS:
        raise ParseError("bad_moment")
    whole = " ".join(words)
    saw_future = False

    try:
        return Moment(parse_date(whole, today=today), None)
    except ParseError as error:
        saw_future = error.reason == "future_date"
    try:
        return Moment(None, parse_time(whole))
    except ParseError:
        pass

    # Try every split into two contiguous parts, date-then-time and time-then-date.
    for cut in range(1, len(words)):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        for date_text, time_text in ((head, tail), (tail, head)):
            try:
                clock = parse_time(time_text)
            except ParseError:
                continue
            try:
                day = parse_date(date_text, today=today)
            except ParseError as error:
                saw_future = saw_future or error.reason == "future_date"
                continue
            return Moment(day, _borrow_period(clock, time_text, date_text))
    raise ParseError("future_date" if saw_future else "bad_moment")


def _borrow_period(clock: time, time_text: str, date_text: str) -> time:
    """Apply a part of day that ended up next to the date, as in "8h tối qua".

    The split search may hand "tối" to the date side, where it is ignored;
    "2h" then needs it back to become 20:00 rather than 02:00.
    """
    if _split_period(time_text)[1] is not None:
        return clock
    words = [word for word in date_text.split() if word != "buoi"]
    period = next((word for word in words if word in _PERIODS), None)
    if period is None:
        return clock
    try:
        return parse_time(f"{time_text} {period}")
    except ParseError:
        return clock


def parse_coming_moment(text: str, *, today: date, max_words: int = 12) -> tuple[date, time]:
    """ "08:00 01/07/2027", "1/7 lúc 8h", "8h sáng mai" → a day today or later and a time of
    day, in either order (local wall clock).

    Reasons: "needs_time" (a date alone), "needs_date" (a time alone), "past", "bad".
    """
    words = fold(text).replace(",", " ").split()
    if not words or len(words) > max_words:
        raise ParseError("bad")
    for cut in range(1, len(words)):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        for date_text, time_text in ((head, tail), (tail, head)):
            try:
                day = coming_date(date_text, today=today)
                clock = parse_time(time_text)
            except ParseError:
                continue
            if day < today:
                raise ParseError("past")
            return day, clock
    whole = " ".join(words)
    try:
        coming_date(whole, today=today)
    except ParseError as error:
        if error.reason == "future_date":
            raise ParseError("past") from None
    else:
        raise ParseError("needs_time")
    try:
        parse_time(whole)
    except ParseError:
        raise ParseError("bad") from None
    raise ParseError("needs_date")
