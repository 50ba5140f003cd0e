"""The whole dialogue end to end, as people see it: on Telegram (the fake Bot API server,
python-telegram-bot, our channel and the outbox sender) and in the terminal console. An officer
asks, the anonymous tipster answers in place with the "Trả lời" button (on the console: the
command the question names), adds a photo by code later, and the officer reads the thread;
the bot is restarted between the question and the answer. Neither side sees the other's name."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.channels.telegram.transport import TelegramTransport
from bot.delivery.limits import UNLIMITED, RateLimiter
from bot.delivery.sender import OutboxSender
from bot.tips.delivery import thread_messages_finished
from conversations.fields import format_tip_code
from storage.areas import insert_areas
from storage.database import Database
from storage.tips import list_tips
from tests.bot.channels.harness import (
    USER,
    ConsoleUser,
    TelegramUser,
    console_app,
    console_chat,
    polling_bot,
)
from tests.bot.channels.test_console import console_member, file_a_tip
from tests.bot.channels.test_telegram_channel import (
    OFFICER,
    an_officer_of_do_luong,
    at_menu,
    send_a_whole_anonymous_tip,
)
from tests.bot.harness import SEALER, TREE
from tests.conversations.harness import CATALOGUES, t
from tests.fakes.telegram_server import FakeTelegramServer

QUESTION = "Xe thường đỗ ở đâu, mấy giờ?"
ANSWER = "Trước cổng chợ Đô Lương, khoảng 21 giờ"


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as fake:
        yield fake


@pytest.fixture
async def bot(server: FakeTelegramServer) -> AsyncIterator[Bot]:
    async with Bot(server.token, base_url=server.base_url, request=HTTPXRequest()) as client:
        yield client


def outbox_sender(database: Database, bot: Bot) -> OutboxSender:
    """The Telegram outbox sender as ``antq run`` wires it."""
    return OutboxSender(
        database,
        "telegram",
        TelegramTransport(bot),
        RateLimiter(UNLIMITED),
        render=lambda locale, key, params: CATALOGUES.text(locale, key, **params),
        open_route=lambda sealed: SEALER.open_route(sealed)[1],
        on_finished=thread_messages_finished,
        clock=lambda: datetime.now(UTC),
    )


async def test_a_three_message_exchange_on_telegram_across_a_restart(
    database: Database, server: FakeTelegramServer, bot: Bot
) -> None:
    await an_officer_of_do_luong(database)
    tipster, officer = TelegramUser(server), TelegramUser(server, OFFICER)
    sending = outbox_sender(database, bot)
    async with polling_bot(database, server):
        await send_a_whole_anonymous_tip(tipster, commune="do luong")
        async with database.transaction() as session:
            (tip,) = await list_tips(session)
        code = format_tip_code(tip.code)
        await at_menu(officer)
        officer.says(f"/hoi {code}")
        await officer.reads("asking.ask_question")
        officer.says(QUESTION)
        await officer.reads("asking.ask_attachments", buttons=True)
        officer.says("xong")
        await officer.reads("asking.sent", code=code)
        await sending.deliver_due()
        asked = await tipster.reads("asking.to_tipster", code=code, question=QUESTION)
    # The bot stops here and starts again: the question's buttons still work.
    async with polling_bot(database, server):
        tipster.taps(asked, "asking.button.reply")
        await tipster.reads("answering.ask_text")
        tipster.says(ANSWER)
        await tipster.reads("answering.sent", code=code)
        tipster.says(f"/bosung {code}")
        skip = await tipster.reads("addition.ask_text", buttons=True)
        tipster.taps(skip, "common.skip")
        files = await tipster.reads("addition.ask_attachments")
        keyboard = files["reply_markup"]["keyboard"]  # a location can be shared here too
        assert keyboard[0][0] == {"text": t("telegram.share_location"), "request_location": True}
        tipster.sends_photo(file_id="AgACAgUAAxkBAAIBthread_photo")
        await tipster.reads("input.attachment_received", count=1, maximum=5)
        tipster.says(t("common.done"))
        await tipster.reads("addition.sent", code=code)
        await sending.deliver_due()
        await officer.reads("addition.notice", code=code, command=f"/xemtin {tip.code}")
        officer.says(f"/xemtin {code}")
        shown = await officer.reads("thread.title")
    thread = shown["text"][shown["text"].index(t("thread.title")) :]
    lines = thread.splitlines()[1:4]
    assert lines[0].endswith(f"{t('thread.officer')}: {QUESTION}")
    assert lines[1].endswith(f"{t('thread.tipster')}: {ANSWER}")
    assert lines[2].endswith(f"{t('thread.tipster')}: {t('thread.files', count=1)}")
    # Neither side sees who the other is.
    assert str(USER) not in shown["text"]
    assert "Lê Văn An" not in "\n".join(m.get("text", "") for m in tipster.received)
    assert "reply_markup" not in tipster.current(asked)  # tapped once, its buttons are gone


async def test_a_three_message_exchange_in_the_console_across_a_restart(
    database: Database, tmp_path: Path
) -> None:
    async with database.transaction() as session:
        await insert_areas(session, TREE)
    await console_member(database, "2", "officer")
    app = console_app(database, tmp_path)
    tipster, officer = ConsoleUser("42"), ConsoleUser("2")
    async with console_chat(app, tipster):
        code = await file_a_tip(tipster, database)
    # One terminal at a time, as on a developer's machine: the officer's, then the tipster's.
    async with console_chat(app, officer):
        officer.types("1")  # Tiếng Việt
        await officer.reads(t("inbox.notice.new").split("{")[0])
        officer.types(f"/hoi {code}", QUESTION, "xong")
        await officer.reads(t("asking.sent", code=code))
    # The tipster's terminal opens again (a restart): the question is printed, and they
    # answer as it says.
    tipster = ConsoleUser("42")
    async with console_chat(app, tipster):
        question = t("asking.to_tipster", code=code, question=QUESTION)
        await tipster.reads(question.replace("\n", "\n   "))
        await tipster.answers(f"/traloi {code}", t("answering.ask_text"))
        await tipster.answers(ANSWER, t("answering.sent", code=code))
        await tipster.answers(f"/bosung {code}", t("addition.ask_text"))
        await tipster.answers("bỏ qua", t("addition.ask_attachments"))
        photo = tmp_path / "bien-so.png"
        photo.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(24))
        received = t("input.attachment_received", count=1, maximum=5)
        await tipster.answers(f"/anh {photo}", received)
        await tipster.answers("xong", t("addition.sent", code=code))
    officer = ConsoleUser("2")
    async with console_chat(app, officer):
        notice = t("addition.notice", code=code, command=f"/xemtin {code.replace('-', '')}")
        await officer.reads(notice)
        shown = await officer.answers(f"/xemtin {code}", t("thread.files", count=1))
    assert f"{t('thread.officer')}: {QUESTION}" in shown
    assert f"{t('thread.tipster')}: {ANSWER}" in shown
    assert "42" not in shown.split(t("thread.title"))[1]
