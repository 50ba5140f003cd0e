"""Text as residents type it: folded for matching (no accents, no case), emoji-only
answers told apart, and the one error every parser raises."""

from __future__ import annotations

import functools
import unicodedata


class ParseError(ValueError):
    """A reply could not be turned into a value; ``reason`` says why, as a code."""

    reason: str

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Characters that NFKD does not decompose but that residents use for "d":
# đ/Đ, plus the look-alike eth (Ð) and African D (Ɖ) some keyboards produce.
_D_LIKE = str.maketrans({"đ": "d", "ð": "d", "ɖ": "d"})

# Punctuation that decorates an answer ("Không!!", "ok.", "“có”") without
# changing its meaning. "+" and "-" are deliberately absent: they carry signs.
_EDGE_PUNCTUATION = ".,!?;:…\"'“”‘’«»¡¿。，！？"

# Guard against pathological inputs where folding is not a fixpoint after one
# pass (compatibility characters whose lower-case form decomposes again).
_FOLD_PASSES = 3


class _BareLetters(dict[int, str]):
    """A ``str.translate`` table: a character -> its NFKD decomposition without marks.

    NFKD decomposes each character on its own and then only reorders marks (every character
    with a combining class is a mark, category M), so decomposing and dropping the marks
    character by character gives what the whole text's NFKD without marks gives; a table
    filled on first sight does it at C speed instead of one ``unicodedata.category`` call per
    character, which was the biggest single item of a message's CPU (issue 28)."""

    def __missing__(self, point: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(point))
        # Dropping every mark (not just combining class > 0) also removes
        # variation selectors and enclosing marks, so no mark survives.
        bare = "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M"))
        # Any text may be typed: a flood of rare characters must not grow the table forever.
        if len(self) < _BARE_LETTERS_KEPT:
            self[point] = bare
        return bare


# Far more than the scripts residents type (Vietnamese needs a few hundred characters).
_BARE_LETTERS_KEPT = 20_000
_BARE_LETTERS = _BareLetters()


def _fold_once(text: str) -> str:
    """One pass of normalisation: decompose, drop marks, lower-case, tidy."""
    bare = text if text.isascii() else text.translate(_BARE_LETTERS)
    # Lower-casing the whole text, not character by character: a final sigma depends on
    # what follows it.
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
    if text.isascii():
        # ASCII has nothing to decompose and lower-cases to ASCII: one pass is the fixpoint.
        return _fold_once(text)
    result = text
    for _ in range(_FOLD_PASSES):
        folded = _fold_once(result)
        if folded == result:
            break
        result = folded
    return result


@functools.lru_cache(maxsize=1024)
def fold_words(*words: str) -> frozenset[str]:
    """The folded forms of a vocabulary fixed in the code (an option's id and synonyms),
    folded once per process instead of at every answer (issue 28). Never for typed text:
    the cache would keep it."""
    return frozenset(fold(word) for word in words)


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
