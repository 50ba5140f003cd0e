"""The runtime every channel composes: inbound → processor → reply dispatcher.

A channel turns its platform's updates into ``Inbound`` messages and hands each to ``answer``.
The runtime runs it through the processor under its chat's lock and submits the stored batch
to the channel's ``ReplyDispatcher`` before letting the chat's next message in: one chat's
batches queue in the order of its messages, while different chats run at once. The processor
is given the channel's ``ScreenRule``, so that what the chat shows afterwards (a reply keyboard
to take away) is decided with the replies, never after the send. Work a webhook or a poller
starts runs as ``spawn``ed tasks that ``drain`` waits for; ``stop`` lets what was received
finish for a grace period and leaves what could not go stored for the next start.

What differs from platform to platform stays with the channel: how updates arrive, how a batch
is sent (its ``BatchSender``), and its screen rule.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.channels.base import SharedLimiter
from bot.locks import KeyedLocks
from bot.observability import metrics
from bot.processor import MessageProcessor
from bot.reply_path import Batch, ScreenRule, no_reply_keyboard
from bot.reply_path.dispatcher import (
    DEFAULT_MAX_AGE,
    BatchSender,
    Prelude,
    ReplyDispatcher,
)
from conversations.replies import Inbound, Reply

# Seconds an answer may take before the chat shows "typing…": a blink is not worth a request
# (under load it would add one to every answer, when requests are what is short).
DEFAULT_TYPING_AFTER = 1.0
# With more answers than this under way at once, a slow answer is slow because the bot is busy:
# "typing…" would add a request to each of them just when requests are what is short.
TYPING_WHEN_AT_MOST = 8
DEFAULT_STOP_GRACE = 10.0

PreludeFor = Callable[[Batch], Prelude | None]


@dataclass(frozen=True)
class Typing:
    """How a chat shows that a slow answer is being worked on: ``show(chat_id)`` once the
    answer took ``after`` seconds."""

    show: Callable[[str], Awaitable[None]]
    after: float = DEFAULT_TYPING_AFTER


class ChannelRuntime:
    """One channel's way from an inbound message to its replies on their way out."""

    def __init__(
        self,
        processor: MessageProcessor,
        sender: BatchSender,
        *,
        channel: str,
        screen: ScreenRule = no_reply_keyboard,
        typing: Typing | None = None,
        max_age: timedelta = DEFAULT_MAX_AGE,
        stop_grace: float = DEFAULT_STOP_GRACE,
    ) -> None:
        self.processor = processor
        self.screen = screen
        self.typing = typing
        self.stop_grace = stop_grace
        self.replies = ReplyDispatcher(
            processor.database, channel, sender, max_age=max_age, clock=processor.clock
        )
        self._chats = KeyedLocks()
        self._tasks: set[asyncio.Task[None]] = set()
        self._working = 0  # answers being worked on

    async def start(self) -> int:
        """Queue what earlier runs stored and did not send, before any new answer; how many
        batches."""
        return await self.replies.start()

    async def answer(
        self, inbound: Inbound, prelude: PreludeFor | None = None, *, wait: bool = False
    ) -> Batch:
        """Process ``inbound`` (its replies stored with the new state) and queue its replies.

        ``prelude`` gives, for the stored batch, what to do just before it is sent (Telegram
        answers a tapped button there); with ``wait``, return once the replies went (a
        terminal prints them before its next prompt)."""
        started = metrics.update_in(inbound)
        async with self._chats.hold(inbound.chat_id):
            batch = await self._process(inbound)
            metrics.answered(inbound.channel, started)
            if wait:
                await self.replies.deliver(batch)
            else:
                self.replies.submit(batch, None if prelude is None else prelude(batch))
        return batch

    async def say(self, chat_id: str, user_id: str, replies: tuple[Reply, ...]) -> None:
        """Replies that change nothing and are not stored (a pointer to the private chat), in
        the chat's order."""
        channel = self.replies.channel
        batch = Batch(None, channel, chat_id, user_id, self.processor.clock(), replies)
        async with self._chats.hold(chat_id):
            self.replies.submit(batch)

    async def _process(self, inbound: Inbound) -> Batch:
        typing = self.typing
        if typing is None:
            return await self.processor.process(inbound, self.screen)
        working = asyncio.ensure_future(self.processor.process(inbound, self.screen))
        self._working += 1
        try:
            # "typing…" only when the answer is not ready at once (most take milliseconds)
            # and the bot is not busy: each request counts against the platform's limits.
            done, _ = await asyncio.wait({working}, timeout=typing.after)
            if not done and self._working <= TYPING_WHEN_AT_MOST:
                await typing.show(inbound.chat_id)
            return await working
        finally:
            self._working -= 1

    def spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run ``work`` (answering a received update) as a task that ``drain`` waits for."""
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def drain(self, seconds: float | None = None) -> bool:
        """Wait until every update received so far has been answered and its replies sent
        (and recorded); False when ``seconds`` ran out first."""
        loop = asyncio.get_running_loop()
        deadline = None if seconds is None else loop.time() + seconds
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=seconds)
        left = None if deadline is None else max(0.0, deadline - loop.time())
        return await self.replies.drain(left) and not self._tasks

    async def stop(self) -> None:
        """Let what was received be answered and sent for up to ``stop_grace`` seconds; what
        could not go stays stored for the next start."""
        await self.drain(self.stop_grace)
        for task in list(self._tasks):
            task.cancel()
        await self.replies.stop(self.stop_grace)


@contextlib.asynccontextmanager
async def counted(limiter: SharedLimiter[Any] | None, chat_id: str | None) -> AsyncIterator[None]:
    """One send of a reply, counted by the limiter its platform's outbox shares: urgent, so
    that a reply never waits behind queued outbox messages. A request to no chat
    (``chat_id`` None) is not counted."""
    if limiter is None or chat_id is None:
        yield
        return
    ticket = await limiter.acquire(chat_id, urgent=True)
    try:
        yield
    finally:
        limiter.settle(ticket)
