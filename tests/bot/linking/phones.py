"""A person's account on any channel, talking to a processor (``tests.bot.harness.Phone`` is
Telegram's)."""

from __future__ import annotations

from typing import Any

from bot.processor import MessageProcessor
from conversations.replies import Inbound, Reply
from tests.bot.harness import Phone


class ChannelPhone(Phone):
    """``Phone`` on ``channel``."""

    def __init__(self, processor: MessageProcessor, user_id: str, channel: str) -> None:
        super().__init__(processor, user_id=user_id)
        self.channel = channel

    async def send(self, **fields: Any) -> list[Reply]:
        message = Inbound(
            self.channel, self.user_id, self.user_id, display_name=self.name, **fields
        )
        self.replies = list((await self.processor.process(message)).replies)
        return self.replies
