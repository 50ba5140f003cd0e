"""Every message the code uses is translated in Vietnamese and English, with the same slots."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from conversations.i18n import LOCALES_DIR, SUPPORTED_LOCALES

ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = ("bot", "conversations")


def used_keys() -> set[str]:
    keys: set[str] = set()
    for directory in CODE_DIRS:
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / directory, method_map=[("**.py", "python")], keywords={"N_": None}
        ):
            keys.add(message)
    return keys


def catalogue(locale: str) -> dict[str, str]:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "antq.po").open("rb") as po_file:
        return {m.id: m.string for m in read_po(po_file) if m.id and isinstance(m.id, str)}


def slots(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def test_the_code_uses_catalogue_keys() -> None:
    assert len(used_keys()) > 50


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_used_message_is_translated(locale: str) -> None:
    messages = catalogue(locale)
    missing = sorted(key for key in used_keys() if not messages.get(key))
    assert not missing, f"{locale} lacks: {missing}"


def test_both_languages_fill_the_same_slots() -> None:
    vi, en = catalogue("vi"), catalogue("en")
    assert vi.keys() == en.keys()
    differing = sorted(key for key in vi if slots(vi[key]) != slots(en[key]))
    assert not differing


def test_no_catalogue_entry_is_left_unused() -> None:
    unused = sorted(set(catalogue("vi")) - used_keys())
    assert not unused, f"unused messages: {unused}"
