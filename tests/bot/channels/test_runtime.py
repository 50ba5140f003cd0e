"""The runtime every channel composes: per-chat order, other chats never waiting, draining on
stop. A processor whose answers the test releases, and a platform that records what it got."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.channels.runtime import ChannelRuntime
from bot.reply_path import Batch, ScreenRule
from bot.reply_path.dispatcher import Progress, SendResult, Sent
from conversations.replies import Inbound, Text
from storage.database import Database
from tests.harness import PATIENCE


class HeldProcessor:
    """Answers each message with its own text; a message in ``held`` waits for ``release``."""

    def __init__(self, database: Database, *held: str) -> None:
        self.database = database
        self.held = set(held)
        self.release = asyncio.Event()

    def clock(self) -> datetime:
        return datetime.now(UTC)

    async def process(self, message: Inbound, screen: ScreenRule) -> Batch:
        if message.text in self.held:
            await self.release.wait()
        reply = (Text(message.text or ""),)
        return Batch(None, message.channel, message.chat_id, message.user_id, self.clock(), reply)


class Platform:
    """Takes every batch at once and remembers each chat's texts."""

    def __init__(self) -> None:
        self.chats: dict[str, list[str]] = {}
        self.changed = asyncio.Event()

    async def send_batch(self, batch: Batch, progress: Progress) -> SendResult:
        self.chats.setdefault(batch.chat_id, []).extend(r.text for r in batch.replies)
        self.changed.set()
        return SendResult(Sent.DONE, 1)

    async def shows(self, chat: str, text: str) -> None:
        async with asyncio.timeout(PATIENCE):
            while text not in self.chats.get(chat, []):
                self.changed.clear()
                await self.changed.wait()


def says(chat: str, text: str) -> Inbound:
    return Inbound("console", chat, chat, text=text)


def answering_held(database: Database, held: str) -> tuple[HeldProcessor, Platform, ChannelRuntime]:
    """A runtime already answering ``held`` in chat "1", an answer held until released."""
    processor, platform = HeldProcessor(database, held), Platform()
    runtime = ChannelRuntime(processor, platform, channel="console")  # type: ignore[arg-type]
    runtime.spawn(runtime.answer(says("1", held)))
    return processor, platform, runtime


async def test_a_chats_replies_keep_the_order_of_its_messages_and_no_other_chat_waits(
    sqlite_database: Database,
) -> None:
    processor, platform, runtime = answering_held(sqlite_database, "slow first")
    runtime.spawn(runtime.answer(says("1", "quick second")))
    runtime.spawn(runtime.answer(says("2", "another chat")))
    await platform.shows("2", "another chat")
    assert "1" not in platform.chats  # the quick answer waits for the slow one before it
    processor.release.set()
    assert await runtime.drain(PATIENCE)
    assert platform.chats["1"] == ["slow first", "quick second"]


async def test_stopping_lets_an_answer_under_way_finish_and_go_out(
    sqlite_database: Database,
) -> None:
    processor, platform, runtime = answering_held(sqlite_database, "being answered")
    stopping = asyncio.create_task(runtime.stop())
    assert not await runtime.drain(0)
    processor.release.set()
    await asyncio.wait_for(stopping, PATIENCE)
    assert platform.chats["1"] == ["being answered"]


async def test_a_notice_that_changes_nothing_waits_for_the_answer_before_it(
    sqlite_database: Database,
) -> None:
    processor, platform, runtime = answering_held(sqlite_database, "answer")
    noticed = runtime.spawn(runtime.say("1", "1", (Text("notice"),)))
    processor.release.set()
    await asyncio.wait_for(noticed, PATIENCE)
    assert await runtime.drain(PATIENCE)
    assert platform.chats["1"] == ["answer", "notice"]
