"""A broadcast with a photo reaches members of the platform it was sent from as a captioned
photo (or a photo then the text, when the text is longer than a caption may be); members on the
other platform get the text alone."""

from __future__ import annotations

import pytest
from telegram import Bot

from bot.broadcasts.handlers import create_broadcast
from bot.broadcasts.rules import fan_out_batch
from bot.channels.telegram.transport import MAX_CAPTION, TelegramTransport
from bot.channels.zalo_bot.client import ZaloClient
from bot.channels.zalo_bot.transport import ZaloTransport
from bot.delivery.limits import TELEGRAM_LIMITS, UNLIMITED, RateLimiter
from bot.delivery.sender import OutboxSender
from conversations.broadcasts import Audience, CreateBroadcast
from storage.database import Database
from tests.bot.broadcasts.harness import PEOPLE, seed
from tests.bot.delivery.harness import FakeClock, RecordingTransport, local
from tests.bot.harness import area_id
from tests.conversations.harness import CATALOGUES
from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.zalo_server import FakeZaloServer

NOW = local(2026, 11, 24, 9, 0)


def _sender(database: Database, transport: object, channel: str, limits: object) -> OutboxSender:
    clock = FakeClock(NOW)
    return OutboxSender(
        database,
        channel,
        transport,  # type: ignore[arg-type]
        RateLimiter(limits, clock=clock.monotonic, sleep=clock.sleep),  # type: ignore[arg-type]
        render=lambda locale, key, params: CATALOGUES.text(locale, key, **params),
        clock=clock.now,
    )


async def _broadcast(database: Database, admin_id: int, text: str, file_id: str) -> None:
    effect = CreateBroadcast(
        area_id=await area_id(database, "17662"),
        audience=Audience(
            (await area_id(database, "17662-001"),), ("resident",), ("telegram", "zalo")
        ),
        text_vi=text,
        text_en=None,
        photo_channel="telegram",
        photo_file_id=file_id,
        send_at=NOW,
    )
    async with database.transaction() as session:
        broadcast_id = await create_broadcast(session, admin_id, effect, NOW)
        await fan_out_batch(session, broadcast_id, now=NOW)


@pytest.mark.parametrize("length", [200, 3000])
async def test_a_photo_goes_with_its_text(
    sqlite_database: Database, server: FakeTelegramServer, bot: Bot, length: int
) -> None:
    people = await seed(sqlite_database)
    file_id = server.add_file(b"jpeg" * 512)
    text = ("Phòng chống lừa đảo qua mạng. " * 200)[:length].strip()
    await _broadcast(sqlite_database, people["admin"], text, file_id)
    await _sender(
        sqlite_database, TelegramTransport(bot), "telegram", TELEGRAM_LIMITS
    ).deliver_due()
    zalo = RecordingTransport()
    await _sender(sqlite_database, zalo, "zalo", UNLIMITED).deliver_due()

    copy = CATALOGUES.text("vi", "broadcasts.copy", text=text, place="Xã Đô Lương")
    sent = server.sent_messages(int(PEOPLE["dan_dong"][0]))
    assert sent[0]["method"] == "sendPhoto" and sent[0]["photo"] == file_id
    if len(copy) <= MAX_CAPTION:
        assert [m["method"] for m in sent] == ["sendPhoto"] and sent[0]["caption"] == copy
    else:
        assert "caption" not in sent[0]
        assert "".join(m["text"] for m in sent[1:]).replace("\n", "") == copy.replace("\n", "")
    assert zalo.sent[PEOPLE["dan_dong_zalo"][0]] == [copy]


async def test_a_photo_sent_from_zalo_reaches_zalo_members_as_a_captioned_picture(
    sqlite_database: Database,
) -> None:
    people = await seed(sqlite_database)
    url = "https://photo.zalo.example/broadcast-1.jpg"
    effect = CreateBroadcast(
        area_id=await area_id(sqlite_database, "17662"),
        audience=Audience(
            (await area_id(sqlite_database, "17662-001"),), ("resident",), ("telegram", "zalo")
        ),
        text_vi="Tuần tra đêm bắt đầu từ thứ Hai.",
        text_en=None,
        photo_channel="zalo",
        photo_file_id=url,
        send_at=NOW,
    )
    async with sqlite_database.transaction() as session:
        broadcast_id = await create_broadcast(session, people["admin"], effect, NOW)
        await fan_out_batch(session, broadcast_id, now=NOW)
    async with (
        FakeZaloServer() as server,
        ZaloClient(server.token, base_url=server.base_url) as client,
    ):
        await _sender(sqlite_database, ZaloTransport(client), "zalo", UNLIMITED).deliver_due()
        (sent,) = server.sent_messages(PEOPLE["dan_dong_zalo"][0])
    copy = CATALOGUES.text("vi", "broadcasts.copy", text=effect.text_vi, place="Xã Đô Lương")
    assert (sent["method"], sent["photo"], sent["caption"]) == ("sendPhoto", url, copy)
    telegram = RecordingTransport()
    await _sender(sqlite_database, telegram, "telegram", UNLIMITED).deliver_due()
    assert telegram.sent[PEOPLE["dan_dong"][0]] == [copy]  # no Zalo picture on Telegram
