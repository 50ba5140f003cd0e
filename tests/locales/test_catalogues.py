"""Every message the code uses is translated in Vietnamese and English, with the same slots."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from conversations.i18n import LOCALES_DIR, SUPPORTED_LOCALES, merged_catalog

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
    catalog = merged_catalog(LOCALES_DIR, locale)
    return {m.id: m.string for m in catalog if m.id and isinstance(m.id, str)}


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


def test_a_key_defined_in_two_files_is_refused(tmp_path: Path) -> None:
    messages = tmp_path / "vi" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    entry = 'msgid "menu.title"\nmsgstr "Menu"\n'
    (messages / "antq.po").write_text(entry, encoding="utf-8")
    (messages / "extra.po").write_text(entry, encoding="utf-8")
    with pytest.raises(ValueError, match="already defined"):
        merged_catalog(tmp_path, "vi")
