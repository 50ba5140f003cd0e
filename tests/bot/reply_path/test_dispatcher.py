"""The reply dispatcher with a scripted platform: order per chat, waits, age limit, restarts."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.reply_path import Batch
from bot.reply_path.codec import decode_replies, encode_replies
from bot.reply_path.dispatcher import Progress, ReplyDispatcher, SendResult, Sent
from bot.retrying import RetryPolicy
from conversations.replies import AskLocation, Choices, Document, Inbound, Media, Option, Text
from storage.database import Database
from tests.bot.harness import make_processor
from tests.harness import PATIENCE, wait_until

FAST = RetryPolicy(attempts=1, first_delay=0.01, max_delay=0.05)


class ScriptedPlatform:
    """Takes every part, except while ``down`` (then answers RETRY)."""

    def __init__(self) -> None:
        self.down = False
        self.refused = 0  # parts answered RETRY while down
        self.received: list[tuple[str, str]] = []  # (chat, text)

    async def send_batch(self, batch: Batch, progress: Progress) -> SendResult:
        sent = batch.parts_sent
        for reply in batch.replies[sent:]:
            if self.down:
                self.refused += 1
                return SendResult(Sent.RETRY, sent)
            await asyncio.sleep(0)
            self.received.append((batch.chat_id, getattr(reply, "text", "")))
            sent += 1
            if sent < len(batch.replies):
                await progress(sent)
        return SendResult(Sent.DONE, sent)


async def stored_count(database: Database) -> int:
    async with database.transaction() as session:
        return int(
            (await session.execute(text("SELECT count(*) FROM pending_replies"))).scalar_one()
        )


async def answer(database: Database, chat: str, said: str) -> Batch:
    processor = make_processor(database)
    return await processor.process(Inbound("telegram", chat, chat, text=said))


def dispatcher_for(database: Database, platform: ScriptedPlatform) -> ReplyDispatcher:
    """A dispatcher on the processor's (fixed) clock, as the channels build it."""
    clock = make_processor(database).clock
    return ReplyDispatcher(database, "telegram", platform, backoff=FAST, clock=clock)


def test_every_reply_type_survives_storage() -> None:
    replies = [
        Text("Đã nhận"),
        Choices("Chọn", (Option("a", "Một"), Option("b", "Hai")), "step", allow_text=True),
        AskLocation("Ở đâu?", (Option("skip", "Không nhớ rõ"),), "place"),
        Document("Tệp", "bao-cao.xlsx", b"\x00\x01binary"),
        Media("photo", "file-1", "telegram", "Ảnh 1", "xem trên Telegram", "không còn"),
    ]
    assert decode_replies(encode_replies(replies)) == replies


async def test_each_chats_replies_go_in_order_and_are_then_forgotten(database: Database) -> None:
    platform = ScriptedPlatform()
    dispatcher = dispatcher_for(database, platform)
    for said in ("/start", "1", "/help"):
        dispatcher.submit(await answer(database, "c1", said))
    dispatcher.submit(await answer(database, "c2", "/start"))
    assert await dispatcher.drain(PATIENCE)
    first_chat = [text for chat, text in platform.received if chat == "c1"]
    assert len(first_chat) >= 3
    assert "English" in first_chat[0] or "ngôn ngữ" in first_chat[0]
    assert await stored_count(database) == 0


async def test_an_outage_keeps_replies_stored_until_the_platform_answers(
    database: Database,
) -> None:
    platform = ScriptedPlatform()
    platform.down = True
    dispatcher = dispatcher_for(database, platform)
    dispatcher.submit(await answer(database, "c1", "/start"))
    dispatcher.submit(await answer(database, "c1", "1"))
    await wait_until(lambda: platform.refused, what="a send refused by the platform")
    assert platform.received == [] and await stored_count(database) == 2
    platform.down = False
    assert await dispatcher.drain(PATIENCE)
    assert len(platform.received) >= 2
    assert await stored_count(database) == 0


async def test_replies_left_by_a_stopped_run_go_out_at_the_next_start(
    database: Database,
) -> None:
    platform = ScriptedPlatform()
    platform.down = True
    first = dispatcher_for(database, platform)
    batch = await answer(database, "c1", "/start")
    first.submit(batch)
    await first.stop(grace=0.1)
    assert await stored_count(database) == 1
    platform.down = False
    second = dispatcher_for(database, platform)
    assert await second.start() == 1
    assert await second.drain(PATIENCE)
    assert [text for _, text in platform.received] == [r.text for r in batch.replies]  # type: ignore[union-attr]
    assert await stored_count(database) == 0


async def test_a_reply_older_than_the_limit_is_dropped_with_a_log_line(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    platform = ScriptedPlatform()
    batch = await answer(database, "c1", "/start")
    later = batch.created_at + timedelta(hours=24, seconds=1)
    dispatcher = ReplyDispatcher(
        database, "telegram", platform, max_age=timedelta(hours=24), clock=lambda: later
    )
    with caplog.at_level(logging.WARNING):
        assert await dispatcher.start() == 1
        assert await dispatcher.drain(PATIENCE)
    assert platform.received == []
    assert "too old to send" in caplog.text
    assert await stored_count(database) == 0


async def test_a_batch_cut_off_half_way_resumes_after_what_went(database: Database) -> None:
    class FailsAfterOne(ScriptedPlatform):
        async def send_batch(self, batch: Batch, progress: Progress) -> SendResult:
            if batch.parts_sent == 0:
                self.received.append((batch.chat_id, batch.replies[0].text))  # type: ignore[union-attr]
                await progress(1)
                raise asyncio.CancelledError  # the process dies here

            return await super().send_batch(batch, progress)

    replies = (Text("một"), Text("hai"), Text("ba"))
    batch = await answer(database, "c1", "/start")
    async with database.transaction() as session:
        await session.execute(
            text("UPDATE pending_replies SET payload = :payload WHERE id = :id"),
            {"payload": json.dumps(encode_replies(list(replies))), "id": batch.id},
        )
    platform = FailsAfterOne()
    dispatcher = dispatcher_for(database, platform)
    dispatcher.submit(Batch(batch.id, "telegram", "c1", "c1", batch.created_at, replies))
    await wait_until(lambda: platform.received, what="the first part sent")
    await dispatcher.stop(grace=0.1)
    again = dispatcher_for(database, platform)
    await again.start()
    assert await again.drain(PATIENCE)
    assert [text for _, text in platform.received] == ["một", "hai", "ba"]
