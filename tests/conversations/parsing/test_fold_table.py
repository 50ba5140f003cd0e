"""The table-driven fold gives exactly what the per-character fold it replaced gave (issue 28).

``reference_fold`` is the former implementation, kept here verbatim as the specification:
NFKD of the whole text, every mark dropped by ``unicodedata.category``, then lower-cased,
đ-like letters mapped to d, whitespace collapsed and edge punctuation trimmed.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.i18n import Catalogues
from conversations.parsing import fold, fold_words
from conversations.parsing import text as text_module

_D_LIKE = str.maketrans({"đ": "d", "ð": "d", "ɖ": "d"})
_EDGE_PUNCTUATION = ".,!?;:…\"'“”‘’«»¡¿。，！？"


def _reference_fold_once(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M"))
    lowered = bare.lower().translate(_D_LIKE)
    collapsed = " ".join(lowered.split())
    previous = None
    while previous != collapsed:
        previous = collapsed
        collapsed = collapsed.strip().strip(_EDGE_PUNCTUATION)
    return collapsed


def reference_fold(text: str) -> str:
    result = text
    for _ in range(3):
        folded = _reference_fold_once(result)
        if folded == result:
            break
        result = folded
    return result


VIETNAMESE_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
# No tone, huyền, sắc, hỏi, ngã, nặng.
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")


def vietnamese_spellings() -> Iterator[str]:
    """Every letter of the alphabet with every tone, composed and decomposed, both cases."""
    for letter in VIETNAMESE_LETTERS:
        for tone in TONES:
            decomposed = unicodedata.normalize("NFD", letter) + tone
            for form in ("NFC", "NFD", "NFKC", "NFKD"):
                spelled = unicodedata.normalize(form, decomposed)
                yield spelled
                yield spelled.upper()
            # The tone typed before the letter's own mark (old keyboards): reordered by NFKD.
            yield letter + tone


def test_every_vietnamese_letter_folds_as_before() -> None:
    spellings = list(vietnamese_spellings())
    assert len(spellings) > 1000
    for spelled in spellings:
        assert fold(spelled) == reference_fold(spelled), ascii(spelled)
    # The same letters inside words and sentences, with punctuation and spaces around.
    sentence = " ".join(spellings)
    assert fold(sentence) == reference_fold(sentence)
    assert fold(f"  “{sentence}!!” ") == reference_fold(f"  “{sentence}!!” ")


def basic_plane() -> Iterator[str]:
    for point in range(0x10000):
        if not 0xD800 <= point <= 0xDFFF:  # lone surrogates never arrive as text
            yield chr(point)


def other_planes() -> Iterator[str]:
    """The assigned characters past the basic plane: unassigned and private-use code points
    have no decomposition and no case, so nothing to fold."""
    for point in range(0x10000, sys.maxunicode + 1):
        if unicodedata.category(chr(point)) not in ("Cn", "Co"):
            yield chr(point)


def in_context(character: str) -> tuple[str, ...]:
    """Alone; between a letter and marks that NFKD reorders around it; upper-cased before a
    capital sigma, whose lower case depends on what follows it."""
    return (character, f"A{character}\u0323\u0302b", f"{character.upper()}Σ {character}")


def test_every_code_point_of_the_basic_plane_folds_as_before() -> None:
    for character in basic_plane():
        for text in in_context(character):
            assert fold(text) == reference_fold(text), hex(ord(character))


def test_every_other_character_folds_as_before_in_runs() -> None:
    """Past the basic plane, 64 consecutive characters to a text (they hold no letter a
    resident types: one at a time would only make the test slow)."""
    characters = list(other_planes())
    assert len(characters) > 80_000
    for start in range(0, len(characters), 64):
        run = characters[start : start + 64]
        for text in ("".join(run), "".join(f"A{c}\u0323\u0302b " for c in run)):
            assert fold(text) == reference_fold(text), hex(ord(run[0]))


def test_every_catalogue_text_folds_as_before() -> None:
    catalogues = Catalogues.load()
    texts = [
        message
        for translations in catalogues.translations.values()
        for message in translations._catalog.values()  # type: ignore[attr-defined]
        if isinstance(message, str)
    ]
    assert len(texts) > 500
    for message in texts:
        assert fold(message) == reference_fold(message)


@given(st.text())
def test_any_text_folds_as_before(text: str) -> None:
    assert fold(text) == reference_fold(text)


def test_the_table_stops_growing_at_its_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    table = text_module._BareLetters()
    monkeypatch.setattr(text_module, "_BARE_LETTERS", table)
    monkeypatch.setattr(text_module, "_BARE_LETTERS_KEPT", 5)
    rare = "".join(chr(point) for point in range(0x1E00, 0x1F00))
    assert fold(rare) == reference_fold(rare)
    assert len(table) == 5


def test_folded_variants_are_the_variants_folded_for_every_key() -> None:
    catalogues = Catalogues.load()
    keys = list(catalogues.translations["vi"]._catalog)  # type: ignore[attr-defined]
    assert len(keys) > 500
    for _ in range(2):  # kept from the first call: the second gives the same
        for key in keys:
            if isinstance(key, str) and key:
                expected = {fold(label) for label in catalogues.variants(key)}
                assert catalogues.folded_variants(key) == expected, key


def test_fold_words_folds_each_word() -> None:
    words = ("Không rõ", "KHONG BIET", " bỏ qua! ", "skip")
    for _ in range(2):
        assert fold_words(*words) == {"khong ro", "khong biet", "bo qua", "skip"}
    assert fold_words() == frozenset()
