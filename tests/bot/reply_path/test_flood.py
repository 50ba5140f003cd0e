"""One user sending 400 messages in 10 s does not slow anybody else down (issue 20).

Through the real python-telegram-bot and the fake Bot API enforcing 30/s in total and 1/s per
chat: the ten other users are answered all along, the flooder's excess is dropped unread, the
flooder is told once to slow down, and nothing draws a 429. How fast the others are answered,
against a calm run, is a figure of `make bench`.
"""

from __future__ import annotations

from bot.inbound_limits import InboundLimit
from tests.bench.databases import sqlite_database
from tests.bench.flood import FLOODER, OTHERS, _bot, flood_run
from tests.conversations.harness import t


async def test_a_flooder_does_not_crowd_out_the_other_users() -> None:
    # How long the others wait, against a calm run, is measured by `make bench` (flood): here,
    # what a user notices whatever the machine's speed — everybody else is answered all along,
    # the flooder's excess is never read, and nothing draws a 429.
    async with sqlite_database() as database:
        flooded = await flood_run(database, messages=400, seconds=10, first_user=700_000_000)
    # Each other user was answered again during the flood (without per-user limits none was:
    # their first answer waited behind the flooder's backlog for 50 s).
    assert len(flooded.latencies) >= OTHERS
    assert flooded.dropped >= 400 - 2 * InboundLimit().messages
    assert flooded.refused == 0


async def test_the_flooder_is_told_once_to_slow_down() -> None:
    async with sqlite_database() as database, _bot(database) as (telegram, _channel):
        for number in range(40):
            telegram.user_sends_text(FLOODER, f"tin {number}")
        notice = t("input.too_fast")
        await telegram.wait_for(
            lambda: any(notice in m["text"] for m in telegram.sent_messages(FLOODER)) or None,
            timeout=60,
        )
        told = [m for m in telegram.sent_messages(FLOODER) if notice in m["text"]]
        assert len(told) == 1
