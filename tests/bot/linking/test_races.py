"""Links made at the same moment end in one consistent state, on both databases (on
PostgreSQL each message in a transaction of its own, on its own connection).

The first link is held after its merge, uncommitted, until the second has started and (on
PostgreSQL) waits on a lock. Without the lock on both members taken at link time
(``storage.linking.lock_members``) the first test fails on PostgreSQL: the second link moves
W's rows to a member the first has just deleted, and the person is told of an internal error;
with it, the second waits, finds its member gone and runs again. (The other two end
consistently without it too, by PostgreSQL's deadlock detection and the one-row delete of a
code; they hold the replies a person sees.) SQLite has one writer at a time: the second
waits for it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.linking import handlers
from storage.database import Database
from tests.bot.harness import Phone, at_menu, make_processor
from tests.bot.linking.harness import code_from, owners
from tests.bot.linking.phones import ChannelPhone
from tests.conversations.harness import Clock, t


async def _waiting_on_a_lock(database: Database) -> None:
    """Return once another connection of the database waits on a row lock (PostgreSQL)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    while True:
        async with database.session() as session:
            if await session.scalar(query):
                return
        await asyncio.sleep(0.01)  # polling for the event, not waiting out a time


def _held_after_merging(
    monkeypatch: pytest.MonkeyPatch, which: int
) -> tuple[asyncio.Event, asyncio.Event]:
    """Hold the link that absorbs member ``which`` after its merge, uncommitted, until
    ``release`` is set; ``merged`` is set once it is held."""
    merged, release = asyncio.Event(), asyncio.Event()
    real = handlers.merge_members

    async def held(session: AsyncSession, *, into: int, absorbed: int) -> None:
        await real(session, into=into, absorbed=absorbed)
        if absorbed == which:
            merged.set()
            await release.wait()

    monkeypatch.setattr(handlers, "merge_members", held)
    return merged, release


async def _second_while_first_held(
    database: Database,
    merged: asyncio.Event,
    release: asyncio.Event,
    first: Awaitable[Any],
    second: Callable[[], Awaitable[Any]],
) -> None:
    held = asyncio.ensure_future(first)
    await merged.wait()
    following = asyncio.ensure_future(second())
    if database.url.startswith("postgresql"):
        await _waiting_on_a_lock(database)
    else:
        for _ in range(20):  # let it run as far as it can: to the one writer
            await asyncio.sleep(0)
    release.set()
    await asyncio.gather(held, following)


ACCOUNTS = {("telegram", "7301"), ("console", "op-7302"), ("zalo", "zl-7303")}


async def _persons(database: Database) -> set[int]:
    """The members the three accounts belong to."""
    return {member for account, member in (await owners(database)).items() if account in ACCOUNTS}


async def _three(database: Database, clock: Clock) -> tuple[Phone, Phone, Phone]:
    processor = make_processor(database, clock)
    phones = (
        ChannelPhone(processor, "7301", "telegram"),
        ChannelPhone(processor, "op-7302", "console"),
        ChannelPhone(processor, "zl-7303", "zalo"),
    )
    for phone in phones:
        await at_menu(phone)
    return phones


@dataclass
class LinkRace:
    """Three accounts at the menu, each its own person: X (Telegram), Y (console), W (Zalo);
    a link that absorbs X's member is held after its merge until the race releases it."""

    database: Database
    x: Phone
    y: Phone
    w: Phone
    before: dict[tuple[str, str], int]  # the member of each account before the race
    merged: asyncio.Event
    release: asyncio.Event

    async def y_takes_x_in_while_x_types_the_code_of(self, other: Phone) -> None:
        """Y links with X's code, held after its merge (X's member absorbed, uncommitted),
        while X links with ``other``'s code."""
        code_x, code_other = await code_from(self.x), await code_from(other)
        await _second_while_first_held(
            self.database,
            self.merged,
            self.release,
            self.y.send(text=f"/lienket {code_x}"),
            lambda: self.x.send(text=f"/lienket {code_other}"),
        )


@pytest.fixture
async def race(tree: Database, monkeypatch: pytest.MonkeyPatch) -> LinkRace:
    x, y, w = await _three(tree, Clock())
    before = await owners(tree)
    merged, release = _held_after_merging(monkeypatch, before[("telegram", "7301")])
    return LinkRace(tree, x, y, w, before, merged, release)


async def test_a_member_absorbed_while_it_takes_another_in_ends_as_one_person(
    race: LinkRace,
) -> None:
    # Y takes X in, while X takes W in: X's member is gone by the time the second is written.
    await race.y_takes_x_in_while_x_types_the_code_of(race.w)
    assert t("linking.linked") in race.y.text
    # The second ran again once the first was done: W joins the person X now belongs to.
    assert t("linking.linked") in race.x.text, race.x.text
    after = await owners(race.database)
    assert set(after) == set(race.before)  # no account lost
    assert len(await _persons(race.database)) == 1  # one person


async def test_two_accounts_using_each_others_codes_at_once_end_linked_once(
    race: LinkRace,
) -> None:
    await race.y_takes_x_in_while_x_types_the_code_of(race.y)
    assert t("linking.linked") in race.y.text
    # The second, run again once the first was done, finds the two already one.
    assert t("linking.already") in race.x.text
    after = await owners(race.database)
    assert set(after) == set(race.before)
    assert after[("telegram", "7301")] == after[("console", "op-7302")]
    assert after[("zalo", "zl-7303")] != after[("console", "op-7302")]


async def test_one_code_typed_on_two_accounts_at_once_links_one(tree: Database) -> None:
    database, clock = tree, Clock()
    x, y, z = await _three(database, clock)
    code = await code_from(x)
    await asyncio.gather(y.send(text=f"/lienket {code}"), z.send(text=f"/lienket {code}"))
    said = sorted([t("linking.linked") in y.text, t("linking.linked") in z.text])
    assert said == [False, True]
    assert t("linking.not_found") in (y.text if t("linking.linked") in z.text else z.text)
    assert len(await _persons(database)) == 2
