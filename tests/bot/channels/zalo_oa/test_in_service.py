"""The Zalo OA as a commune meets it in service: the console's test POST, albums, captions
that look like commands, officers answering from the OA's own manager, anonymous senders."""

from __future__ import annotations

import itertools
import json
import logging
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from storage._sql import identities
from storage.database import Database
from storage.tips import list_tips
from tests.bot.channels.zalo_oa.harness import OaUser, running_oa
from tests.conversations.harness import ANONYMOUS_PATH, Clock, t
from tests.fakes.zalo_oa_server import APP_ID

USER = "8046213479186053511"
PHOTOS = [f"https://s120-ava-talk.zadn.vn/fake/{n}.jpg" for n in range(3)]
CAPTION = "/huy Ba ảnh chụp chiếc xe lạ"


@pytest.mark.parametrize("body", [b"", b"{}", json.dumps({"app_id": APP_ID}).encode()])
async def test_a_post_without_an_event_is_answered_200_and_not_processed(
    sqlite_database: Database, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    """The developers' console posts a test when the webhook URL is saved."""
    caplog.set_level(logging.INFO, logger="bot.channels.zalo_oa")
    async with running_oa(sqlite_database) as bot, httpx.AsyncClient() as http:
        answer = await http.post(bot.server.webhook_url, content=body)
        assert answer.status_code == 200
        await bot.channel.drain(5)
        assert bot.server.sent == []
    assert "a POST without an event answered 200" in caplog.text
    async with sqlite_database.transaction() as session:
        assert (await session.execute(select(identities.c.id))).first() is None


async def test_a_real_event_with_a_wrong_signature_stays_refused_and_is_logged_without_its_content(
    sqlite_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.channels.zalo_oa")
    async with running_oa(sqlite_database) as bot:
        event = bot.server.text_event(USER, "Số điện thoại 0912345678")
        delivery = await bot.server.post(event, signature="mac=" + "0" * 64)
        assert delivery.status == 403
    assert "user_send_text event with a wrong signature refused (403)" in caplog.text
    assert "0912345678" not in caplog.text and USER not in caplog.text


async def test_every_photo_of_an_album_is_kept_the_caption_with_the_first_and_no_command_runs(
    database: Database,
) -> None:
    async with running_oa(database) as bot:
        user = OaUser(bot.server, USER)
        await user.say("Xin chào", expect=t("language.prompt"))
        await user.say("1", expect=t("menu.prompt"))
        await user.say("1", expect=t("tip.ask.category"))
        for (_, answer), (next_key, _) in itertools.pairwise(ANONYMOUS_PATH[:6]):
            await user.say(str(answer["text"]), expect=t(next_key))
        attachments = [{"type": "image", "payload": {"thumbnail": p, "url": p}} for p in PHOTOS]
        album = bot.server.event("user_send_image", USER, text=CAPTION, attachments=attachments)
        await user.send(album, expect=t("input.attachment_received", count=3, maximum=5))
        await user.say("xong", expect=t("tip.ask.identity"))
        await user.say("1", expect=t("summary.question"))
        await user.say("1", expect=t("menu.prompt"))
    async with database.transaction() as session:
        (tip,) = await list_tips(session)
    assert [(a.file_id, a.caption) for a in tip.attachments] == [
        (PHOTOS[0], CAPTION),
        (PHOTOS[1], None),
        (PHOTOS[2], None),
    ]


async def test_an_officer_writing_from_the_oa_manager_silences_the_bot_to_that_user_for_a_while(
    sqlite_database: Database,
) -> None:
    clock = Clock()
    async with running_oa(sqlite_database, clock=clock) as bot:
        user = OaUser(bot.server, USER)
        await user.say("Xin chào", expect=t("language.prompt"))
        officer = bot.server.echo_event(USER, "Chào anh, tôi là cán bộ xã")
        officer["sender"]["admin_id"] = "6502931847561234"
        assert (await bot.server.post(officer)).ok
        await bot.channel.drain(5)
        assert await user.tell(bot, "1") == []  # left to the officer
        # The bot's own replies come back as echoes naming no admin: they silence nothing.
        own = bot.server.echo_event("5551234567890123456", "Xin chào")
        assert (await bot.server.post(own)).ok

        clock.now += timedelta(minutes=bot.channel.officers.pause.total_seconds() / 60 + 1)
        assert await user.tell(bot, "1") != []  # the bot answers again


async def test_an_anonymous_sender_is_not_taken_for_a_user(
    sqlite_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.channels.zalo_oa")
    async with running_oa(sqlite_database) as bot:
        event = bot.server.event("anonymous_send_text", "a1b2c3d4", text="Tôi muốn báo tin")
        event["message"]["conversation_id"] = "c-9f8e7d"
        assert (await bot.server.post(event)).ok
        await bot.channel.drain(5)
        assert bot.server.sent == []
        assert bot.channel.anonymous_messages == 1
    assert "Tôi muốn báo tin" not in caplog.text
    async with sqlite_database.transaction() as session:
        assert (await session.execute(select(identities.c.id))).first() is None
