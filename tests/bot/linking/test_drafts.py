"""The unfinished draft of the account whose member is absorbed by a link is kept: moved to
the person when they have none, else the more recent of the two is kept (to the day; a tie
keeps the one of the account typing the code) and the person is told which. On both
databases, through the processor."""

from __future__ import annotations

from storage.database import Database
from tests.bot.harness import Phone, walk
from tests.bot.linking.harness import code_from, two_accounts
from tests.conversations.harness import ANONYMOUS_PATH, Clock, t

KEPT = t("draft.kept_after_link", flow=t("menu.tip"))


async def _tip_draft(phone: Phone, upto: int) -> None:
    """A tip begun and left unfinished after ``upto`` answers."""
    await phone.send(text="/tinbao")
    await walk(phone, ANONYMOUS_PATH, upto=upto)


async def test_the_absorbed_accounts_draft_moves_to_the_person(tree: Database) -> None:
    database, clock = tree, Clock()
    telegram, console = await two_accounts(database, clock)
    await _tip_draft(telegram, 2)  # category and description given
    code = await code_from(telegram)  # the tip is put aside
    await console.send(text=f"/lienket {code}")
    assert t("linking.linked") in console.text and KEPT in console.text
    await console.send(text="0")  # the draft offered above the menu's items
    assert t("draft.resumed") in console.text
    assert console.asked(ANONYMOUS_PATH[2][0])  # on at the place: nothing given is lost


async def test_of_two_drafts_the_more_recent_is_kept_and_named(tree: Database) -> None:
    database, clock = tree, Clock()
    telegram, console = await two_accounts(database, clock)
    await _tip_draft(console, 1)
    clock.advance(days=1)
    await _tip_draft(telegram, 3)  # begun a day later on Telegram
    code = await code_from(telegram)
    await console.send(text=f"/lienket {code}")
    assert KEPT in console.text
    await console.send(text="0")
    assert console.asked(ANONYMOUS_PATH[3][0])  # Telegram's, with three answers


async def test_drafts_of_one_day_keep_the_typing_accounts(tree: Database) -> None:
    database, clock = tree, Clock()
    telegram, console = await two_accounts(database, clock)
    await _tip_draft(telegram, 3)
    await code_from(telegram)
    await _tip_draft(console, 1)
    code = await code_from(telegram)
    await console.send(text=f"/lienket {code}")
    assert KEPT in console.text
    await console.send(text="0")
    assert console.asked(ANONYMOUS_PATH[1][0])  # the console's own, with one answer


async def test_no_draft_no_word_of_drafts(tree: Database) -> None:
    database, clock = tree, Clock()
    telegram, console = await two_accounts(database, clock)
    await console.send(text=f"/lienket {await code_from(telegram)}")
    assert t("linking.linked") in console.text
    assert KEPT not in console.text
