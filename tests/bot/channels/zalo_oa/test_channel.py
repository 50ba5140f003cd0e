"""The Zalo OA channel end to end: our client and channel, the fake OA API, a signed webhook
into our web app, a database (SQLite, and PostgreSQL where the ``database`` fixture runs)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from storage._sql import identities, tip_attachments
from storage.database import Database
from storage.tips import list_tips
from tests.bot.channels.zalo_oa.harness import OaBot, OaUser, running_oa
from tests.conversations.harness import ANONYMOUS_PATH, DESCRIPTION, t
from tests.fakes.zalo_oa_server import APP_ID, APP_SECRET, OA_SECRET_KEY, sign

USER = "8046213479186053511"  # longer than 2^53: ids stay strings
PHOTO = "https://s120-ava-talk.zadn.vn/fake/9f8e7d6c.jpg"


async def start_a_tip(user: OaUser) -> None:
    await user.say("Xin chào", expect=t("language.prompt"))
    await user.say("1", expect=t("menu.prompt"))
    await user.say("1", expect=t("tip.ask.category"))


@contextlib.asynccontextmanager
async def at_tip_start(database: Database) -> AsyncIterator[tuple[OaBot, OaUser]]:
    """The OA running and a user it has just asked for the tip's category."""
    async with running_oa(database) as bot:
        user = OaUser(bot.server, USER)
        await start_a_tip(user)
        yield bot, user


async def test_an_anonymous_tip_with_a_captioned_photo_is_filed_through_the_oa(
    database: Database,
) -> None:
    async with at_tip_start(database) as (bot, user):
        assert "  1. " in user.texts[-1]  # choices as a numbered list
        for (_, answer), (next_key, _) in itertools.pairwise(ANONYMOUS_PATH[:6]):
            await user.say(str(answer["text"]), expect=t(next_key))
        photo = bot.server.image_event(USER, PHOTO, caption="Chiếc xe máy này")
        await user.send(photo, expect=t("input.attachment_received", count=1, maximum=5))
        await user.say("xong", expect=t("tip.ask.identity"))
        await user.say("1", expect=t("summary.question"))
        await user.say("1", expect=t("menu.prompt"))
        refused = [call for call in bot.server.requests if call.error]
        assert refused == []
        assert all(len(text) <= 2000 for text in bot.server.texts())
    async with database.transaction() as session:
        (tip,) = await list_tips(session)
        channels = (await session.execute(select(identities.c.channel))).scalars().all()
        kinds = (await session.execute(select(tip_attachments.c.kind))).scalars().all()
    assert tip.anonymous and tip.description == DESCRIPTION
    assert [(a.channel, a.file_id) for a in tip.attachments] == [("zalo_oa", PHOTO)]
    assert kinds == ["photo"]
    assert channels == ["zalo_oa"]
    assert tip.code[:4] in user.text


def forged(event: dict[str, object]) -> tuple[bytes, str | None]:
    raw = json.dumps(event).encode()
    return raw, "mac=" + "0" * 64


def unsigned(event: dict[str, object]) -> tuple[bytes, str | None]:
    return json.dumps(event).encode(), ""


def timestamp_changed(event: dict[str, object]) -> tuple[bytes, str | None]:
    """Signed as sent, then the body's timestamp changed (a replay dressed up as new)."""
    raw = json.dumps(event).encode()
    signature = sign(APP_ID, raw, str(event["timestamp"]), OA_SECRET_KEY)
    event = {**event, "timestamp": str(int(str(event["timestamp"])) + 60_000)}
    return json.dumps(event).encode(), signature


def with_the_app_secret(event: dict[str, object]) -> tuple[bytes, str | None]:
    raw = json.dumps(event).encode()
    return raw, sign(APP_ID, raw, str(event["timestamp"]), APP_SECRET)


@pytest.mark.parametrize("tamper", [forged, unsigned, timestamp_changed, with_the_app_secret])
async def test_a_webhook_post_not_signed_with_the_oa_secret_key_is_refused_unread(
    sqlite_database: Database, tamper: object
) -> None:
    async with running_oa(sqlite_database) as bot:
        event = bot.server.text_event(USER, "Xin chào")
        raw, signature = tamper(event)  # type: ignore[operator]
        delivery = await bot.server.post(event, body=raw, signature=signature)
        assert delivery.status == 403
        await bot.channel.drain(5)
        assert bot.server.sent == []
    async with sqlite_database.transaction() as session:
        assert (await session.execute(select(identities.c.id))).first() is None


async def test_a_rightly_signed_post_is_answered_before_its_replies_are_sent(
    sqlite_database: Database,
) -> None:
    """Zalo wants the webhook answered within 2 s: the answer waits for the commit only, never
    for the OA API to take the replies (here it takes none until the test lets it)."""
    async with running_oa(sqlite_database) as bot:
        send_part, oa_takes_messages = bot.channel.send_part, asyncio.Event()

        async def held_back(user_id: str, part: Any) -> None:
            await oa_takes_messages.wait()
            await send_part(user_id, part)

        bot.channel.send_part = held_back  # type: ignore[method-assign]
        delivery = await bot.server.user_sends_text(USER, "Xin chào")
        assert delivery.ok and delivery.attempts == 1
        assert bot.server.texts(USER) == []
        oa_takes_messages.set()
        await bot.server.wait_for_texts(USER, 1)


async def test_the_same_event_delivered_twice_is_answered_once(
    sqlite_database: Database,
) -> None:
    async with at_tip_start(sqlite_database) as (bot, user):
        choose = bot.server.text_event(USER, "1")
        await user.send(choose, expect=t("tip.ask.description"))
        assert (await bot.server.post(choose)).ok  # Zalo delivers it again (same msg_id)
        answer = await user.say(DESCRIPTION, expect=t("tip.ask.place"))
    assert len(answer) == 1 and t("tip.ask.time") not in answer[0]


async def test_the_access_token_expiring_mid_conversation_is_refreshed_once(
    database: Database,
) -> None:
    async with running_oa(database) as bot:
        user = OaUser(bot.server, USER)
        other = OaUser(bot.server, "3368637342326461234")
        await user.say("Xin chào", expect=t("language.prompt"))
        await other.say("Xin chào", expect=t("language.prompt"))
        refreshes = bot.server.refreshes
        bot.server.expire_access_tokens()
        # Both chats answer at once with the expired token: one refresh serves them.
        await bot.server.post(bot.server.text_event(USER, "1"))
        await bot.server.post(bot.server.text_event(other.user_id, "1"))
        await bot.server.wait_for(
            lambda: (
                t("menu.prompt") in "".join(bot.server.texts(USER))
                and t("menu.prompt") in "".join(bot.server.texts(other.user_id))
            )
        )
        assert bot.server.refreshes == refreshes + 1
        assert bot.channel.tokens.refreshes == 1
        expired = [c for c in bot.server.calls("/v3.0/oa/message/cs") if c.error == -216]
        assert 1 <= len(expired) <= 2
        await user.say("1", expect=t("tip.ask.category"))  # and it goes on
        assert bot.server.refreshes == refreshes + 1


async def test_unfollowing_stops_messages_until_the_user_writes_again(
    sqlite_database: Database,
) -> None:
    async with running_oa(sqlite_database) as bot:
        user = OaUser(bot.server, USER)
        await user.say("Xin chào", expect=t("language.prompt"))
        assert (await bot.server.post(bot.server.follow_event(USER, follow=False))).ok
        await bot.channel.drain(5)
        async with sqlite_database.transaction() as session:
            assert (await session.execute(select(identities.c.active))).scalar_one() is False
        await user.say("1", expect=t("menu.prompt"))
        async with sqlite_database.transaction() as session:
            assert (await session.execute(select(identities.c.active))).scalar_one() is True


async def test_the_oa_s_own_echoes_and_other_oas_events_are_not_answered(
    sqlite_database: Database,
) -> None:
    async with running_oa(sqlite_database) as bot:
        assert (await bot.server.post(bot.server.echo_event(USER, "Cảm ơn bạn"))).ok
        other = bot.server.text_event(USER, "Xin chào")
        other["recipient"] = {"id": "1111111111111111111"}
        assert (await bot.server.post(other)).ok
        await bot.channel.drain(5)
        assert bot.server.sent == []


async def test_the_wiring_serves_the_oa_and_its_outbox_when_configured(
    sqlite_database: Database,
) -> None:
    from bot.app import platform_channels, platform_transports
    from tests.bot.channels.zalo_oa.harness import oa_settings
    from tests.fakes.zalo_oa_server import FakeZaloOaServer

    async with FakeZaloOaServer() as server:
        settings = oa_settings(server)
        app = _application(sqlite_database, settings)
        channels = platform_channels(app)
        assert [channel.name for channel in channels] == ["zalo_oa"]
        assert [route.path for route in channels[0].routes()] == ["/zalo-oa"]  # type: ignore[attr-defined]
        assert "zalo_oa" in platform_transports(settings, channels)
        await channels[0].stop()


def _application(database: Database, settings: object) -> object:
    from bot.app import Application
    from bot.processor import MessageProcessor
    from conversations.menu import build_engine
    from tests.bot.channels.zalo_oa.harness import SEALER
    from tests.conversations.harness import CATALOGUES

    processor = MessageProcessor(database, build_engine(CATALOGUES), SEALER, CATALOGUES)
    return Application(
        settings,  # type: ignore[arg-type]
        database,
        CATALOGUES,
        processor.engine,
        SEALER,
        processor,
    )
