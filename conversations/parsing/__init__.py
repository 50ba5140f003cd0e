"""Lenient parsers for what residents type into the bot.

Residents answer on cheap phones, frequently without Vietnamese diacritics, with
their own habits for numbers ("1.200" is one thousand two hundred), dates
("5/11", "hôm qua") and times ("2h chiều"). The conversation engine's field kinds
call these pure functions to turn such replies into typed values.

Nothing here is user-facing: every failure raises :class:`ParseError` carrying a
short machine code in ``reason``; the engine maps codes to translated messages.
Only the standard library is used so the module stays trivially testable.

The parsers live by kind of input: ``text`` (folding, emoji), ``numbers`` (integers,
phones), ``dates``, ``times`` (times of day and moments), ``coordinates``.
"""

from __future__ import annotations

from conversations.parsing.coordinates import parse_coordinates
from conversations.parsing.dates import EXAMPLE_DAYS_AHEAD, coming_date, example_day, parse_date
from conversations.parsing.numbers import parse_integer, parse_phone
from conversations.parsing.text import ParseError, fold, fold_words, is_emoji_only
from conversations.parsing.times import Moment, parse_coming_moment, parse_moment, parse_time

__all__ = [
    "EXAMPLE_DAYS_AHEAD",
    "Moment",
    "ParseError",
    "coming_date",
    "example_day",
    "fold",
    "fold_words",
    "is_emoji_only",
    "parse_coming_moment",
    "parse_coordinates",
    "parse_date",
    "parse_integer",
    "parse_moment",
    "parse_phone",
    "parse_time",
]
