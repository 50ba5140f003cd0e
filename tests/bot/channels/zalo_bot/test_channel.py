"""The Zalo channel end to end: our real client and channel, the fake Zalo API, a database.

Each scenario runs in polling and in webhook mode; those touching storage run on SQLite and
(when reachable) PostgreSQL through the ``database`` fixture.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import text as sql

from bot.channels.zalo_bot.channel import WEBHOOK_PATH, ZaloChannel
from bot.channels.zalo_bot.inbound import to_inbound
from bot.channels.zalo_bot.updates import parse_update
from bot.processor import MessageProcessor
from bot.reply_path import Batch
from bot.retrying import RetryPolicy
from bot.sealing import Sealer
from bot.settings import Settings
from conversations.menu import build_engine
from conversations.replies import Choices, Inbound, MediaItem, Option, Reply, Text
from storage.database import Database
from storage.tips import list_tips
from tests.bot.channels.harness import (
    MODES,
    Mode,
    ZaloUser,
    at_tip_start,
    numbered_file,
    running_bot,
)
from tests.bot.channels.harness import ZALO_NAME as NAME
from tests.bot.channels.harness import ZALO_PHOTO as PHOTO
from tests.bot.channels.harness import ZALO_SECRET as SECRET
from tests.bot.channels.harness import ZALO_USER as USER
from tests.conversations.harness import ANONYMOUS_PATH, CATALOGUES, DESCRIPTION, t
from tests.fakes.zalo_server import SECRET_HEADER, FakeZaloServer
from tests.harness import PATIENCE, wait_until


async def identity_active(database: Database, user_id: str) -> bool:
    async with database.transaction() as session:
        query = sql(
            "SELECT active FROM identities WHERE channel = 'zalo' AND platform_user_id = :u"
        )
        return bool((await session.execute(query, {"u": user_id})).scalar_one())


@pytest.mark.parametrize("mode", MODES)
async def test_an_anonymous_tip_with_a_photo_is_stored(database: Database, mode: Mode) -> None:
    async with at_tip_start(database, mode) as (bot, user):
        assert re.search(r"^  1\. ", user.texts[-1], re.MULTILINE)  # choices as a numbered list
        for (_, answer), (next_key, _) in itertools.pairwise(ANONYMOUS_PATH[:6]):
            await user.say(str(answer["text"]), expect=t(next_key))
        photo = bot.server.image_event(USER, photo=PHOTO, display_name=NAME)
        await user.send(photo, expect=t("input.attachment_received", count=1, maximum=5))
        await user.say("xong", expect=t("tip.ask.identity"))
        await user.say("1", expect=t("summary.question"))
        await user.say("1", expect=t("menu.prompt"))
        assert bot.server.rejected == []

    async with database.transaction() as session:
        (tip,) = await list_tips(session)
    assert tip.anonymous and tip.member_id is None
    assert tip.description == DESCRIPTION
    assert [(a.kind, a.channel, a.file_id) for a in tip.attachments] == [("photo", "zalo", PHOTO)]
    assert tip.code[:4] in user.text


@pytest.mark.parametrize("mode", MODES)
async def test_the_same_event_delivered_twice_is_answered_once(
    sqlite_database: Database, mode: Mode
) -> None:
    async with at_tip_start(sqlite_database, mode) as (bot, user):
        choose_drugs = bot.server.text_event(USER, "1")
        await user.send(choose_drugs, expect=t("tip.ask.description"))
        bot.server.queue_event(choose_drugs)  # Zalo delivers the same message again
        answer = await user.say(DESCRIPTION, expect=t("tip.ask.place"))
    # Had the copy been processed, "1" would have become the description and the real
    # description the place, so the time would be asked now.
    assert len(answer) == 1 and t("tip.ask.time") not in answer[0]


@pytest.mark.parametrize("mode", MODES)
async def test_a_sticker_gets_a_polite_request_to_type(
    sqlite_database: Database, mode: Mode
) -> None:
    async with at_tip_start(sqlite_database, mode) as (bot, user):
        await user.send(bot.server.sticker_event(USER), expect=t("tip.ask.category"))
        assert t("input.unsupported") in user.text
        await user.send(bot.server.unsupported_event(USER), expect=t("tip.ask.category"))
        assert t("input.unsupported") in user.text


async def test_a_webhook_without_the_right_secret_is_refused(sqlite_database: Database) -> None:
    async with running_bot(sqlite_database, "webhook") as bot:
        assert bot.web is not None
        assert bot.server.webhook_url == bot.web.url + WEBHOOK_PATH
        assert bot.server.webhook_secret == SECRET
        event = bot.server.text_event(USER, "/start")
        wrong = await bot.server.post_to_webhook(event, secret="not-the-secret")
        async with httpx.AsyncClient() as http:
            missing = await http.post(bot.server.webhook_url, json=event)
            right = await http.post(
                bot.server.webhook_url, json=event, headers={SECRET_HEADER: SECRET}
            )
        assert (wrong.status, missing.status_code, right.status_code) == (403, 403, 200)
        # Applied after the answer (the inbox): only the rightful request is.
        await wait_until(lambda: bot.server.sent_texts(USER), what="the answer sent")
        assert await bot.channel.drain(PATIENCE)
        assert len(bot.server.sent_texts(USER)) == 1


@pytest.mark.parametrize(
    ("mode", "shape"),
    [("polling", {"poll_shape": "bare"}), ("webhook", {"webhook_shape": "envelope"})],
)
async def test_updates_are_read_bare_or_in_an_envelope(
    sqlite_database: Database, mode: Mode, shape: dict[str, Any]
) -> None:
    async with running_bot(sqlite_database, mode, server_options=shape) as bot:
        await ZaloUser(bot.server).say("/start", expect=t("language.prompt"))


async def test_a_group_message_is_sent_to_a_private_chat(sqlite_database: Database) -> None:
    async with running_bot(sqlite_database, "polling") as bot:
        user = ZaloUser(bot.server)
        group = bot.server.text_event(USER, "/start", chat_id="group-7", chat_type="GROUP")
        bot.server.queue_event(group)
        (notice,) = await bot.server.wait_for_texts("group-7", 1)
        assert notice == t("zalo_bot.private_only")
        await user.say("/start", expect=t("language.prompt"))  # a private chat works


FAST_RETRY = {"retry": RetryPolicy(attempts=4, first_delay=0.01, multiplier=2.0, max_delay=0.05)}


@pytest.mark.parametrize("code", [403, 408])
async def test_a_403_or_408_is_a_passing_fault_retried_and_nobody_is_marked_blocked(
    sqlite_database: Database, code: int
) -> None:
    # Zalo's 403 is "Internal server error", 408 a timeout: neither says the user left.
    async with running_bot(sqlite_database, "polling", client_options=FAST_RETRY) as bot:
        user = ZaloUser(bot.server)
        bot.server.fail_next("sendMessage", error_code=code, description="Internal server error")
        await user.say("Xin chào", expect=t("language.prompt"))
        failed = [c.error_code for c in bot.server.calls("sendMessage") if c.error_code]
        assert failed == [code]
        assert len(bot.server.sent_texts(USER)) == 1
        await user.say("1", expect=t("menu.prompt"))
    assert await identity_active(sqlite_database, USER)


async def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
    """Wait until ``condition()`` holds (something the channel sets, not the fake server)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_a_refused_token_pauses_the_channel_and_loses_no_reply(
    sqlite_database: Database,
) -> None:
    async with running_bot(sqlite_database, "webhook", token_wait=0.3) as bot:
        assert bot.channel.health_problems() == []
        bot.server.fail_next("sendMessage", error_code=401, description="Unauthorized", times=2)
        assert bot.web is not None
        async with httpx.AsyncClient() as http:
            event = bot.server.text_event(USER, "Xin chào", display_name=NAME)
            delivery = await bot.server.post_to_webhook(event)
            assert delivery.ok  # the update is taken and its replies kept
            await bot.server.wait_for(lambda: len(bot.server.calls("sendMessage")) >= 1)
            await eventually(lambda: bot.channel.token_refused)
            health = await http.get(bot.web.url + "/healthz")
            assert health.status_code == 503 and "ANTQ_ZALO_TOKEN" in health.text
            # The operator sets a new token; the kept reply goes out once, in the end.
            (prompt,) = await bot.server.wait_for_texts(USER, 1, timeout=5)
            assert t("language.prompt") in prompt
            await bot.channel.drain(5)
            assert not bot.channel.token_refused
            assert (await http.get(bot.web.url + "/healthz")).status_code == 200
    assert await identity_active(sqlite_database, USER)


async def test_a_send_that_timed_out_after_it_went_is_not_sent_again(
    sqlite_database: Database,
) -> None:
    client_options = {"timeout": 0.3, **FAST_RETRY}
    async with running_bot(sqlite_database, "polling", client_options=client_options) as bot:
        user = ZaloUser(bot.server)
        bot.server.answer_late("sendMessage", 1.0)
        bot.server.user_sends_text(USER, "Xin chào", display_name=NAME)
        await bot.server.wait_for(lambda: bot.server.sent_texts(USER))
        # The batch is done once the send gave up: a blind retry would have reached the fake
        # (which records a message as it takes it) before that.
        assert await bot.channel.drain(5)
        assert len(bot.server.sent_texts(USER)) == 1
        await user.say("1", expect=t("menu.prompt"))  # and the chat goes on


def test_a_photo_s_caption_and_a_voice_message_are_read() -> None:
    envelope = {
        "ok": True,
        "result": {
            "event_name": "message.image.received",
            "message": {
                "message_id": "2f6a",
                "date": 1733000000000,
                "message_type": "CHAT_PHOTO",
                "photo_url": PHOTO,
                "caption": "Xe này đỗ trước nhà tôi",
                "chat": {"id": USER, "chat_type": "PRIVATE"},
                "from": {"id": USER, "display_name": NAME},
            },
        },
    }
    update = parse_update(envelope)
    assert update is not None
    inbound = to_inbound(update)
    assert inbound.media == MediaItem("photo", PHOTO, caption="Xe này đỗ trước nhà tôi")
    assert inbound.text is None  # a caption is never read as a command or an answer
    voice = {"event_name": "message.voice.received", "message": {**envelope["result"]["message"]}}
    voice["message"] = {**voice["message"], "voice_url": "https://voice.example/v.aac"}
    voice_update = parse_update(voice)
    assert voice_update is not None
    assert to_inbound(voice_update).media == MediaItem("voice", "https://voice.example/v.aac")


async def test_a_voice_message_is_stored_with_the_tip(sqlite_database: Database) -> None:
    async with at_tip_start(sqlite_database, "webhook") as (bot, user):
        for (_, answer), (next_key, _) in itertools.pairwise(ANONYMOUS_PATH[:6]):
            await user.say(str(answer["text"]), expect=t(next_key))
        voice = bot.server.voice_event(USER, "https://voice-stal.zdn.vn/fake/v1.aac")
        await user.send(voice, expect=t("input.attachment_received", count=1, maximum=5))
        await user.say("xong", expect=t("tip.ask.identity"))
        await user.say("1", expect=t("summary.question"))
        await user.say("1", expect=t("menu.prompt"))
    async with sqlite_database.transaction() as session:
        (tip,) = await list_tips(session)
    assert [(a.kind, a.file_id) for a in tip.attachments] == [
        ("voice", "https://voice-stal.zdn.vn/fake/v1.aac")
    ]


async def test_polling_outlasts_server_errors_and_empty_polls(sqlite_database: Database) -> None:
    async with running_bot(
        sqlite_database, "polling", poll_first_delay=0.01, quota_wait=0.01
    ) as bot:
        bot.server.fail_next("getUpdates", http_status=502, times=2)
        bot.server.fail_next("getUpdates", error_code=408, description="Request Timeout")
        bot.server.fail_next("getUpdates", error_code=429, description="Too Many Requests")
        user = ZaloUser(bot.server)
        await user.say("/start", expect=t("language.prompt"))
        codes = [c.error_code or c.status for c in bot.server.calls("getUpdates")]
        assert codes[:4] == [502, 502, 408, 429]


async def test_stop_ends_a_long_poll_without_losing_events(sqlite_database: Database) -> None:
    async with running_bot(sqlite_database, "polling") as bot:
        await bot.server.wait_for(lambda: bot.server.calls("deleteWebhook"))
        assert bot.channel.polling
    assert not bot.channel.polling
    bot.server.user_sends_text(USER, "sau khi dừng")
    await asyncio.sleep(0.1)  # the abandoned long poll wakes up, sees nobody listens
    assert bot.server.pending_event_count == 1  # kept for the next start


async def test_a_webhook_secret_zalo_would_refuse_stops_the_start(
    sqlite_database: Database,
) -> None:
    async with FakeZaloServer() as server:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            zalo_token=server.token,  # type: ignore[arg-type]
            zalo_base_url=server.base_url,
            webhook_base_url="https://bot.example.vn",
            webhook_secret="short",  # type: ignore[arg-type]
        )
        processor = MessageProcessor(
            sqlite_database, build_engine(CATALOGUES), Sealer(bytes(range(32))), CATALOGUES
        )
        channel = ZaloChannel(processor, CATALOGUES, settings)
        with pytest.raises(ValueError, match="8 to 256"):
            await channel.start()
        await channel.stop()
        assert server.webhook_url == ""


async def test_forwarded_zalo_photos_are_sent_and_other_files_become_lines(
    sqlite_database: Database,
) -> None:
    expired = "https://photo-stal-9.zdn.vn/fake/expired.jpg"
    replies: list[Reply] = [
        Text("Tin báo K7Q2-M9XD"),
        numbered_file("photo", expired, "zalo", 1),  # Zalo refuses it below
        numbered_file("photo", PHOTO, "zalo", 2),
        numbered_file("photo", "AgACAgUAAxkBAAIBQ2", "telegram", 3),  # a Telegram file id: no
        Choices("Chọn thao tác", (Option("take", "Nhận xử lý"),), "tip"),
    ]

    async def answer(message: Inbound, *rules: object) -> Batch:
        now = datetime.now(UTC)
        return Batch(None, "zalo", message.chat_id, message.user_id, now, tuple(replies))

    async with running_bot(sqlite_database, "polling") as bot:
        bot.channel.processor.process = answer  # type: ignore[method-assign]
        bot.server.fail_next("sendPhoto", error_code=400, description="Bad Request: no photo")
        await ZaloUser(bot.server).say("/xemtin K7Q2M9XD", expect="1. Nhận xử lý")
        sent = [
            (m["method"], m.get("text") or m.get("caption")) for m in bot.server.sent_messages()
        ]
        photos = [m["photo"] for m in bot.server.sent_messages() if m["method"] == "sendPhoto"]
    assert sent == [
        ("sendMessage", "Tin báo K7Q2-M9XD"),
        ("sendMessage", "📎 Tệp 1 không còn"),
        ("sendPhoto", "Tệp 2"),
        ("sendMessage", "📎 Tệp 3 ở telegram\n\nChọn thao tác\n  1. Nhận xử lý"),
    ]
    assert photos == [PHOTO]


async def test_replies_count_in_the_limiter_the_outbox_shares(sqlite_database: Database) -> None:
    from bot.delivery.limits import ChannelLimits, RateLimiter

    shared = RateLimiter(ChannelLimits(per_second=10, chat_gap=1.0))
    async with running_bot(sqlite_database, "polling", limiter=shared) as bot:
        user = ZaloUser(bot.server)
        await user.say("Xin chào", expect=t("language.prompt"))
    # The outbox now waits a second before writing to this chat: the reply went first.
    assert shared.chat_wait(USER) > 0
