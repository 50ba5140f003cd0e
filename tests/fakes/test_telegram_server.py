"""Tests of the fake Telegram Bot API server, driven by the real python-telegram-bot."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import telegram
from aiohttp import web
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from tests.fakes.telegram_server import FakeTelegramServer

USER = 5550001
# PTB >= 22.2 warns when RetryAfter.retry_after is read as int (set PTB_TIMEDELTA=1 to opt in).
_RETRY_AFTER_WARNING = "ignore::telegram.warnings.PTBDeprecationWarning"


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    """A running fake server."""
    async with FakeTelegramServer() as fake:
        yield fake


@pytest.fixture
async def bot(server: FakeTelegramServer) -> AsyncIterator[telegram.Bot]:
    """A real PTB Bot pointed at the fake server."""
    async with telegram.Bot(
        server.token, base_url=server.base_url, base_file_url=server.base_file_url
    ) as real_bot:
        yield real_bot


def _seconds(value: int | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def test_get_me(server: FakeTelegramServer, bot: telegram.Bot) -> None:
    """getMe returns the bot user (PTB's initialize() already called it)."""
    me = await bot.get_me()
    assert me.is_bot
    assert me.username == "antq_test_bot"
    assert me.id == server.bot_user["id"]
    assert server.calls("getMe")
    assert server.rejected == []


async def test_send_message_records_and_numbers_per_chat(
    server: FakeTelegramServer, bot: telegram.Bot
) -> None:
    """Sent messages are recorded per chat with incrementing message ids."""
    first = await bot.send_message(USER, "xin chào")
    second = await bot.send_message(USER, "lần hai")
    other = await bot.send_message(USER + 1, "other chat")
    assert (first.message_id, second.message_id, other.message_id) == (1, 2, 1)
    assert first.chat.type == "private"
    assert first.from_user is not None
    assert first.from_user.is_bot
    assert [m["text"] for m in server.sent_messages(USER)] == ["xin chào", "lần hai"]
    assert server.sent_messages(USER)[0]["message_id"] == 1
    assert len(server.sent_messages()) == 3


async def test_text_too_long_is_rejected(server: FakeTelegramServer, bot: telegram.Bot) -> None:
    """4096 characters pass, 4097 are refused with 400 and recorded."""
    await bot.send_message(USER, "a" * 4096)
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await bot.send_message(USER, "a" * 4097)
    assert len(server.rejected) == 1
    assert server.rejected[0].method == "sendMessage"
    assert len(server.sent_messages(USER)) == 1


async def test_text_length_counts_after_entity_parsing(
    server: FakeTelegramServer, bot: telegram.Bot
) -> None:
    """HTML tags do not count towards the 4096 limit; broken HTML is refused."""
    await bot.send_message(USER, "<b>" + "a" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)Unsupported start tag"):
        await bot.send_message(USER, "1 < 2 <foo>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)reserved"):
        await bot.send_message(USER, "Giá: 10.000đ", parse_mode=ParseMode.MARKDOWN_V2)
    with pytest.raises(BadRequest, match=r"(?i)empty"):
        await bot.send_message(USER, "<b> </b>", parse_mode=ParseMode.HTML)
    assert len(server.rejected) == 3


async def test_callback_data_over_64_bytes_is_rejected(
    server: FakeTelegramServer, bot: telegram.Bot
) -> None:
    """callback_data is limited in UTF-8 bytes: 32 'ă' pass, 33 fail."""
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="ă" * 32)]])
    await bot.send_message(USER, "fits", reply_markup=ok)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="ă" * 33)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "does not fit", reply_markup=too_long)
    assert [c.description for c in server.rejected] == ["Bad Request: BUTTON_DATA_INVALID"]
    sent = server.sent_messages(USER)
    assert sent[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "ă" * 32


async def test_text_only_inline_button_is_rejected(bot: telegram.Bot) -> None:
    """An inline button needs exactly one action field."""
    with pytest.raises(BadRequest, match=r"(?i)text buttons are unallowed"):
        await bot._post(
            "sendMessage",
            {"chat_id": USER, "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "a"}]]}},
        )


async def test_unknown_parameter_is_rejected(server: FakeTelegramServer, bot: telegram.Bot) -> None:
    """A parameter the method does not have is refused."""
    with pytest.raises(BadRequest, match=r"(?i)bogus"):
        await bot.send_message(USER, "hi", api_kwargs={"bogus": 1})
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            f"{server.api_url}/sendMessage", json={"chat_id": USER, "text": "x", "bogus": 1}
        )
    assert answer.status_code == 400
    assert answer.json()["ok"] is False
    assert len(server.rejected) == 2


async def test_missing_and_wrongly_typed_parameters(server: FakeTelegramServer) -> None:
    """Missing required parameters, wrong basic types and unknown methods are refused."""
    async with httpx.AsyncClient(base_url=server.api_url + "/") as client:
        missing = await client.post("sendMessage", data={"chat_id": "1"})
        wrong = await client.post(
            "sendMessage", data={"chat_id": "1", "text": "x", "protect_content": "maybe"}
        )
        unknown = await client.post("sendTelepathy", data={"chat_id": "1"})
    assert missing.status_code == 400
    assert "text" in missing.json()["description"]
    assert wrong.status_code == 400
    assert unknown.status_code == 404
    assert unknown.json() == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found: method not found",
    }
    assert len(server.rejected) == 3


async def test_wrong_token(server: FakeTelegramServer) -> None:
    """A different token is answered 401, which PTB reports as InvalidToken."""
    other = telegram.Bot("42:wrong", base_url=server.base_url)
    with pytest.raises(InvalidToken):
        await other.initialize()
    await other.shutdown()
    assert [c.status for c in server.rejected] == [401]


async def test_get_updates_and_offset(server: FakeTelegramServer, bot: telegram.Bot) -> None:
    """Queued updates are returned until confirmed by a higher offset."""
    first = server.user_sends_text(USER, "một")
    second = server.user_sends_command(USER, "/start abc")
    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [first, second]
    assert updates[0].message is not None
    assert updates[0].message.text == "một"
    assert updates[1].message is not None
    assert updates[1].message.entities[0].type == "bot_command"
    again = await bot.get_updates(offset=first + 1, timeout=0)
    assert [u.update_id for u in again] == [second]
    assert await bot.get_updates(offset=second + 1, timeout=0) == ()
    assert server.pending_update_count == 0


async def test_long_poll_returns_early(server: FakeTelegramServer, bot: telegram.Bot) -> None:
    """A long poll waits, and returns as soon as an update is queued."""
    started = time.monotonic()
    empty = await bot.get_updates(timeout=1)
    assert empty == ()
    assert time.monotonic() - started >= 0.9

    async def later() -> None:
        await asyncio.sleep(0.2)
        server.user_sends_text(USER, "hello")

    task = asyncio.create_task(later())
    started = time.monotonic()
    updates = await bot.get_updates(timeout=10)
    await task
    assert len(updates) == 1
    assert time.monotonic() - started < 2


@pytest.mark.filterwarnings(_RETRY_AFTER_WARNING)
async def test_fail_next_429_and_403(server: FakeTelegramServer, bot: telegram.Bot) -> None:
    """Injected 429 raises RetryAfter with the right delay, 403 raises Forbidden."""
    server.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "x")
    assert _seconds(caught.value.retry_after) == 7
    server.fail_next("sendMessage", status=403)
    with pytest.raises(Forbidden, match=r"(?i)blocked"):
        await bot.send_message(USER, "x")
    await bot.send_message(USER, "x")
    assert len(server.sent_messages(USER)) == 1
    assert server.rejected == []


async def test_fail_next_gateway_error_is_network_error(
    server: FakeTelegramServer, bot: telegram.Bot
) -> None:
    """A 502 HTML page from the gateway surfaces as NetworkError."""
    server.fail_next("sendMessage", status=502, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.send_message(USER, "x")
    await bot.send_message(USER, "x")


async def test_blocked_user(server: FakeTelegramServer, bot: telegram.Bot) -> None:
    """After the user blocks the bot, sends answer 403 and my_chat_member is queued."""
    server.user_blocks_bot(USER)
    with pytest.raises(Forbidden):
        await bot.send_message(USER, "x")
    updates = await bot.get_updates(timeout=0)
    assert updates[0].my_chat_member is not None
    assert updates[0].my_chat_member.new_chat_member.status == "kicked"


@pytest.mark.filterwarnings(_RETRY_AFTER_WARNING)
async def test_rate_limits(server: FakeTelegramServer, bot: telegram.Bot) -> None:
    """Over 1 message per second to one chat, after a short burst, answers 429 and counts
    throttled."""
    server.enforce_rate_limits(total_per_second=30, per_chat_per_second=1, per_chat_burst=1)
    await bot.send_message(USER, "1")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "2")
    assert _seconds(caught.value.retry_after) >= 1
    await bot.send_message(USER + 1, "other chat is fine")
    assert server.throttled == 1
    assert server.rejected == []
    server.enforce_rate_limits(total_per_second=30, per_chat_per_second=1)  # a burst of 3
    for text in ("a", "b", "c"):
        await bot.send_message(USER + 2, text)
    with pytest.raises(RetryAfter):
        await bot.send_message(USER + 2, "d")
    assert server.throttled == 2


async def test_edit_and_callback_flow(server: FakeTelegramServer, bot: telegram.Bot) -> None:
    """Tapping a button produces a callback query on the bot's message; edits apply."""
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Có", callback_data="yes")]])
    sent = await bot.send_message(USER, "Bạn chắc chứ?", reply_markup=markup)
    server.user_taps_button(USER, sent.message_id, "yes")
    (update,) = await bot.get_updates(timeout=0)
    query = update.callback_query
    assert query is not None
    assert query.data == "yes"
    assert query.message is not None
    assert query.message.message_id == sent.message_id
    assert server.unanswered_callback_queries() == [query.id]
    await bot.answer_callback_query(query.id)
    assert server.unanswered_callback_queries() == []
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query.id)
    await bot.edit_message_text("Đã xác nhận", chat_id=USER, message_id=sent.message_id)
    assert server.message(USER, sent.message_id)["text"] == "Đã xác nhận"
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text("Đã xác nhận", chat_id=USER, message_id=sent.message_id)
    with pytest.raises(ValueError, match=r"(?i)no button"):
        server.user_taps_button(USER, sent.message_id, "yes")


async def test_a_message_sent_with_a_reply_keyboard_cannot_be_edited(
    server: FakeTelegramServer, bot: telegram.Bot
) -> None:
    """Telegram edits only messages without reply_markup or with an inline keyboard."""
    inline = InlineKeyboardMarkup([[InlineKeyboardButton("Có", callback_data="yes")]])
    for markup in (ReplyKeyboardRemove(), ReplyKeyboardMarkup([["Có"]])):
        sent = await bot.send_message(USER, "Câu hỏi", reply_markup=markup)
        with pytest.raises(BadRequest, match=r"(?i)can't be edited"):
            await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=inline)
    plain = await bot.send_message(USER, "Câu hỏi")
    await bot.edit_message_reply_markup(USER, plain.message_id, reply_markup=inline)
    assert [call.method for call in server.rejected] == ["editMessageReplyMarkup"] * 2


async def test_commands_and_chat_action(server: FakeTelegramServer, bot: telegram.Bot) -> None:
    """setMyCommands/getMyCommands round-trip; chat actions are validated."""
    await bot.set_my_commands([("start", "Bắt đầu"), ("help", "Trợ giúp")])
    commands = await bot.get_my_commands()
    assert [c.command for c in commands] == ["start", "help"]
    with pytest.raises(BadRequest):
        await bot.set_my_commands([("Start", "bad name")])
    await bot.send_chat_action(USER, "typing")
    assert len(server.calls("sendChatAction")) == 1
    assert server.sent_messages(USER) == []


async def test_files(server: FakeTelegramServer, bot: telegram.Bot) -> None:
    """User photos can be fetched with getFile and downloaded; uploads are recorded."""
    server.user_sends_photo(USER, file_id="PHOTO1", file_size=1234, caption="bill")
    (update,) = await bot.get_updates(timeout=0)
    assert update.message is not None
    assert update.message.photo[-1].file_id == "PHOTO1"
    file = await bot.get_file("PHOTO1")
    data = await file.download_as_bytearray()
    assert len(data) == 1234
    server.user_sends_document(USER, file_id="BIG", file_size=25 * 1024 * 1024)
    with pytest.raises(BadRequest, match=r"(?i)too big"):
        await bot.get_file("BIG")
    sent = await bot.send_photo(USER, photo=b"\x89PNG fake bytes", caption="ảnh")
    assert sent.photo
    (record,) = server.sent_messages(USER)
    assert record["method"] == "sendPhoto"
    assert record["photo"].data == b"\x89PNG fake bytes"
    assert record["caption"] == "ảnh"
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_photo(USER, photo="PHOTO1", caption="x" * 1025)


async def test_webhook_delivery_with_secret_and_retry(
    server: FakeTelegramServer, bot: telegram.Bot
) -> None:
    """After setWebhook, updates are POSTed with the secret header and retried on errors."""
    received: list[tuple[str | None, dict[str, Any]]] = []
    statuses = [500]

    async def receive(request: web.Request) -> web.Response:
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return web.Response(status=statuses.pop(0) if statuses else 200)

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cr3t-Token_1")
        info = await bot.get_webhook_info()
        assert info.url.endswith("/hook")
        with pytest.raises(Conflict):
            await bot.get_updates(timeout=0)
        update_id = server.user_sends_text(USER, "qua webhook")
        await server.wait_for(lambda: server.webhook_deliveries, timeout=5)
        assert [r[0] for r in received] == ["s3cr3t-Token_1", "s3cr3t-Token_1"]
        assert received[-1][1]["update_id"] == update_id
        assert server.webhook_deliveries[0].attempts == 2
        assert server.webhook_deliveries[0].ok
        update = Update.de_json(received[-1][1], bot)
        assert update.message is not None
        assert update.message.text == "qua webhook"
        await bot.delete_webhook()
        server.user_sends_text(USER, "polling again")
        assert len(await bot.get_updates(timeout=0)) == 1
    finally:
        await runner.cleanup()
    assert [c.method for c in server.rejected] == ["getUpdates"]


async def test_webhook_rejects_plain_http_outside_loopback(bot: telegram.Bot) -> None:
    """Like Telegram, a non-HTTPS webhook is refused (loopback is allowed for tests)."""
    with pytest.raises(BadRequest, match=r"(?i)HTTPS"):
        await bot.set_webhook("http://example.com/hook")


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    payload = " ".join(context.args or [])
    await update.effective_message.reply_text(
        f"Chào! payload={payload}",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Tiếp", callback_data="next")]]),
    )


async def _next(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text("Bước 2")


async def test_real_application_polling(server: FakeTelegramServer) -> None:
    """A whole PTB Application runs against the fake with long polling, without a bad call."""
    app: Application = (  # type: ignore[type-arg]
        ApplicationBuilder()
        .token(server.token)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(CallbackQueryHandler(_next))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=5, poll_interval=0)
        try:
            server.user_opens_deep_link(USER, "ref_42")
            (sent,) = await server.wait_for_messages(USER, 1)
            assert sent["text"] == "Chào! payload=ref_42"
            server.user_taps_button(USER, sent["message_id"], "next")
            await server.wait_for_call("editMessageText")
            assert server.message(USER, sent["message_id"])["text"] == "Bước 2"
            assert server.unanswered_callback_queries() == []
        finally:
            await app.updater.stop()
            await app.stop()
    assert server.rejected == []
