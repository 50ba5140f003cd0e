"""Lenient parsers for what residents type into the bot.

Residents answer on cheap phones, frequently without Vietnamese diacritics, with
their own habits for numbers ("1.200" is one thousand two hundred), dates
("5/11", "hôm qua") and times ("2h chiều"). The conversation engine's field kinds
call these pure functions to turn such replies into typed values.

Nothing here is user-facing: every failure raises :class:`ParseError` carrying a
short machine code in ``reason``; the engine maps codes to translated messages.
Only the standard library is used so the module stays trivially testable.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time, timedelta

__all__ = [
    "Moment",
    "ParseError",
    "coming_date",
    "fold",
    "is_emoji_only",
    "parse_coming_moment",
    "parse_coordinates",
    "parse_date",
    "parse_integer",
    "parse_moment",
    "parse_phone",
    "parse_time",
]


class ParseError(ValueError):
    """A reply could not be turned into a value; ``reason`` says why, as a code."""

    reason: str

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# ---------------------------------------------------------------------------
# Text folding
# ---------------------------------------------------------------------------

# Characters that NFKD does not decompose but that residents use for "d":
# đ/Đ, plus the look-alike eth (Ð) and African D (Ɖ) some keyboards produce.
_D_LIKE = str.maketrans({"đ": "d", "ð": "d", "ɖ": "d"})

# Punctuation that decorates an answer ("Không!!", "ok.", "“có”") without
# changing its meaning. "+" and "-" are deliberately absent: they carry signs.
_EDGE_PUNCTUATION = ".,!?;:…\"'“”‘’«»¡¿。，！？"

# Guard against pathological inputs where folding is not a fixpoint after one
# pass (compatibility characters whose lower-case form decomposes again).
_FOLD_PASSES = 3


def _fold_once(text: str) -> str:
    """One pass of normalisation: decompose, drop marks, lower-case, tidy."""
    decomposed = unicodedata.normalize("NFKD", text)
    # Dropping every mark (not just combining class > 0) also removes
    # variation selectors and enclosing marks, so no mark survives.
    bare = "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M"))
    lowered = bare.lower().translate(_D_LIKE)
    collapsed = " ".join(lowered.split())
    previous = None
    while previous != collapsed:
        previous = collapsed
        collapsed = collapsed.strip().strip(_EDGE_PUNCTUATION)
    return collapsed


def fold(text: str) -> str:
    """Reduce free text to a comparable key: "  Không!! " -> "khong".

    Lower-cases, removes Vietnamese diacritics (so NFC/NFD input and the old vs
    new tone placement, "hoà"/"hòa", fold alike), maps đ to d, collapses
    whitespace and trims surrounding punctuation. Used to match keywords and
    small vocabularies whether or not the resident typed accents.
    """
    result = text
    for _ in range(_FOLD_PASSES):
        folded = _fold_once(result)
        if folded == result:
            break
        result = folded
    return result


# ---------------------------------------------------------------------------
# Emoji detection
# ---------------------------------------------------------------------------


def is_emoji_only(text: str) -> bool:
    """Tell whether a reply is just a reaction ("👍", "❤️", "🙏🏻") rather than text.

    True when the text has at least one symbol and otherwise only symbols,
    marks (variation selectors), format characters (zero-width joiners),
    punctuation and whitespace. Any letter or digit makes it False, so keycaps
    like "1️⃣" count as text. Empty or whitespace-only text is False.
    """
    has_symbol = False
    for ch in text:
        category = unicodedata.category(ch)
        major = category[0]
        if major == "S":
            has_symbol = True
        elif major in "MZP" or category == "Cf":
            continue
        else:
            return False
    return has_symbol


# ---------------------------------------------------------------------------
# Integers
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# Times
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# Moments (date and/or time)
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# Coordinates
# ---------------------------------------------------------------------------

_NUM = r"-?[0-9]{1,3}(?:\.[0-9]{1,15})?"
_DECIMAL = r"-?[0-9]{1,3}\.[0-9]{1,15}"
_SEP = r"\s*(?:,|%2c)\s*"
_COORDINATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    # geo:21.0285,105.8542 (Android share intents)
    re.compile(rf"geo:(?P<lat>{_NUM}){_SEP}(?P<lon>{_NUM})", re.IGNORECASE),
    # google.com/maps/@21.0285,105.8542,17z and /maps/place/.../@...
    re.compile(rf"@(?P<lat>{_NUM}){_SEP}(?P<lon>{_NUM})", re.IGNORECASE),
    # ?q=, &ll=, query=, destination=, center=, daddr= (Google and Apple Maps)
    re.compile(
        rf"[?&;](?:q|ll|sll|query|destination|center|daddr|saddr)="
        rf"(?:loc:)?(?P<lat>{_NUM}){_SEP}(?P<lon>{_NUM})",
        re.IGNORECASE,
    ),
    # OpenStreetMap: #map=17/21.0285/105.8542
    re.compile(rf"#map=[0-9]{{1,2}}/(?P<lat>{_NUM})/(?P<lon>{_NUM})", re.IGNORECASE),
    # Google data URLs: !3d21.0285!4d105.8542
    re.compile(rf"!3d(?P<lat>{_NUM})!4d(?P<lon>{_NUM})", re.IGNORECASE),
    # Plain "21.0285, 105.8542" or "21.0285 105.8542": decimals are required so
    # that ordinary numbers such as "1,200" are not mistaken for a position.
    re.compile(
        rf"(?<![0-9.\-])(?P<lat>{_DECIMAL})(?:\s*[,;]\s*|\s+)(?P<lon>{_DECIMAL})(?![0-9.])",
    ),
)
# Degrees-minutes-seconds, as Google Maps shows: 21°01'42.6"N 105°51'15.1"E
_DMS_PART = r"([0-9]{1,3})°\s*([0-9]{1,2})['′]\s*([0-9]{1,2}(?:\.[0-9]{1,10})?)[\"″]?\s*"
_DMS = re.compile(rf"{_DMS_PART}([NS])[\s,]*{_DMS_PART}([EW])", re.IGNORECASE)

# Shared links are short; anything far longer is not a location message and is
# not worth scanning.
_MAX_COORDINATE_TEXT = 4096


def _valid_pair(lat: float, lon: float) -> tuple[float, float] | None:
    """Return the pair if it is a position on Earth, else None."""
    if -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0:
        return lat, lon
    return None


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """Find a (latitude, longitude) in a shared map link or a "lat, lon" pair.

    Understands geo: URIs, Google/Apple/OpenStreetMap links and DMS text.
    Returns None when nothing in range is found; never raises.
    """
    if len(text) > _MAX_COORDINATE_TEXT:
        return None
    for pattern in _COORDINATE_PATTERNS:
        for match in pattern.finditer(text):
            pair = _valid_pair(float(match["lat"]), float(match["lon"]))
            if pair is not None:
                return pair
    for match in _DMS.finditer(text):
        lat_d, lat_m, lat_s, ns, lon_d, lon_m, lon_s, ew = match.groups()
        lat = int(lat_d) + int(lat_m) / 60 + float(lat_s) / 3600
        lon = int(lon_d) + int(lon_m) / 60 + float(lon_s) / 3600
        if ns.upper() == "S":
            lat = -lat
        if ew.upper() == "W":
            lon = -lon
        pair = _valid_pair(lat, lon)
        if pair is not None:
            return pair
    return None


# -- a coming moment: a date today or later and a time ---------------------------------------

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
