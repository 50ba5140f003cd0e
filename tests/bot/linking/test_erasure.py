"""Erasure and unlinking with three accounts linked (Telegram, the console chat, Zalo OA), on
both databases: erasing from any one of them erases the person on all three, their link code
and their notice account; unlinking one leaves the other two one person."""

from __future__ import annotations

from storage.database import Database
from storage.linking import link_codes, notice_accounts
from tests.bot.harness import at_menu, make_processor, rows
from tests.bot.linking.harness import code_from, owners
from tests.bot.linking.phones import ChannelPhone
from tests.conversations.harness import Clock, t

ACCOUNTS = (("telegram", "7401"), ("console", "op-7402"), ("zalo_oa", "oa-7403"))


async def _linked_three(database: Database, clock: Clock) -> list[ChannelPhone]:
    processor = make_processor(database, clock)
    phones = [ChannelPhone(processor, user, channel) for channel, user in ACCOUNTS]
    for phone in phones:
        await at_menu(phone)
    first, second, third = phones
    await second.send(text=f"/lienket {await code_from(first)}")
    await third.send(text=f"/lienket {await code_from(second)}")
    assert t("linking.linked") in third.text
    found = await owners(database)
    assert len({found[account] for account in ACCOUNTS}) == 1
    return phones


async def test_erasing_from_one_of_three_linked_accounts_erases_all(tree: Database) -> None:
    database, clock = tree, Clock()
    first, _second, third = await _linked_three(database, clock)
    await first.send(text="/lienket")
    await first.send(text="2")  # notices here, always
    await code_from(third)  # a code outstanding
    assert await rows(database, link_codes) and await rows(database, notice_accounts)

    await first.send(text="/xoadulieu")
    await first.send(text="1")
    assert t("privacy.erase.done") in first.text
    left = await owners(database)
    assert not set(ACCOUNTS) & set(left)
    assert await rows(database, link_codes) == []
    assert await rows(database, notice_accounts) == []


async def test_unlinking_one_of_three_leaves_two_as_one_person(tree: Database) -> None:
    database, clock = tree, Clock()
    _first, second, _third = await _linked_three(database, clock)
    await second.send(text="/huylienket")
    assert t("linking.unlinked") in second.text
    found = await owners(database)
    telegram, console, oa = (found[account] for account in ACCOUNTS)
    assert telegram == oa != console
