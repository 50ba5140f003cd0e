"""The terminal chat: numbered choices, simulated locations and files, and the `antq` command
surviving a SIGKILL in the middle of a tip."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.channels.console import BOT_PREFIX, ConsoleChannel, render, to_inbound
from bot.processor import MessageProcessor
from bot.sealing import Sealer
from conversations.menu import build_engine
from conversations.replies import Media
from storage._sql import tips
from storage.areas import area_by_code, insert_areas
from storage.database import Database
from storage.members import find_or_create_member
from storage.roles import grant_role
from tests.bot.harness import TREE, rows
from tests.conversations.harness import CATALOGUES, DESCRIPTION, t

ROOT = Path(__file__).resolve().parents[2]
ANTQ = Path(sys.executable).parent / "antq"


async def run_console(database: Database, lines: list[str]) -> str:
    processor = MessageProcessor(database, build_engine(CATALOGUES), Sealer(bytes(32)), CATALOGUES)
    pending = list(lines)
    output: list[str] = []

    async def read_line() -> str | None:
        return pending.pop(0) if pending else None

    console = ConsoleChannel(
        processor, CATALOGUES, user_id="42", read_line=read_line, write=output.append
    )
    await console.run()
    return "".join(output)


async def test_console_shows_numbered_choices_and_sends_a_tip(sqlite_database: Database) -> None:
    lines = [
        "1",
        "1",
        "2",
        DESCRIPTION,
        "/vitri 21.0285, 105.8542",
        "không rõ",
        "hôm qua",
        "/anh anh-chup.jpg",
        "xong",
        "1",
        "1",
    ]
    output = await run_console(sqlite_database, lines)
    assert "1. Tiếng Việt" in output
    assert "  1. Gửi tin báo" in output
    assert "  14. Khác" in output
    assert t("common.shared_location", lat=21.0285, lon=105.8542) in output
    assert t("input.attachment_received", count=1, maximum=5) in output
    assert "Mã tin báo:" in output


def test_typed_lines_become_locations_files_and_stickers() -> None:
    assert to_inbound("/location 10.5,106.7", "9").location is not None
    photo = to_inbound("/anh cong.jpg", "9").media
    assert photo is not None and photo.kind == "photo" and photo.file_name == "cong.jpg"
    assert to_inbound("/sticker", "9").unsupported == "sticker"
    assert to_inbound("/vitri khong ro", "9").text == "/vitri khong ro"


def test_a_forwarded_file_is_a_line_of_its_own() -> None:
    def sent_on(channel: str, file_id: str) -> Media:
        return Media("photo", file_id, channel, "Tệp 1/1", "Xem trên Telegram", "Không còn")

    # A file sent in a terminal chat is named; another platform's file is to be seen there.
    assert render(sent_on("console", "console:cong.jpg")) == "📎 Tệp 1/1: cong.jpg"
    assert render(sent_on("telegram", "AgACAgUAAxkBAAIB")) == "📎 Xem trên Telegram"


def _start_chat(tmp_path: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "ANTQ_DATABASE_URL": f"sqlite:///{tmp_path / 'antq.sqlite3'}",
        "ANTQ_DATA_DIR": str(tmp_path),
    }
    return subprocess.Popen(
        [str(ANTQ), "chat", "--user-id", "77"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
        env=env,
    )


def _read_until(process: subprocess.Popen[bytes], needle: str, timeout: float = 30) -> str:
    assert process.stdout is not None
    seen = b""
    deadline = time.monotonic() + timeout
    while needle.encode() not in seen:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"never saw {needle!r} in:\n{seen.decode(errors='replace')}"
        ready, _, _ = select.select([process.stdout], [], [], remaining)
        if ready:
            chunk = os.read(process.stdout.fileno(), 65536)
            assert chunk, f"the chat ended before {needle!r}:\n{seen.decode(errors='replace')}"
            seen += chunk
    return seen.decode()


def _type(process: subprocess.Popen[bytes], line: str) -> None:
    assert process.stdin is not None
    process.stdin.write(line.encode() + b"\n")
    process.stdin.flush()


def test_sigkill_mid_flow_then_restart_resumes_the_same_step(tmp_path: Path) -> None:
    first = _start_chat(tmp_path)
    try:
        _read_until(first, "Please choose")
        for line in ["1", "1", "2", DESCRIPTION]:
            _type(first, line)
        _read_until(first, t("tip.ask.place"))
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)

    second = _start_chat(tmp_path)
    try:
        shown = _read_until(second, t("tip.ask.place"))
        assert t("draft.resumed") in shown
        assert t("flow.progress", position=3, total=7) in shown
        for line in ["Cổng chợ", "không rõ", "hôm nay", "bỏ qua", "1"]:
            _type(second, line)
        summary = _read_until(second, t("summary.question"))
        assert DESCRIPTION in summary and t("tip.category.theft") in summary
    finally:
        second.kill()
        second.wait(10)


def test_run_without_a_token_or_a_terminal_says_what_is_missing(tmp_path: Path) -> None:
    """Under a supervisor (no terminal) the bot must not exit 0 and be restarted forever."""
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "ANTQ_DATABASE_URL": f"sqlite:///{tmp_path / 'antq.sqlite3'}",
        "ANTQ_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [str(ANTQ), "run"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "ANTQ_TELEGRAM_TOKEN" in result.stderr


@pytest.mark.parametrize(("language", "locale"), [("1", "vi"), ("2", "en")])
async def test_typing_the_number_of_an_option_beside_free_text_answers_the_step(
    sqlite_database: Database, language: str, locale: str
) -> None:
    # Place "1. Không nhớ rõ", commune by words, time "1. Không rõ", files "1. Bỏ qua".
    lines = [language, "1", "2", DESCRIPTION, "1", "không rõ", "1", "1", "1", "1"]
    output = await run_console(sqlite_database, lines)
    for problem in ("input.too_short", "input.bad_moment", "input.media_expected"):
        assert t(problem, locale, minimum=3) not in output
    (tip,) = await rows(sqlite_database, tips)
    assert (tip["place_unknown"], tip["occurred_unknown"]) == (True, True)


@pytest.mark.parametrize(("language", "locale"), [("1", "vi"), ("2", "en")])
async def test_a_wrong_choice_is_answered_with_the_numbers_and_invisible_characters_are_dropped(
    sqlite_database: Database, language: str, locale: str
) -> None:
    lines = [language, "1", "xe may", "ma\u200btuy\x00", DESCRIPTION, "/huy"]
    output = await run_console(sqlite_database, lines)
    # A terminal shows numbers: the explanation gives them and the list comes again.
    assert t("input.choose_option", locale, count=14) in output
    assert output.count(f"  14. {t('tip.category.other', locale)}") == 2
    assert t("tip.ask.description", locale) in output
    assert t("input.too_short", locale, minimum=10) not in output


@pytest.mark.parametrize(("language", "locale"), [("1", "vi"), ("2", "en")])
async def test_the_step_count_never_changes_its_total(
    sqlite_database: Database, language: str, locale: str
) -> None:
    lines = [language, "1", "1", DESCRIPTION, "1", "1", "1", "1", "2"]  # leaves a phone
    output = await run_console(sqlite_database, lines)
    assert f"{BOT_PREFIX}{t('flow.progress', locale, position=7, total=7)}\n" in output
    assert f"{BOT_PREFIX}{t('flow.progress_open', locale, position=8)}\n" in output
    assert t("flow.progress", locale, position=8, total=8) not in output


@pytest.mark.parametrize(("language", "locale"), [("1", "vi"), ("2", "en")])
async def test_a_draft_is_offered_as_0_above_the_menu_and_a_long_menu_has_sections(
    sqlite_database: Database, language: str, locale: str
) -> None:
    async with sqlite_database.transaction() as session:
        await insert_areas(session, TREE)
        member = await find_or_create_member(
            session, channel="console", platform_user_id="42", chat_id="42", display_name=None
        )
        commune = await area_by_code(session, "17662")
        assert commune is not None
        await grant_role(
            session, member_id=member.id, role="admin", area_id=commune.id, granted_by=None
        )
    # A tip begun, the menu, its section of places and people (7), back (6), the draft (0).
    lines = [language, "1", "/menu", "7", "6", "0"]
    output = await run_console(sqlite_database, lines)
    draft = t("menu.resume", locale, flow=t("menu.tip", locale))
    assert f"  0. {draft}\n{' ' * len(BOT_PREFIX)}  1. {t('menu.tip', locale)}" in output
    places = t("menu.section_prompt", locale, section=t("menu.section.places", locale))
    assert places in output and f"  6. {t('menu.main', locale)}" in output
    assert f"  9. {t('menu.help', locale)}" in output  # the last item, not the 24th
    assert t("draft.resumed", locale) in output
