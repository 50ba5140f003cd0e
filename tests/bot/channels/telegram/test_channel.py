"""The Telegram channel end to end: the real PTB Application, our channel and a real
MessageProcessor on SQLite and PostgreSQL, talking over HTTP to the fake Bot API server."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from bot.channels.telegram.channel import TelegramChannel
from bot.reply_path import Batch
from conversations.fields import format_tip_code
from conversations.replies import Choices, Inbound, Option, Reply, Text
from storage.conversations import load_conversation
from storage.database import Database
from storage.tips import find_tip_by_code, list_tips
from tests.bot.channels.harness import (
    OFFICER,
    PHOTO_FILE_ID,
    SECRET,
    USER,
    TelegramUser,
    an_officer_of_do_luong,
    at_category,
    at_menu,
    numbered_file,
    polling_bot,
    private_update,
    secret_header,
    send_a_whole_anonymous_tip,
    webhook_bot,
)
from tests.conversations.harness import DESCRIPTION, t
from tests.fakes.telegram_server import MAX_TEXT_LENGTH, FakeTelegramServer
from tests.harness import PATIENCE


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as fake:
        yield fake
        # Whatever the test did, our bot never made a request the real API would refuse.
        assert fake.rejected == [], [(c.method, c.description) for c in fake.rejected]


async def send_replies(channel: TelegramChannel, replies: list[Reply]) -> None:
    """Send replies to USER through the channel's reply path, as after a processed message."""
    batch = Batch(None, "telegram", str(USER), str(USER), datetime.now(UTC), tuple(replies), "vi")
    await channel.replies.deliver(batch)


async def member_ids(database: Database) -> list[int]:
    async with database.transaction() as session:
        return list((await session.execute(text("SELECT id FROM members"))).scalars())


async def identity_active(database: Database) -> bool:
    async with database.transaction() as session:
        return bool((await session.execute(text("SELECT active FROM identities"))).scalar_one())


async def assert_the_tip_was_stored(database: Database, user: TelegramUser) -> None:
    async with database.transaction() as session:
        (tip,) = await list_tips(session)
    assert (tip.category, tip.description, tip.anonymous) == ("drugs", DESCRIPTION, True)
    assert (tip.latitude, tip.longitude) == (21.0245, 105.8412)
    assert [(a.kind, a.file_id, a.size_bytes, a.channel) for a in tip.attachments] == [
        ("photo", PHOTO_FILE_ID, 350_000, "telegram")
    ]
    assert tip.code[:4] in "\n".join(m["text"] for m in user.received)


async def test_a_whole_anonymous_tip_by_polling(
    database: Database, server: FakeTelegramServer
) -> None:
    user = TelegramUser(server)
    async with polling_bot(database, server):
        tapped = await send_a_whole_anonymous_tip(user)
    await assert_the_tip_was_stored(database, user)
    assert server.unanswered_callback_queries() == []
    assert server.calls("deleteWebhook"), "polling starts by removing any webhook"
    # Every tapped question lost its buttons: nothing is left to tap twice.
    assert all("reply_markup" not in user.current(message) for message in tapped)


async def test_a_whole_anonymous_tip_by_webhook(
    database: Database, server: FakeTelegramServer
) -> None:
    user = TelegramUser(server)
    async with webhook_bot(database, server) as bot:
        assert (server.webhook_url, server.webhook_secret) == (bot.url, SECRET)
        await send_a_whole_anonymous_tip(user)
    await assert_the_tip_was_stored(database, user)
    assert server.calls("getUpdates") == []
    assert server.webhook_deliveries and all(d.ok for d in server.webhook_deliveries)
    assert server.unanswered_callback_queries() == []


async def test_answers_processed_before_the_location_question_went_still_remove_its_keyboard(
    database: Database, server: FakeTelegramServer
) -> None:
    """The user answers faster than Telegram takes the bot's messages: every update after the
    location question is processed while that question still waits to be sent. What the chat
    shows was decided with each batch, so the thanks still goes apart from the menu and takes
    the location keyboard away."""
    user = TelegramUser(server)
    async with webhook_bot(database, server) as bot:
        category = await at_category(user)
        user.taps(category, "tip.category.drugs")
        await user.reads("tip.ask.description")
        sender, send_batch = bot.channel.sender, bot.channel.sender.send_batch
        telegram_takes_messages = asyncio.Event()

        async def held_back(batch: Batch, progress: Any) -> Any:
            await telegram_takes_messages.wait()
            return await send_batch(batch, progress)

        sender.send_batch = held_back  # type: ignore[method-assign]
        before = len(user.received)
        user.says(DESCRIPTION)
        user.shares_location(21.0245, 105.8412)
        user.says("không rõ")
        user.says("21h hôm qua")
        user.sends_photo(file_id=PHOTO_FILE_ID, file_size=350_000)
        user.says(t("common.done"))
        user.says(t("tip.identity.anonymous"))
        user.says(t("summary.confirm"))
        # Each webhook delivery returns once its update is committed: all are processed now.
        await server.wait_for_updates_consumed(timeout=PATIENCE)
        assert len(user.received) == before

        telegram_takes_messages.set()
        await user.reads("menu.prompt", buttons=True)
        await bot.channel.replies.drain(10)
    (place,) = [m for m in user.received if t("tip.ask.place") in m.get("text", "")]
    assert place["reply_markup"]["keyboard"][0][0]["request_location"] is True
    closing, menu = user.received[-2:]
    assert t("tip.safety") in closing["text"]
    assert closing["reply_markup"] == {"remove_keyboard": True}
    assert t("tip.safety") not in menu["text"] and "inline_keyboard" in menu["reply_markup"]
    removals = [m for m in user.received if m.get("reply_markup") == {"remove_keyboard": True}]
    assert removals == [closing]
    await assert_the_tip_was_stored(database, user)


async def test_a_second_tap_on_an_answered_question_changes_nothing(
    sqlite_database: Database, server: FakeTelegramServer
) -> None:
    user = TelegramUser(server)
    async with polling_bot(sqlite_database, server):
        category = await at_category(user)
        user.taps(category, "tip.category.drugs")
        await user.reads("tip.ask.description")
        # A slow app still showed the old keyboard, and the user tapped another category.
        user.taps(category, "tip.category.theft", stale=True)
        # The explanation and the question again, in one message.
        stale = await user.reads("input.stale_button")
        assert t("tip.ask.description") in stale["text"]

    (member_id,) = await member_ids(sqlite_database)
    async with sqlite_database.transaction() as session:
        conversation = await load_conversation(session, member_id)
    assert conversation is not None
    assert conversation.step == "description"
    assert conversation.data["answers"]["category"] == "drugs"
    assert server.unanswered_callback_queries() == []


async def test_webhook_refuses_requests_without_the_right_secret(
    sqlite_database: Database, server: FakeTelegramServer
) -> None:
    update = private_update(1, text="/start")
    async with webhook_bot(sqlite_database, server) as bot, httpx.AsyncClient() as client:
        missing = await client.post(bot.url, json=update)
        wrong = await client.post(bot.url, json=update, headers=secret_header(SECRET + "x"))
        right = await client.post(bot.url, json=update, headers=secret_header(SECRET))
    assert (missing.status_code, wrong.status_code, right.status_code) == (403, 403, 200)
    (reply,) = server.sent_messages(USER)
    assert t("language.from_app") in reply["text"]


async def test_an_update_pushed_twice_is_answered_once(
    sqlite_database: Database, server: FakeTelegramServer
) -> None:
    update = private_update(7, text="/start")
    async with webhook_bot(sqlite_database, server) as bot, httpx.AsyncClient() as client:
        for _ in range(2):  # Telegram retries a delivery it thinks failed
            response = await client.post(bot.url, json=update, headers=secret_header(SECRET))
            assert response.status_code == 200
    assert len(server.sent_messages(USER)) == 1


async def test_an_edited_message_is_answered_once_and_changes_nothing(
    database: Database, server: FakeTelegramServer
) -> None:
    user = TelegramUser(server)
    async with polling_bot(database, server):
        await at_menu(user)
        typed = user.says("/tinbao")
        await user.reads("tip.ask.category", buttons=True)
        user.edits(typed, "/sukien")
        await user.reads("input.edited")
        user.edits(typed, "/trogiup")  # edited again: nothing more is said
        user.says("/trogiup")
        await user.reads("help.step")  # still in the tip, at its first step
    told = [m for m in user.received if t("input.edited") in m.get("text", "")]
    assert len(told) == 1


async def test_channel_posts_are_ignored(
    sqlite_database: Database, server: FakeTelegramServer
) -> None:
    post = {
        "update_id": 2,
        "channel_post": {
            "message_id": 3,
            "date": 1_760_000_000,
            "chat": {"id": -1001234567890, "type": "channel", "title": "Tin"},
            "text": "/start",
        },
    }
    async with webhook_bot(sqlite_database, server) as bot, httpx.AsyncClient() as client:
        response = await client.post(bot.url, json=post, headers=secret_header(SECRET))
        assert response.status_code == 200
    assert server.sent_messages() == []
    assert await member_ids(sqlite_database) == []


async def test_an_update_delivered_twice_is_answered_once(
    database: Database, server: FakeTelegramServer
) -> None:
    user = TelegramUser(server)
    async with polling_bot(database, server):
        await at_menu(user)
        before = len(user.received)
        update_id = user.says("/help")
        # The same update again, in the same batch of getUpdates.
        server.queue_update(next(u for u in server.updates if u["update_id"] == update_id))
        await user.reads("help.home")
        # Replies in one chat keep their order: once /menu is answered, so is all before it.
        user.says("/menu")
        await user.reads("menu.prompt", buttons=True)
    help_replies = [m for m in user.received[before:] if t("help.home") in m["text"]]
    assert len(help_replies) == 1


async def test_a_long_reply_is_split_on_lines_within_the_limit(
    sqlite_database: Database, server: FakeTelegramServer
) -> None:
    lines = [f"Dòng {number}: " + "nội dung dài " * 20 for number in range(100)]
    async with polling_bot(sqlite_database, server) as channel:
        await send_replies(channel, [Text("\n".join(lines))])
    sent = [m["text"] for m in server.sent_messages(USER)]
    assert len(sent) > 1
    assert all(len(piece) <= MAX_TEXT_LENGTH for piece in sent)
    assert "\n".join(sent).split("\n") == lines


async def test_a_group_gets_one_polite_answer(
    sqlite_database: Database, server: FakeTelegramServer
) -> None:
    group = -4001234567
    async with polling_bot(sqlite_database, server):
        server.group_message(group, USER, "/start", first_name="Lan")
        server.group_message(group, USER + 1, "chào bot")
        await server.wait_for_updates_consumed()
        (answer,) = await server.wait_for_messages(group, 1)
        await server.wait_for(lambda: server.pending_update_count == 0)
    assert answer["text"] == t("telegram.private_only", link="https://t.me/antq_test_bot")
    assert len(server.sent_messages(group)) == 1
    assert await member_ids(sqlite_database) == []


async def test_a_sticker_gets_a_polite_answer(
    sqlite_database: Database, server: FakeTelegramServer
) -> None:
    user = TelegramUser(server)
    async with polling_bot(sqlite_database, server):
        category = await at_category(user)
        user.sends_sticker()
        answer = await user.reads("input.unsupported")
        # The question's buttons are still on screen above: they are not sent again.
        assert t("tip.ask.category") not in answer["text"] and "reply_markup" not in answer
        assert "inline_keyboard" in user.current(category)["reply_markup"]


async def test_a_blocked_user_is_marked_inactive_until_they_write_again(
    database: Database, server: FakeTelegramServer
) -> None:
    user = TelegramUser(server)
    async with polling_bot(database, server):
        await at_menu(user)
        server.fail_next("sendMessage", status=403, chat_id=USER)
        sent_before = len(user.received)
        user.says("/help")
        await server.wait_for(lambda: server.calls("sendMessage")[-1].status == 403)
        await server.wait_for_updates_consumed()
        assert not await _eventually(identity_active, database, want=False)
        assert len(user.received) == sent_before, "nothing more was sent after the 403"
        user.says("/help")
        await user.reads("help.home")
        assert await identity_active(database)


async def test_blocking_the_bot_marks_the_identity_inactive(
    sqlite_database: Database, server: FakeTelegramServer
) -> None:
    user = TelegramUser(server)
    async with polling_bot(sqlite_database, server):
        await at_menu(user)
        server.user_blocks_bot(USER)
        assert not await _eventually(identity_active, sqlite_database, want=False)


async def test_a_failed_send_is_retried_until_delivered(
    sqlite_database: Database, server: FakeTelegramServer
) -> None:
    user = TelegramUser(server)
    async with polling_bot(sqlite_database, server):
        server.fail_next("sendMessage", status=502, chat_id=USER)
        server.fail_next("sendMessage", status=500, chat_id=USER)
        user.says("/start")
        await user.reads("menu.prompt", buttons=True)
    statuses = [call.status for call in server.calls("sendMessage")]
    assert statuses == [502, 500, 200]


# PTB >= 22.2 itself warns while building RetryAfter unless PTB_TIMEDELTA is set.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_too_many_requests_waits_retry_after(
    sqlite_database: Database, server: FakeTelegramServer
) -> None:
    user = TelegramUser(server)
    async with polling_bot(sqlite_database, server):
        server.fail_next("sendMessage", status=429, retry_after=1, chat_id=USER)
        user.says("/start")
        await user.reads("menu.prompt", buttons=True)
    first, second = server.calls("sendMessage")
    assert (first.status, second.status) == (429, 200)
    assert second.time - first.time >= 1.0


async def test_the_command_menu_is_set_in_vietnamese_and_english(
    sqlite_database: Database, server: FakeTelegramServer
) -> None:
    async with polling_bot(sqlite_database, server):
        pass
    menus = {language: commands for (_scope, language), commands in server.commands.items()}
    assert set(menus) == {"", "en"}
    names = [command["command"] for command in menus[""]]
    assert {"start", "menu", "help", "cancel", "back", "status"} <= set(names)
    assert menus[""][0]["description"] == t("telegram.command.start")
    assert menus["en"][0]["description"] == t("telegram.command.start", "en")


async def _eventually(
    probe: Callable[[Database], Awaitable[bool]], database: Database, *, want: bool
) -> bool:
    """``probe``'s answer once it is ``want`` (or after two seconds, whatever it is then)."""
    for _ in range(200):
        value = await probe(database)
        if value == want:
            return value
        await asyncio.sleep(0.01)
    return await probe(database)


async def test_a_failing_update_is_logged_without_its_content_and_the_bot_goes_on(
    sqlite_database: Database,
    server: FakeTelegramServer,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret_words = "Số của tôi là 0912345678"
    user = TelegramUser(server)
    async with polling_bot(sqlite_database, server) as channel:

        async def broken(message: Inbound, *rules: object) -> list[Reply]:
            raise RuntimeError(f"failed on {message.text} from {message.user_id}")

        monkeypatch.setattr(channel.processor, "process", broken)
        with caplog.at_level(logging.ERROR):
            user.says(secret_words)
            for _ in range(200):
                if "RuntimeError" in caplog.text:
                    break
                await asyncio.sleep(0.01)
        monkeypatch.undo()
        user.says("/start")
        await user.reads("menu.prompt", buttons=True)
    assert "handling a telegram message update failed: RuntimeError" in caplog.text
    assert "0912345678" not in caplog.text and str(USER) not in caplog.text


async def test_typing_shows_only_while_an_answer_is_slow(
    sqlite_database: Database, server: FakeTelegramServer
) -> None:
    """Quick answers go out without "typing…" (it would only spend the bot's request budget);
    an answer that takes a while shows it."""
    user = TelegramUser(server)
    async with polling_bot(sqlite_database, server, typing_after=5.0):
        user.says("/start")
        await user.reads("menu.prompt", buttons=True)
    assert not server.calls("sendChatAction")

    async with polling_bot(sqlite_database, server, typing_after=0.05) as channel:
        process = channel.router.processor.process

        async def slowly(message: Any, *rules: Any) -> Any:
            await asyncio.sleep(0.3)
            return await process(message, *rules)

        channel.router.processor.process = slowly  # type: ignore[method-assign]
        user.says("/menu")
        await server.wait_for_messages(user.user_id, 2)
    assert server.calls("sendChatAction")


async def test_an_officer_opening_a_tip_gets_its_photo_and_takes_it_with_one_tap(
    database: Database, server: FakeTelegramServer
) -> None:
    officer_id = await an_officer_of_do_luong(database)
    tipster, officer = TelegramUser(server), TelegramUser(server, OFFICER)
    async with polling_bot(database, server):
        await send_a_whole_anonymous_tip(tipster, commune="do luong")
        async with database.transaction() as session:
            (tip,) = await list_tips(session)
        code = format_tip_code(tip.code)
        await at_menu(officer)
        officer.says(f"/xemtin {code}")
        question = await officer.reads("inbox.ask_action_opened", buttons=True, code=code)
        opened = officer.received[-3:]
        assert [m["method"] for m in opened] == ["sendMessage", "sendPhoto", "sendMessage"]
        assert DESCRIPTION in opened[0]["text"]
        # The photo the tipster sent, by the file id Telegram gave it: no download, no upload.
        assert opened[1]["photo"] == PHOTO_FILE_ID
        assert opened[1]["caption"] == t(
            "inbox.attachment.caption", code=code, number=1, count=1, kind=t("media.photo")
        )
        officer.taps(question, "inbox.action.take")
        taken = await officer.reads("menu.prompt", buttons=True)
        assert t("inbox.taken", code=code) in taken["text"]
    async with database.transaction() as session:
        taken = await find_tip_by_code(session, tip.code)
    assert taken is not None
    assert (taken.status, taken.handler_member_id) == ("acknowledged", officer_id)
    assert "reply_markup" not in officer.current(question)  # tapped once, gone
    assert server.unanswered_callback_queries() == []


async def test_files_telegram_cannot_send_become_lines_and_the_buttons_still_come(
    sqlite_database: Database, server: FakeTelegramServer
) -> None:
    voice = server.add_file(file_id="AwACAgUAAxkBAAIBvoice", file_size=9_000)
    expired = server.add_file(file_id="AgACAgUAAxkBAAIBexpired", file_size=1_000)
    replies: list[Reply] = [
        numbered_file("voice", voice, "telegram", 1),
        numbered_file("photo", expired, "telegram", 2),  # Telegram refuses it below
        numbered_file("photo", "https://photo.zalo.example/abc.jpg", "zalo", 3),  # a URL: fetched
        numbered_file("voice", "https://voice.zalo.example/v.aac", "zalo", 4),  # not by URL
        Choices("Chọn thao tác", (Option("take", "Nhận xử lý"),), "tip"),
    ]
    server.fail_next(
        "sendPhoto",
        status=400,
        description="Bad Request: wrong file identifier/HTTP URL specified",
        chat_id=USER,
    )
    async with polling_bot(sqlite_database, server) as channel:
        await send_replies(channel, replies)
    sent = server.sent_messages(USER)
    assert [(m["method"], m.get("text") or m.get("caption")) for m in sent] == [
        ("sendVoice", "Tệp 1"),
        ("sendMessage", "📎 Tệp 2 không còn"),
        ("sendPhoto", "Tệp 3"),
        # A line and the question after it travel as one message.
        ("sendMessage", "📎 Tệp 4 ở zalo\n\nChọn thao tác"),
    ]
    assert sent[0]["voice"] == voice
    assert sent[2]["photo"] == "https://photo.zalo.example/abc.jpg"
    assert sent[-1]["reply_markup"]["inline_keyboard"][0][0]["text"] == "Nhận xử lý"


async def test_a_new_user_is_answered_in_their_apps_language_or_asked_for_one(
    sqlite_database: Database, server: FakeTelegramServer
) -> None:
    async with polling_bot(sqlite_database, server):
        server.user_sends_text(USER, "/start", language_code="en-GB")
        (english,) = await server.wait_for_messages(USER, 1)
        assert t("language.from_app", "en") in english["text"]
        assert t("menu.prompt", "en") in english["text"]
        # The language stays changeable: the language flow is one command away.
        server.user_sends_text(USER, "/ngonngu", language_code="en-GB")
        changing = await server.wait_for_messages(USER, 2)
        assert t("language.prompt", "en") in changing[-1]["text"]

        other = USER + 1
        server.user_sends_text(other, "/start", language_code="ru")
        (asked,) = await server.wait_for_messages(other, 1)
        assert t("language.prompt") in asked["text"]


@pytest.mark.parametrize("language_code", ["vi", "en"])
async def test_a_wrong_choice_points_to_the_buttons_without_numbers_nor_the_list_again(
    sqlite_database: Database, server: FakeTelegramServer, language_code: str
) -> None:
    user = TelegramUser(server)
    locale = language_code
    async with polling_bot(sqlite_database, server):
        user.says("/start", language_code=language_code)
        menu = await user.reads("menu.prompt", buttons=True, locale=locale)
        user.taps(menu, "menu.tip", locale=locale)
        category = await user.reads("tip.ask.category", buttons=True, locale=locale)
        sent_before = len(user.received)
        user.says("xe may", language_code=language_code)
        answer = await user.reads("input.choose_button", locale=locale)
        assert len(user.received) == sent_before + 1  # the explanation alone
        assert t("input.choose_option", locale, count=14) not in answer["text"]
        assert "reply_markup" not in answer
        # The category's buttons are still there and still answer it.
        user.taps(category, "tip.category.drugs", locale=locale)
        await user.reads("tip.ask.description", locale=locale)
        # A word typed with an invisible space in it matches too.
        user.says("/huy", language_code=language_code)
        menu = await user.reads("menu.prompt", buttons=True, locale=locale)
        user.taps(menu, "menu.tip", locale=locale)
        await user.reads("tip.ask.category", buttons=True, locale=locale)
        user.says("ma\u200btuy\x07", language_code=language_code)
        await user.reads("tip.ask.description", locale=locale)
