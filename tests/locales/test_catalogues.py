"""Every message the code uses is translated in Vietnamese and English, with the same slots."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from bot.channels.console import MEDIA_COMMANDS
from conversations.commands import UNIVERSAL
from conversations.i18n import LOCALES_DIR, SUPPORTED_LOCALES, Catalogues, merged_catalog
from conversations.menu import build_engine

ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = ("bot", "conversations")


def used_keys() -> set[str]:
    keys: set[str] = set()
    for directory in CODE_DIRS:
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / directory, method_map=[("**.py", "python")], keywords={"N_": None}
        ):
            keys.add(message)
    # The web console's templates name their texts as t("key").
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT / "bot" / "web" / "templates",
        method_map=[("**.html", "jinja2.ext:babel_extract")],
        keywords={"t": None},
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


# The commands each language points people to (README: `/tracuu MÃ` (`/status`) …); both
# work everywhere, but a text shows the reader's own.
VIETNAMESE_COMMANDS = {
    "tracuu": "status",
    "bantin": "broadcasts",
    "batlai": "subscribe",
    "dunglai": "stop",
    "xemtin": "readtip",
    "baocao": "report",
    "sukien": "events",
    "nhacnho": "reminders",
    "ngonngu": "language",
    "thuhoi": "revoke",
    "huy": "cancel",
    "quaylai": "back",
    "trogiup": "help",
    "traloi": "reply",
    "ketthuc": "endthread",
    "danhdau": "important",
    "bosung": "add",
    "hoi": "ask",
    "quyenriengtu": "privacy",
    "dongy": "consent",
    "rutdongy": "withdraw",
    "dulieucuatoi": "mydata",
    "xoadulieu": "erase",
    "tinbao": "tip",
    "vaitro": "roles",
}
# "/word" not inside another word ("xã/phường" is no command).
_COMMAND = re.compile(r"(?<![\w/])/([a-z]+)\b")


def commands_in(messages: dict[str, str]) -> dict[str, set[str]]:
    return {key: set(_COMMAND.findall(text)) for key, text in messages.items()}


def test_every_command_a_text_names_is_one_the_bot_knows() -> None:
    engine = build_engine(Catalogues.load())
    known = set(engine.flow_commands) | {word for words in UNIVERSAL.values() for word in words}
    known |= {*MEDIA_COMMANDS, "vitri", "location", "sticker"}  # what the console stands in for
    for locale in SUPPORTED_LOCALES:
        unknown = {key: words - known for key, words in commands_in(catalogue(locale)).items()}
        assert not {key: words for key, words in unknown.items() if words}, locale


def test_each_language_points_to_its_own_commands() -> None:
    english = set(VIETNAMESE_COMMANDS.values())
    in_vietnamese = commands_in(catalogue("vi"))
    assert not {key: words & english for key, words in in_vietnamese.items() if words & english}
    vietnamese = set(VIETNAMESE_COMMANDS)
    in_english = commands_in(catalogue("en"))
    assert not {key: words & vietnamese for key, words in in_english.items() if words & vietnamese}


def test_official_forms_use_the_laws_words() -> None:
    vi = catalogue("vi")
    assert not [key for key, text in vi.items() if "thiếu niên hư" in text]
    assert "Người chưa thành niên vi phạm pháp luật" in vi["report.field.managed_youth"]
