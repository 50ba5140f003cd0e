"""A link code is refused from the second after its expiry, at use time by the injected clock
(not kept usable until the morning's retention run); and a linked person's notices leave the
Zalo OA account they used last, or chose, while the OA may not write to it (past its
messaging window), for another of their accounts that can receive them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from storage.database import Database
from storage.linking import link_codes, store_link_code, take_link_code
from storage.people.members import create_member
from tests.bot.harness import Phone, at_menu, make_processor, rows
from tests.bot.linking.harness import TELEGRAM_USER, code_from, notice_goes_to, owners, two_accounts
from tests.bot.linking.phones import ChannelPhone
from tests.conversations.harness import Clock, t

OA_USER = "oa-7001"


async def _expiry(database: Database) -> Any:
    (row,) = await rows(database, link_codes)
    return row["expires_at"]


async def test_a_code_is_refused_the_second_after_it_expires_and_taken_the_second_before(
    tree: Database,
) -> None:
    database, clock = tree, Clock()
    telegram, console = await two_accounts(database, clock)
    code = await code_from(telegram)
    clock.now = await _expiry(database) + timedelta(seconds=1)
    await console.send(text=f"/lienket {code}")
    assert t("linking.not_found") in console.text
    assert await rows(database, link_codes) == []  # gone at once, not the next morning
    found = await owners(database)
    assert found[("telegram", TELEGRAM_USER)] != found[("console", "op-7001")]

    code = await code_from(telegram)
    clock.now = await _expiry(database) - timedelta(seconds=1)
    await console.send(text=f"/lienket {code}")
    assert t("linking.linked") in console.text


async def test_storage_takes_a_code_until_its_exact_expiry(database: Database) -> None:
    clock = Clock()
    expires_at = clock.now + timedelta(minutes=10)
    async with database.transaction() as session:
        first = await create_member(
            session, channel="telegram", platform_user_id="1", chat_id="1", display_name=None
        )
        second = await create_member(
            session, channel="telegram", platform_user_id="2", chat_id="2", display_name=None
        )
        await store_link_code(session, first.id, "K7Q29XDA", expires_at, clock.now)
        await store_link_code(session, second.id, "M3N48YEB", expires_at, clock.now)
    async with database.transaction() as session:
        early = expires_at - timedelta(seconds=1)
        assert await take_link_code(session, "M3N48YEB", early) == second.id
        late = expires_at + timedelta(seconds=1)
        assert await take_link_code(session, "K7Q29XDA", late) is None
    async with database.session() as session:
        assert (await session.execute(select(link_codes))).all() == []


async def test_notices_leave_an_oa_account_past_its_window_for_a_linked_one(
    tree: Database,
) -> None:
    database, clock = tree, Clock()
    telegram = Phone(make_processor(database, clock), user_id=TELEGRAM_USER)
    oa = ChannelPhone(make_processor(database, clock), OA_USER, "zalo_oa")
    await at_menu(telegram)
    await at_menu(oa)
    await oa.send(text=f"/lienket {await code_from(telegram)}")
    assert t("linking.linked") in oa.text
    person = (await owners(database))[("zalo_oa", OA_USER)]

    # Used last, and inside the OA's window: the notice goes to the OA.
    assert await notice_goes_to(database, person, clock, "n1") == "zalo_oa"
    # A week and more without a word from the person on the OA: Telegram takes it.
    clock.advance(days=8)
    assert await notice_goes_to(database, person, clock, "n2") == "telegram"
    # The OA chosen for notices: still not while its window is shut ...
    await oa.send(text="/lienket")
    await oa.send(text="2")
    assert t("linking.notices_here") in oa.text
    clock.advance(days=8)
    assert await notice_goes_to(database, person, clock, "n3") == "telegram"
    # ... and again as soon as the person writes there.
    await oa.send(text="/menu")
    assert await notice_goes_to(database, person, clock, "n4") == "zalo_oa"


async def test_an_oa_account_with_no_other_is_still_the_one_notices_go_to(
    tree: Database,
) -> None:
    database, clock = tree, Clock()
    oa = ChannelPhone(make_processor(database, clock), OA_USER, "zalo_oa")
    await at_menu(oa)
    person = (await owners(database))[("zalo_oa", OA_USER)]
    clock.advance(days=8)
    assert await notice_goes_to(database, person, clock, "alone") == "zalo_oa"
