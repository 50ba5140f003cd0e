"""The whole dialogue end to end, as people see it: on Telegram (the fake Bot API server,
python-telegram-bot, our channel and the outbox sender) and in the terminal console. An officer
asks, the anonymous tipster answers in place with the "Trả lời" button (on the console: the
command the question names), adds a photo by code later, and the officer reads the thread;
the bot is restarted between the question and the answer. Neither side sees the other's name."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

from telegram import Bot

from bot.channels.telegram.transport import TelegramTransport
from bot.channels.zalo_bot.transport import open_transport as open_zalo_transport
from bot.delivery.limits import UNLIMITED, RateLimiter
from bot.delivery.sender import OutboxSender
from bot.settings import Settings
from bot.tips.delivery import thread_messages_finished
from conversations.fields import format_tip_code
from conversations.tips import KEPT_AFTER_CLOSING_DAYS
from storage.areas import insert_areas
from storage.database import Database
from storage.tips import list_tips
from tests.bot.channels.harness import (
    OFFICER,
    USER,
    ZALO_NAME,
    ZALO_PHOTO,
    ZALO_USER,
    ConsoleUser,
    TelegramUser,
    ZaloUser,
    an_officer_of_do_luong,
    at_menu,
    console_app,
    console_chat,
    console_member,
    file_a_tip,
    polling_bot,
    running_bot,
    send_a_whole_anonymous_tip,
    start_a_tip,
)
from tests.bot.harness import SEALER, TREE
from tests.bot.tips.harness import OFFICER_A, ask, officer_phone, staff
from tests.conversations.harness import ANONYMOUS_PATH, CATALOGUES, Clock, t
from tests.fakes.telegram_server import FakeTelegramServer

QUESTION = "Xe thường đỗ ở đâu, mấy giờ?"
ANSWER = "Trước cổng chợ Đô Lương, khoảng 21 giờ"


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
        await tipster.reads("answering.ask_text", days=KEPT_AFTER_CLOSING_DAYS)
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
        await officer.reads("addition.notice", code=code, command=f"/xemtin {code}")
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
        await tipster.answers(
            f"/traloi {code}", t("answering.ask_text", days=KEPT_AFTER_CLOSING_DAYS)
        )
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
        notice = t("addition.notice", code=code, command=f"/xemtin {code}")
        await officer.reads(notice)
        shown = await officer.answers(f"/xemtin {code}", t("thread.files", count=1))
    assert f"{t('thread.officer')}: {QUESTION}" in shown
    assert f"{t('thread.tipster')}: {ANSWER}" in shown
    assert "42" not in shown.split(t("thread.title"))[1]


async def test_a_three_message_exchange_on_zalo(database: Database) -> None:
    """The anonymous tipster on Zalo (numbered lists, no buttons: the question names the
    commands), the officer on Telegram; the outbox reaches Zalo through its own transport."""
    async with database.transaction() as session:
        await insert_areas(session, TREE)
    await staff(database, OFFICER_A, "officer", "17662")
    clock = Clock(datetime.now(UTC))
    async with running_bot(database, "polling") as zalo:
        user = ZaloUser(zalo.server)
        await start_a_tip(user)
        path = [("tip.ask.category", {"text": "1"}), *ANONYMOUS_PATH[1:]]
        path = [(key, {"text": "do luong"} if key == "tip.ask.commune" else a) for key, a in path]
        for (_, answer), (next_key, _) in pairwise(path):
            await user.say(str(answer["text"]), expect=t(next_key))
        await user.say("1", expect=t("summary.question"))
        await user.say("1", expect=t("menu.prompt"))
        async with database.transaction() as session:
            (tip,) = await list_tips(session)
        code = format_tip_code(tip.code)

        officer = await officer_phone(database, clock, OFFICER_A)
        await ask(officer, tip.code, QUESTION)
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            zalo_token=zalo.server.token,  # type: ignore[arg-type]
            zalo_base_url=zalo.server.base_url,
        )
        transport, close = await open_zalo_transport(settings, 4)
        try:
            sending = OutboxSender(
                database,
                "zalo",
                transport,
                RateLimiter(UNLIMITED),
                open_route=lambda sealed: SEALER.open_route(sealed)[1],
                on_finished=thread_messages_finished,
                clock=lambda: datetime.now(UTC),
            )
            await sending.deliver_due()
            question = t("asking.to_tipster", code=code, question=QUESTION)
            await zalo.server.wait_for(lambda: question in zalo.server.sent_texts(ZALO_USER))
        finally:
            await close()
        await user.say(
            f"/traloi {code}", expect=t("answering.ask_text", days=KEPT_AFTER_CLOSING_DAYS)
        )
        await user.say(ANSWER, expect=t("menu.prompt"))
        assert t("answering.sent", code=code) in user.text
        photo = zalo.server.image_event(ZALO_USER, photo=ZALO_PHOTO, display_name=ZALO_NAME)
        await user.say(f"/bosung {code}", expect=t("addition.ask_text"))
        await user.say("bỏ qua", expect=t("addition.ask_attachments"))
        await user.send(photo, expect=t("input.attachment_received", count=1, maximum=5))
        await user.say("xong", expect=t("menu.prompt"))
    await officer.send(text=f"/xemtin {tip.code}")
    assert f"{t('thread.officer')}: {QUESTION}" in officer.text
    assert f"{t('thread.tipster')}: {ANSWER}" in officer.text
    assert f"{t('thread.tipster')}: {t('thread.files', count=1)}" in officer.text
    assert ZALO_USER not in officer.text and ZALO_NAME not in officer.text
    assert OFFICER_A[1] not in "\n".join(zalo.server.sent_texts(ZALO_USER))
