"""One person, several accounts, through the processor and the database (both kinds): a code
asked for on Telegram and typed on the console links the two accounts to one member; roles,
language and consent follow; notices go to the account used last (or the one chosen); wrong
and expired codes are refused and counted; two role holders are not merged; unlinking and
erasure cover every linked account; an anonymous tip stays linked to nobody."""

from __future__ import annotations

from datetime import timedelta

from bot.delivery.queueing import MemberMessage, queue_for_member
from bot.privacy.retention import (
    EXPIRIES,
    INACTIVE_MEMBERS,
    LINK_CODES,
    RetentionSchedule,
    apply_schedule,
)
from conversations.linking import LINK_CODE_LENGTH
from conversations.menu import draft_lifetimes
from storage._sql import member_preferences, members, tips
from storage.broadcasts import recipients_page
from storage.database import Database
from storage.delivery.outbox import BROADCAST
from storage.linking import link_codes
from tests.bot.harness import (
    area_id,
    member_with_roles,
    rows,
    walk,
)
from tests.bot.linking.harness import (
    CONSOLE_USER,
    TELEGRAM_USER,
    code_from,
    notice_goes_to,
    owners,
    two_accounts,
)
from tests.conversations.harness import ANONYMOUS_PATH, Clock, t

THON_DONG = "17662-001"


async def test_linked_accounts_share_roles_take_notices_where_last_used_and_go_together(
    tree: Database,
) -> None:
    database, clock = tree, Clock()
    telegram, console = await two_accounts(database, clock)
    await member_with_roles(database, TELEGRAM_USER, [("leader", THON_DONG)])
    before = await owners(database)
    assert before[("telegram", TELEGRAM_USER)] != before[("console", CONSOLE_USER)]

    code = await code_from(telegram)
    assert len(code.replace("-", "")) == LINK_CODE_LENGTH
    await console.send(text=f"/lienket {code.lower()}")
    assert t("linking.linked") in console.text

    after = await owners(database)
    person = after[("console", CONSOLE_USER)]
    assert after[("telegram", TELEGRAM_USER)] == person
    # The role granted on Telegram is the console's now: its menu offers the monthly update.
    await console.send(text="/vaitro")
    assert "Thôn Đông" in console.text
    # A role granted later through one account shows on the other.
    await member_with_roles(database, CONSOLE_USER, [("model_lead", THON_DONG)], channel="console")
    await telegram.send(text="/vaitro")
    assert telegram.text.count("Thôn Đông") >= 2

    # Notices go to the account used last, even within one day.
    assert await notice_goes_to(database, person, clock, "n1") == "telegram"
    await console.send(text="/menu")
    assert await notice_goes_to(database, person, clock, "n2") == "console"
    # ... or to the one chosen, whatever is used afterwards.
    await telegram.send(text="/lienket")
    await telegram.send(text="2")
    assert t("linking.notices_here") in telegram.text
    await console.send(text="/menu")
    assert await notice_goes_to(database, person, clock, "n3") == "telegram"

    # Erasing from one account erases the person: both accounts go.
    await console.send(text="/xoadulieu")
    await console.send(text="1")
    assert t("privacy.erase.done") in console.text
    left = await owners(database)
    assert ("telegram", TELEGRAM_USER) not in left and ("console", CONSOLE_USER) not in left
    assert person not in {row["id"] for row in await rows(database, members)}


async def test_a_wrong_or_expired_code_links_nothing_and_guessing_is_slowed(
    tree: Database,
) -> None:
    database, clock = tree, Clock()
    telegram, console = await two_accounts(database, clock)
    code = await code_from(telegram)
    clock.advance(minutes=11)  # the default lifetime is 10 minutes
    await console.send(text=f"/lienket {code}")
    assert t("linking.not_found") in console.text
    for _ in range(9):
        await console.send(text="/lienket 2345-6789")
        assert t("linking.not_found") in console.text
    fresh = await code_from(telegram)
    await console.send(text=f"/lienket {fresh}")
    # Ten wrong codes in a row: even the good one waits.
    assert t("linking.slow_down", minutes=15) in console.text
    found = await owners(database)
    assert found[("telegram", TELEGRAM_USER)] != found[("console", CONSOLE_USER)]
    clock.advance(minutes=15)
    fresh = await code_from(telegram)
    await console.send(text=f"/lienket {fresh}")
    assert t("linking.linked") in console.text


async def test_two_role_holders_are_not_merged_and_a_used_code_is_gone(tree: Database) -> None:
    database, clock = tree, Clock()
    telegram, console = await two_accounts(database, clock)
    await member_with_roles(database, TELEGRAM_USER, [("leader", THON_DONG)])
    await member_with_roles(database, CONSOLE_USER, [("officer", "17662")], channel="console")
    code = await code_from(telegram)
    await console.send(text=f"/lienket {code}")
    assert t("linking.both_hold_roles") in console.text
    found = await owners(database)
    assert found[("telegram", TELEGRAM_USER)] != found[("console", CONSOLE_USER)]
    await console.send(text=f"/lienket {code}")
    assert t("linking.not_found") in console.text


async def test_unlinking_leaves_the_other_account_its_roles(tree: Database) -> None:
    database, clock = tree, Clock()
    telegram, console = await two_accounts(database, clock)
    await member_with_roles(database, TELEGRAM_USER, [("leader", THON_DONG)])
    await console.send(text="/huylienket")
    assert t("linking.not_linked") in console.text
    await console.send(text=f"/lienket {await code_from(telegram)}")
    assert t("linking.linked") in console.text

    await console.send(text="/huylienket")
    assert t("linking.unlinked") in console.text
    found = await owners(database)
    assert found[("telegram", TELEGRAM_USER)] != found[("console", CONSOLE_USER)]
    await console.send(text="/vaitro")
    assert t("roles.none") in console.text
    await telegram.send(text="/vaitro")
    assert "Thôn Đông" in telegram.text
    # The person's notices are back on the account left.
    person = found[("telegram", TELEGRAM_USER)]
    assert await notice_goes_to(database, person, clock, "after") == "telegram"


async def test_an_anonymous_tip_stays_linked_to_nobody(tree: Database) -> None:
    database, clock = tree, Clock()
    telegram, console = await two_accounts(database, clock)
    await telegram.send(text="/tinbao")
    await walk(telegram, ANONYMOUS_PATH)
    await telegram.send(text="1")
    await console.send(text=f"/lienket {await code_from(telegram)}")
    assert t("linking.linked") in console.text
    (tip,) = await rows(database, tips)
    assert tip["member_id"] is None


async def test_choices_made_on_the_first_account_follow_to_the_second(tree: Database) -> None:
    database, clock = tree, Clock()
    telegram, console = await two_accounts(database, clock)
    await telegram.send(text="/dunglai")  # campaign messages off, on Telegram
    await console.send(text=f"/lienket {await code_from(telegram)}")
    assert t("linking.linked") in console.text
    person = (await owners(database))[("console", CONSOLE_USER)]
    async with database.transaction() as session:
        queued = await queue_for_member(
            session, MemberMessage(person, BROADCAST, "campaign", text="x"), now=clock.now
        )
    assert not queued  # the choice made on Telegram holds for the console too


async def test_a_choice_both_accounts_made_is_kept_once(tree: Database) -> None:
    database, clock = tree, Clock()
    telegram, console = await two_accounts(database, clock)
    await telegram.send(text="/dunglai")
    await console.send(text="/dunglai")
    assert len(await rows(database, member_preferences)) == 2
    await console.send(text=f"/lienket {await code_from(telegram)}")
    assert t("linking.linked") in console.text
    person = (await owners(database))[("console", CONSOLE_USER)]
    (kept,) = await rows(database, member_preferences)
    assert kept["member_id"] == person and kept["campaigns"] is False


async def test_a_broadcast_reaches_a_linked_person_once_on_the_account_used_last(
    tree: Database,
) -> None:
    database, clock = tree, Clock()
    telegram, console = await two_accounts(database, clock)
    await member_with_roles(database, TELEGRAM_USER, [("leader", THON_DONG)])
    await console.send(text=f"/lienket {await code_from(telegram)}")
    chosen = {
        "area_ids": [await area_id(database, "17662")],
        "roles": ["leader"],
        "channels": ["telegram", "console"],
    }

    async def copies() -> list[str]:
        async with database.session() as session:
            page = await recipients_page(session, chosen, after_member_id=0, limit=100)
        return [recipient.channel for recipient in page]

    assert await copies() == ["console"]
    await telegram.send(text="/menu")
    assert await copies() == ["telegram"]


async def test_an_unused_code_is_gone_the_first_morning_after_it_expired(tree: Database) -> None:
    database, clock = tree, Clock()
    telegram, _console = await two_accounts(database, clock)
    await code_from(telegram)
    assert len(await rows(database, link_codes)) == 1
    long = timedelta(days=3650)
    periods = {name: long for name in EXPIRIES} | {INACTIVE_MEMBERS: long, LINK_CODES: timedelta(0)}
    schedule = RetentionSchedule(draft_lifetimes(timedelta(hours=24)), periods)
    async with database.transaction() as session:
        await apply_schedule(session, schedule, clock.now)
    assert len(await rows(database, link_codes)) == 1  # still good: kept
    clock.advance(minutes=11)
    async with database.transaction() as session:
        await apply_schedule(session, schedule, clock.now)
    assert await rows(database, link_codes) == []
