"""One user sending hundreds of messages does not slow anybody else down (issue 20).

Through the real python-telegram-bot and the fake Bot API enforcing 30/s in total and 1/s per
chat: the flooder's excess is dropped unread, so the other users' answers never wait for the
bot to work through it; the flooder is told once to slow down, and nothing draws a 429. How
fast the others are answered, against a calm run, is a figure of `make bench` (flood).
"""

from __future__ import annotations

from bot.inbound_limits import InboundLimit
from storage._sql import processed_updates
from storage.database import Database
from tests.bench.flood import FLOODER, OTHERS, flood_bot
from tests.bot.harness import rows
from tests.conversations.harness import t

FLOOD = 400


def standing_still() -> float:
    """The inbound limit's clock, stopped: which of the flooder's messages are read depends
    on their order only, never on how fast a busy machine reads them."""
    return 0.0


async def test_a_flooder_does_not_crowd_out_the_other_users(database: Database) -> None:
    limit = InboundLimit()
    async with flood_bot(database, clock=standing_still) as (telegram, channel):
        flood = {str(telegram.user_sends_text(FLOODER, f"tin nhắn {n}")) for n in range(FLOOD)}
        others = [700_000_000 + n for n in range(OTHERS)]
        for user in others:
            telegram.user_sends_text(user, "/start")
        for user in others:
            await telegram.wait_for(1, chat_id=user)
        # Everybody else wrote after the whole flood and has been answered: by now the bot has
        # worked on no more of the flooder's messages than the limit lets in (without the
        # limit it went through all of them first: the others waited behind the backlog).
        claimed = {row["update_key"] for row in await rows(database, processed_updates)}
        assert len(claimed & flood) <= limit.messages
        inbound = channel.processor.inbound
        assert inbound is not None
        assert inbound.dropped == FLOOD - limit.messages - 1  # the one past the limit: told
        # The flooder's answers still queued (1 a second to a chat) need not go before the stop.
        channel.runtime.stop_grace = 0
    assert not [call for call in telegram.calls("sendMessage") if call.status == 429]


async def test_the_flooder_is_told_once_to_slow_down(database: Database) -> None:
    async with flood_bot(database, clock=standing_still) as (telegram, _channel):
        for number in range(40):
            telegram.user_sends_text(FLOODER, f"tin {number}")
        notice = t("input.too_fast")
        await telegram.wait_for(
            lambda: any(notice in m["text"] for m in telegram.sent_messages(FLOODER)) or None
        )
        told = [m for m in telegram.sent_messages(FLOODER) if notice in m["text"]]
        assert len(told) == 1
