"""The terminal chat: numbered choices, simulated locations and files, and the `antq` command
surviving a SIGKILL in the middle of a tip."""

from __future__ import annotations

import asyncio
import os
import pty
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.broadcasts.rules import fan_out_broadcasts
from bot.channels.console import BOT_PREFIX, UnreadableLocation, render, to_inbound
from bot.scheduler import DeliveryScheduler
from conversations.replies import Media
from storage._sql import outbox, tips
from storage.areas import area_by_code, insert_areas
from storage.database import Database
from storage.people.members import find_or_create_member
from storage.people.roles import grant_role
from tests.bot.channels.harness import (
    ConsoleUser,
    RunningClock,
    console_app,
    console_chat,
    console_member,
    file_a_tip,
)
from tests.bot.harness import TREE, rows
from tests.bot.tips.harness import OFFICER_A, act, officer_phone, staff
from tests.conversations.harness import DESCRIPTION, Clock, t
from tests.harness import PATIENCE

ANTQ = Path(sys.executable).parent / "antq"


async def run_console(database: Database, data_dir: Path, lines: list[str]) -> str:
    """What the terminal shows when ``lines`` are typed one after another, then Ctrl+D."""
    user = ConsoleUser()
    async with console_chat(console_app(database, data_dir), user):
        user.types(*lines)
    return user.screen


# The smallest PNG: its signature and nothing else a check needs.
PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)


async def test_console_shows_numbered_choices_and_sends_a_tip(
    sqlite_database: Database, tmp_path: Path
) -> None:
    photo = tmp_path / "anh-chup.png"
    photo.write_bytes(PNG)
    lines = [
        "1",
        "1",
        "2",
        DESCRIPTION,
        "/vitri 21.0285, 105.8542",
        "không rõ",
        "hôm qua",
        f"/anh {photo}",
        "xong",
        "1",
        "1",
    ]
    output = await run_console(sqlite_database, tmp_path, lines)
    assert "1. Tiếng Việt" in output
    assert "  1. Gửi tin báo" in output
    assert "  14. Khác" in output
    assert t("common.shared_location", lat=21.0285, lon=105.8542) in output
    assert t("input.attachment_received", count=1, maximum=5) in output
    assert "Mã tin báo:" in output


async def test_a_photo_must_be_an_image_file_on_this_machine(
    sqlite_database: Database, tmp_path: Path
) -> None:
    text_file = tmp_path / "long.txt"
    text_file.write_text("không phải ảnh")
    missing = tmp_path / "khongco.jpg"
    lines = ["1", "1", "2", DESCRIPTION, "không rõ", "không rõ", "hôm qua"]
    lines += [f"/anh {missing}", f"/anh {text_file}", "xong"]
    output = await run_console(sqlite_database, tmp_path, lines)
    assert t("console.file_missing", name=str(missing)) in output
    kind = t("media.photo")
    assert t("console.file_not_of_kind", name=str(text_file), kind=kind) in output
    assert t("input.attachment_received", count=1, maximum=5) not in output
    assert t("tip.ask.identity").splitlines()[0] in output  # "xong": on with no file


@pytest.mark.parametrize(("language", "locale"), [("1", "vi"), ("2", "en")])
async def test_typing_the_number_of_an_option_beside_free_text_answers_the_step(
    sqlite_database: Database, tmp_path: Path, language: str, locale: str
) -> None:
    # Place "1. Không nhớ rõ", commune by words, time "1. Không rõ", files "1. Bỏ qua".
    lines = [language, "1", "2", DESCRIPTION, "1", "không rõ", "1", "1", "1", "1"]
    output = await run_console(sqlite_database, tmp_path, lines)
    for problem in ("input.too_short", "input.bad_moment", "input.media_expected"):
        assert t(problem, locale, minimum=3) not in output
    (tip,) = await rows(sqlite_database, tips)
    assert (tip["place_unknown"], tip["occurred_unknown"]) == (True, True)


@pytest.mark.parametrize(("language", "locale"), [("1", "vi"), ("2", "en")])
async def test_a_wrong_choice_is_answered_with_the_numbers_and_invisible_characters_are_dropped(
    sqlite_database: Database, tmp_path: Path, language: str, locale: str
) -> None:
    lines = [language, "1", "xe may", "ma\u200btuy\x00", DESCRIPTION, "/huy"]
    output = await run_console(sqlite_database, tmp_path, lines)
    # A terminal shows numbers: the explanation gives them and the list comes again.
    assert t("input.choose_option", locale, count=14) in output
    assert output.count(f"  14. {t('tip.category.other', locale)}") == 2
    assert t("tip.ask.description", locale) in output
    assert t("input.too_short", locale, minimum=10) not in output


@pytest.mark.parametrize(("language", "locale"), [("1", "vi"), ("2", "en")])
async def test_the_step_count_counts_the_phone_steps_and_never_grows(
    sqlite_database: Database, tmp_path: Path, language: str, locale: str
) -> None:
    lines = [language, "1", "1", DESCRIPTION, "1", "1", "1", "1", "2"]  # leaves a phone
    output = await run_console(sqlite_database, tmp_path, lines)
    assert f"{BOT_PREFIX}{t('flow.progress', locale, position=7, total=9)}\n" in output
    assert f"{BOT_PREFIX}{t('flow.progress', locale, position=8, total=9)}\n" in output


@pytest.mark.parametrize(("language", "locale"), [("1", "vi"), ("2", "en")])
async def test_a_draft_is_offered_as_0_above_the_menu_and_a_long_menu_has_sections(
    sqlite_database: Database, tmp_path: Path, language: str, locale: str
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
    # A tip begun, the menu, its section of places and people (7), back (8), the draft (0).
    lines = [language, "1", "/menu", "7", "8", "0"]
    output = await run_console(sqlite_database, tmp_path, lines)
    draft = t("menu.resume", locale, flow=t("menu.tip", locale))
    assert f"  0. {draft}\n{' ' * len(BOT_PREFIX)}  1. {t('menu.tip', locale)}" in output
    places = t("menu.section_prompt", locale, section=t("menu.section.places", locale))
    assert places in output and f"  8. {t('menu.main', locale)}" in output
    assert f"  9. {t('menu.help', locale)}" in output  # the last item, not the 24th
    assert t("draft.resumed", locale) in output


def test_typed_lines_become_locations_files_and_stickers() -> None:
    assert to_inbound("/location 10.5,106.7", "9").location is not None
    photo = to_inbound("/anh cong.jpg", "9").media
    assert photo is not None and photo.kind == "photo" and photo.file_name == "cong.jpg"
    assert to_inbound("/sticker", "9").unsupported == "sticker"
    for unreadable in ("/vitri khong ro", "/vitri 999,999", "/location 21.0, 999"):
        with pytest.raises(UnreadableLocation):
            to_inbound(unreadable, "9")


async def test_a_location_out_of_range_is_explained_and_the_question_stays_open(
    sqlite_database: Database, tmp_path: Path
) -> None:
    lines = ["1", "1", "2", DESCRIPTION, "/vitri 999,999", "/vitri 21.0285, 105.8542"]
    output = await run_console(sqlite_database, tmp_path, lines)
    said = t("console.location_unreadable", command="/vitri", typed="999,999")
    assert said in output
    assert t("input.unknown_command", command="vitri") not in output
    # The place is still the question open: the right location then answers it.
    before, after = output.split(said)
    assert t("tip.ask.commune") not in before and t("tip.ask.commune") in after


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


def _read_until(process: subprocess.Popen[bytes], needle: str, timeout: float = PATIENCE) -> str:
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
        assert t("flow.progress", position=3, total=9) in shown
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


# -- what the bot says first, and files, in the terminal ------------------------------------


async def test_a_console_tipster_sees_the_officers_news_between_prompts(
    database: Database, tmp_path: Path
) -> None:
    async with database.transaction() as session:
        await insert_areas(session, TREE)
    await staff(database, OFFICER_A, "officer", "17662")
    tipster = ConsoleUser("42")
    async with console_chat(console_app(database, tmp_path), tipster):
        code = await file_a_tip(tipster, database)
        officer = await officer_phone(database, Clock(), OFFICER_A)  # on Telegram
        await act(officer, code.replace("-", ""), "take")
        assert t("inbox.taken", code=code) in officer.text
        news = await tipster.reads(t("inbox.sender.acknowledged", code=code))
        # Below the prompt the tipster was at, marked as said unprompted; then the prompt again.
        assert news.endswith(
            f"> \n{t('console.unprompted')}\n🛡  {t('inbox.sender.acknowledged', code=code)}"
        )
        await tipster.reads("\n\n> ")


async def test_news_for_another_console_user_waits_for_their_terminal(
    database: Database, tmp_path: Path
) -> None:
    async with database.transaction() as session:
        await insert_areas(session, TREE)
    await staff(database, OFFICER_A, "officer", "17662")
    clock = RunningClock()
    app = console_app(database, tmp_path, clock)
    tipster = ConsoleUser("42")
    async with console_chat(app, tipster):
        code = await file_a_tip(tipster, database)
    neighbour = ConsoleUser("43")
    async with console_chat(app, neighbour):
        await neighbour.reads("1. Tiếng Việt")
        await act(await officer_phone(database, clock, OFFICER_A), code.replace("-", ""), "take")
        for _ in range(300):  # the neighbour's terminal takes the news and leaves it queued
            (news,) = [row for row in await rows(database, outbox) if row["sealed_route"]]
            if news["last_error"] == "ConsoleChatNotOpen":
                break
            await asyncio.sleep(0.02)
        assert (news["status"], news["attempts"]) == ("queued", 0)
    assert t("inbox.sender.acknowledged", code=code) not in neighbour.screen
    async with console_chat(app, tipster):
        await tipster.reads(t("inbox.sender.acknowledged", code=code))


async def test_a_broadcast_counts_console_members_and_is_printed_to_them(
    database: Database, tmp_path: Path
) -> None:
    async with database.transaction() as session:
        await insert_areas(session, TREE)
    await console_member(database, "1", "admin")
    await console_member(database, "2", "officer")
    app = console_app(database, tmp_path)
    admin, officer = ConsoleUser("1"), ConsoleUser("2")
    text = "Mời bà con dự họp thôn lúc 19:30 tối thứ Sáu tại nhà văn hoá."
    async with console_chat(app, admin), console_chat(app, officer):
        await officer.reads("1. Tiếng Việt")
        admin.types("1", "/guithongbao", text, t("broadcasts.photo.none"))
        admin.types(t("broadcasts.english.none"), t("broadcasts.areas.all"), "1", "1", "ngay")
        await admin.reads(t("broadcasts.reach", count=2))
        admin.types("1")
        await admin.reads(t("broadcasts.created_now", count=2))
        # The scheduler's next tick, as any process's would be.
        await DeliveryScheduler(
            database, rules=[fan_out_broadcasts], clock=app.processor.clock
        ).tick()
        copy = t("broadcasts.copy", text=text, place="Xã Đô Lương").replace("\n", "\n   ")
        for user in (admin, officer):
            assert (await user.reads(copy)).endswith(f"{t('console.unprompted')}\n🛡  {copy}")


async def test_export_in_the_console_says_where_the_file_is(
    database: Database, tmp_path: Path
) -> None:
    async with database.transaction() as session:
        await insert_areas(session, TREE)
    await console_member(database, "1", "officer")
    user = ConsoleUser("1")
    async with console_chat(console_app(database, tmp_path), user):
        user.types("1", "/export", "3", "2")  # tips of the last 30 days, as CSV
        await user.reads(t("export.preparing"))
        shown = await user.reads(t("menu.prompt"))
    path = tmp_path / "exports" / "antq-tips-17662-20261025-20261123.csv"  # the 30 days
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # a CSV Excel opens as UTF-8
    # The file's caption and where it is, before the menu; no promise of a file to come.
    saved = t("console.file_saved", path=path.resolve())
    assert shown == f"\n🛡  {t('export.ready', rows=0)}\n   {saved}\n🛡  {t('menu.prompt')}"


# -- `antq run` in a terminal on a fresh machine --------------------------------------------


def _run_in_a_terminal(tmp_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    """``antq run`` on a new data folder, its input a terminal (as ``make run`` gives it) and
    its output and errors read together, as a terminal shows both; and the terminal's end."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("ANTQ_SECRET_KEY", "ANTQ_TELEGRAM_TOKEN", "ANTQ_ZALO_TOKEN")
    }
    environment |= {
        "ANTQ_DATABASE_URL": f"sqlite:///{tmp_path / 'antq.sqlite3'}",
        "ANTQ_DATA_DIR": str(tmp_path / "data"),
    }
    terminal, its_input = pty.openpty()
    process = subprocess.Popen(
        [str(ANTQ), "run"],
        stdin=its_input,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
        env=environment,
    )
    os.close(its_input)
    return process, terminal


def _type_in(terminal: int, *lines: str) -> None:
    for line in lines:
        os.write(terminal, line.encode() + b"\n")


def test_the_first_run_finds_the_commune_a_newcomer_names(tmp_path: Path) -> None:
    process, terminal = _run_in_a_terminal(tmp_path)
    try:
        opened = _read_until(process, "Please choose")
        assert "first start: loaded 34 provinces and 3321 communes" in opened
        _type_in(terminal, "1", "1", "2", DESCRIPTION, "Cổng chợ", "do luong")
        # The commune is found: the next question comes, not "no commune called …".
        _read_until(process, t("tip.ask.time"))
    finally:
        process.kill()
        process.wait(10)
        os.close(terminal)


def test_logs_never_print_into_the_chat(tmp_path: Path) -> None:
    process, terminal = _run_in_a_terminal(tmp_path)
    try:
        _read_until(process, "Please choose")
        # "Back" at the first step is what made the transitions library warn into the chat.
        _type_in(terminal, "1", "1", "/quaylai", "/huy")
        os.write(terminal, b"\x04")  # Ctrl+D
        assert process.stdout is not None
        screen = _read_until(process, t("flow.first_step")) + process.stdout.read().decode()
        assert process.wait(PATIENCE) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        os.close(terminal)
    for logged in (" WARNING ", " ERROR ", "bot.sealing", "Can't trigger", "Traceback"):
        assert logged not in screen
    log = (tmp_path / "data" / "antq.log").read_text(encoding="utf-8")
    assert "WARNING bot.sealing: ANTQ_SECRET_KEY is not set" in log


def test_ctrl_c_ends_the_terminal_chat_at_once_and_cleanly(tmp_path: Path) -> None:
    process, terminal = _run_in_a_terminal(tmp_path)
    try:
        _read_until(process, "\n> ", PATIENCE)  # the language asked, and a line waited for
        process.send_signal(signal.SIGINT)  # what Ctrl+C sends; no Enter follows
        assert process.wait(PATIENCE) == 0
        assert process.stdout is not None
        screen = process.stdout.read().decode()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        os.close(terminal)
    assert "Traceback" not in screen and "KeyboardInterrupt" not in screen


def test_a_second_user_s_chat_beside_the_running_bot_starts_without_warnings(
    tmp_path: Path,
) -> None:
    """README: `antq chat --user-id N` beside `make run` tries several users. The chat serves
    no web console (the bot's port stays the bot's) and sends under a worker name of its own."""
    bot, terminal = _run_in_a_terminal(tmp_path)
    with socket.socket() as bots_web_port:  # the port the running bot serves its console on
        bots_web_port.bind(("127.0.0.1", 0))
        bots_web_port.listen()
        port = str(bots_web_port.getsockname()[1])
        environment = {
            name: value
            for name, value in os.environ.items()
            if name not in ("ANTQ_SECRET_KEY", "ANTQ_TELEGRAM_TOKEN", "ANTQ_ZALO_TOKEN")
        }
        environment |= {
            "ANTQ_DATABASE_URL": f"sqlite:///{tmp_path / 'antq.sqlite3'}",
            "ANTQ_DATA_DIR": str(tmp_path / "data"),
            "ANTQ_WEB_PORT": port,
        }
        try:
            _read_until(bot, "Please choose", PATIENCE)
            second = subprocess.Popen(
                [str(ANTQ), "chat", "--user-id", "2"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                cwd=tmp_path,
                env=environment,
            )
            try:
                _read_until(second, "Please choose", PATIENCE)
                _type(second, "1")
                # Answered: its outbox sender and scheduler run (they start before the chat reads).
                screen = _read_until(second, t("menu.prompt"), PATIENCE)
                assert second.stdin is not None
                second.stdin.close()  # Ctrl+D
                assert second.wait(PATIENCE) == 0
            finally:
                if second.poll() is None:
                    second.kill()
                    second.wait(10)
        finally:
            os.write(terminal, b"\x04")  # Ctrl+D
            try:
                bot.wait(PATIENCE)
            finally:
                if bot.poll() is None:
                    bot.kill()
                    bot.wait(10)
                os.close(terminal)
    assert "WARNING" not in screen
    log = (tmp_path / "data" / "antq.log").read_text(encoding="utf-8")
    assert "is taken" not in log
    assert "another running process" not in log
    assert "Traceback" not in log  # each quit cleanly
