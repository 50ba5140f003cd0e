"""Telegram numbers a bot's updates one by one: a user's update is applied only once every
number below it is stored, so one still on its way through another process goes first, and
one that never comes holds nobody back for longer than the wait for it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import pytest

from bot.inbox import Delivery, Inbox
from storage.database import Database
from tests.harness import PATIENCE

CHANNEL = "telegram"


class Applied:
    """The payloads applied, in order, across every inbox that shares it."""

    def __init__(self) -> None:
        self.payloads: list[str] = []
        self.changed = asyncio.Event()

    async def apply(self, payload: str) -> None:
        self.payloads.append(payload)
        self.changed.set()

    async def until(self, count: int) -> list[str]:
        async def enough() -> None:
            while len(self.payloads) < count:
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(enough(), PATIENCE)
        return self.payloads


class Looks:
    """An inbox's pauses while a number is missing: the test learns that it waits."""

    def __init__(self) -> None:
        self.count = 0
        self.waiting = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.count += 1
        self.waiting.set()
        await asyncio.sleep(0)


def delivery(user: str, number: int) -> Delivery:
    return Delivery(user, str(number), number, f"{user}:{number}")


@pytest.fixture
async def second(database: Database) -> AsyncIterator[Database]:
    """Another process's connection to the same database."""
    other = Database(database.url)
    try:
        yield other
    finally:
        await other.dispose()


class Work:
    """The inboxes' passes, awaited before the test's database goes."""

    def __init__(self) -> None:
        self.tasks: list[asyncio.Task[None]] = []

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        self.tasks.append(asyncio.ensure_future(work))

    async def done(self) -> None:
        await asyncio.wait_for(asyncio.gather(*self.tasks), PATIENCE)


@pytest.fixture
async def work() -> AsyncIterator[Work]:
    passes = Work()
    yield passes
    await passes.done()


@pytest.fixture
def inbox(work: Work) -> Callable[..., Inbox]:
    def make(database: Database, applied: Applied, holder: str, **options: Any) -> Inbox:
        # Several processes look for missing numbers (one alone has the platform's order);
        # here one process does too, to show what a missing number does.
        options.setdefault("numbered", True)
        return Inbox(database, CHANNEL, applied.apply, holder=holder, spawn=work.spawn, **options)

    return make


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_an_update_still_on_its_way_through_the_other_process_is_applied_first(
    database: Database, second: Database, inbox: Callable[..., Inbox]
) -> None:
    applied = Applied()
    looks = Looks()
    first_process = inbox(database, applied, "first")
    # Its clock never moves: it waits for the missing number as long as it takes.
    second_process = inbox(second, applied, "second", sleep=looks.sleep, clock=lambda: 0.0)
    await first_process.receive(delivery("lan", 100))  # the bot's first update
    assert await applied.until(1) == ["lan:100"]

    # Minh's 102 reaches the second process while his 101 is still on its way to the first.
    await second_process.receive(delivery("minh", 102))
    await asyncio.wait_for(looks.waiting.wait(), PATIENCE)
    assert applied.payloads == ["lan:100"]  # 102 waits for 101
    await first_process.receive(delivery("minh", 101))
    assert await applied.until(3) == ["lan:100", "minh:101", "minh:102"]


async def test_a_missing_number_of_another_user_holds_an_update_back_until_it_comes(
    database: Database, inbox: Callable[..., Inbox]
) -> None:
    applied = Applied()
    looks = Looks()
    one = inbox(database, applied, "one", sleep=looks.sleep, clock=lambda: 0.0)
    await one.receive(delivery("lan", 100))
    assert await applied.until(1) == ["lan:100"]
    await one.receive(delivery("minh", 102))  # 101 (anybody's) is still on its way
    await asyncio.wait_for(looks.waiting.wait(), PATIENCE)
    assert applied.payloads == ["lan:100"]
    await one.receive(delivery("hoa", 101))
    payloads = await applied.until(3)
    assert payloads[0] == "lan:100" and sorted(payloads[1:]) == ["hoa:101", "minh:102"]


async def test_a_number_that_never_comes_is_given_up_and_applied_late_if_it_comes(
    database: Database, inbox: Callable[..., Inbox]
) -> None:
    applied = Applied()
    looks = Looks()
    now = [0.0]
    one = inbox(database, applied, "one", sleep=looks.sleep, clock=lambda: now[0], gap_wait=5.0)
    await one.receive(delivery("lan", 100))
    assert await applied.until(1) == ["lan:100"]
    await one.receive(delivery("lan", 103))  # 101 and 102 never come
    await asyncio.wait_for(looks.waiting.wait(), PATIENCE)
    assert applied.payloads == ["lan:100"]
    now[0] = 5.0  # the wait for them is over
    assert await applied.until(2) == ["lan:100", "lan:103"]
    # Given up: a later update waits for them no more.
    looks.waiting.clear()
    await one.receive(delivery("lan", 104))
    assert await applied.until(3) == ["lan:100", "lan:103", "lan:104"]
    assert not looks.waiting.is_set()
    # One of them comes after all: applied as it comes, not refused, not lost.
    await one.receive(delivery("lan", 102))
    assert await applied.until(4) == ["lan:100", "lan:103", "lan:104", "lan:102"]


async def test_a_delivery_of_an_applied_update_again_is_not_applied_twice(
    database: Database, inbox: Callable[..., Inbox]
) -> None:
    applied = Applied()
    one = inbox(database, applied, "one")
    await one.receive(delivery("lan", 100))
    await one.receive(delivery("lan", 101))
    assert await applied.until(2) == ["lan:100", "lan:101"]
    await one.receive(delivery("lan", 101))  # Telegram sent it again
    await one.receive(delivery("lan", 102))
    assert await applied.until(3) == ["lan:100", "lan:101", "lan:102"]
