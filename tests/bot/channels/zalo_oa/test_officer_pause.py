"""An officer answering a user from the OA manager: the bot keeps quiet to that user in every
process on the database, whichever process received the officer's message, until the pause
is over."""

from __future__ import annotations

from datetime import timedelta

from bot.channels.zalo_oa.officers import OfficerConversations
from storage.database import Database
from tests.conversations.harness import Clock

PAUSE = timedelta(minutes=15)
USER, OTHER = "7000000000000000001", "7000000000000000002"


async def test_an_officer_s_pause_holds_in_both_processes_until_it_ends(
    database: Database,
) -> None:
    clock = Clock()
    first, second = (OfficerConversations(database, PAUSE, clock) for _ in range(2))
    await first.wrote_to(USER)
    assert await first.talking_to(USER) and await second.talking_to(USER)
    assert not await second.talking_to(OTHER)

    clock.advance(minutes=10)
    await second.wrote_to(USER)  # the officer writes again: the pause starts again
    clock.advance(minutes=10)
    assert await first.talking_to(USER) and await second.talking_to(USER)

    clock.advance(minutes=5)  # fifteen minutes after the officer's latest message
    assert not await first.talking_to(USER) and not await second.talking_to(USER)
    await first.wrote_to(OTHER)  # a later pause clears the one over
    assert not await second.talking_to(USER) and await second.talking_to(OTHER)


async def test_no_pause_when_it_is_set_to_zero(database: Database) -> None:
    officers = OfficerConversations(database, timedelta(0), Clock())
    await officers.wrote_to(USER)
    assert not await officers.talking_to(USER)
