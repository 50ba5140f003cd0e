"""What a forum ("Công an lắng nghe ý kiến Nhân dân") shows of the opinions it will answer.

Anybody who opens the event reads it, so an opinion is shown by its subject and, where they
carry no personal data, its place and the start of its words. A program cannot know that a
text names nobody, so the test is cautious, and a text that fails it is left out rather than
cut: any run of three digits or more (a telephone, an identity card, a number plate, a house
number), an "@", or a word in capitals that is not the first word and does not follow a word
that names a place (thôn, xóm, ngõ…: "thôn Đông" is a place, "anh Hùng" is a person).
"""

from __future__ import annotations

import itertools
import re

from conversations.opinions import CATEGORIES, SHORT_TEXT, ForumItem, OpinionView
from conversations.parsing.text import fold

# Words after which a capitalised word names a place, not a person (folded).
PLACE_WORDS = frozenset(
    {
        "thon",
        "xom",
        "ap",
        "ban",
        "to",
        "khu",
        "ngo",
        "ngach",
        "hem",
        "kiet",
        "duong",
        "pho",
        "xa",
        "phuong",
        "cau",
        "cho",
        "truong",
        "cong",
        "song",
        "ho",
        "quoc",
        "lo",
        "tinh",
        "huyen",
        "thi",
        "tran",
    }
)
_DIGITS = re.compile(r"\d{3,}")


def publishable(text: str) -> bool:
    """True when nothing in ``text`` looks like personal data (see the module)."""
    if not text or _DIGITS.search(text) or "@" in text:
        return False
    words = re.findall(r"\w+", text)
    for before, word in itertools.pairwise(words):
        if word[0].isupper() and fold(before) not in PLACE_WORDS:
            return False
    return True


def short(text: str) -> str:
    """The start of ``text`` up to ``SHORT_TEXT`` characters, cut at a word."""
    flat = " ".join(text.split())
    if len(flat) <= SHORT_TEXT:
        return flat
    return flat[:SHORT_TEXT].rsplit(" ", 1)[0] + "…"


def forum_item(view: OpinionView) -> ForumItem:
    """One opinion of a forum's list: its subject, its place and words when publishable."""
    return ForumItem(
        category=CATEGORIES.labels.get(view.category, view.category),
        place=view.place if view.place and publishable(view.place) else None,
        words=short(view.text) if publishable(view.text) else None,
    )
