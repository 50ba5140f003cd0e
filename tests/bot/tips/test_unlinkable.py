"""An attacker who reads the whole database, but has no key, cannot pick an anonymous tipster
out of the people who talked to the bot in the same minute by joining on times.

The attacker walks the schema (so a new table or column is covered without editing this test):
every row of every table holding a time within a second of one of the tip's times, and a link
to a member (a ``*member_id`` column, an identity, the member row itself), names a candidate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from storage.database import Database
from tests.bot.harness import Phone, at_menu, make_processor, walk
from tests.conversations.harness import ANONYMOUS_PATH, START, Clock
from tests.harness import database_contents

PEOPLE = 20
NEAR = timedelta(seconds=1)


@dataclass
class TickingClock(Clock):
    """Every message comes a second after the one before."""

    def __call__(self) -> datetime:
        now = self.now
        self.now += timedelta(seconds=1)
        return now


def member_links(table: str, row: dict[str, Any], identities: dict[int, int]) -> set[int]:
    linked = {
        value
        for column, value in row.items()
        if isinstance(value, int) and (column.endswith("member_id") or column == "changed_by")
    }
    if table == "members":
        linked.add(row["id"])
    if isinstance(row.get("identity_id"), int):
        linked.add(identities[row["identity_id"]])
    return linked


def candidates(data: dict[str, list[dict[str, Any]]]) -> set[int]:
    """Members that some row ties to one of the tip's times."""
    (tip,) = data["tips"]
    tip_times = [value for value in tip.values() if isinstance(value, datetime)]
    identities = {row["id"]: row["member_id"] for row in data["identities"]}
    named: set[int] = set()
    for table, table_rows in data.items():
        if table.startswith("tip"):
            continue  # the tip's own rows carry no member for an anonymous tip (tested elsewhere)
        for row in table_rows:
            times = [value for value in row.values() if isinstance(value, datetime)]
            if any(abs(mine - theirs) <= NEAR for mine in times for theirs in tip_times):
                named |= member_links(table, row, identities)
    return named


async def test_times_do_not_single_out_an_anonymous_tipster(database: Database) -> None:
    clock = TickingClock(START)
    processor = make_processor(database, clock)
    people = [Phone(processor, user_id=str(9000 + n), name=f"Người {n}") for n in range(PEOPLE)]
    tipster = people[7]
    for person in people[: PEOPLE // 2]:
        await at_menu(person, consent=False)
    await at_menu(tipster, consent=False)
    await tipster.send(text="1")
    await walk(tipster, ANONYMOUS_PATH)
    await tipster.send(text="1")  # confirm: the tip is stored
    for person in people[PEOPLE // 2 :]:
        if person is not tipster:
            await at_menu(person, consent=False)
    assert clock.now - START < timedelta(minutes=1), "everybody wrote within one minute"

    data = await database_contents(database)
    (tip,) = data["tips"]
    assert tip["member_id"] is None
    assert tip["received_at"].second == 0 and tip["received_at"].microsecond == 0
    named = candidates(data)
    tipster_member = next(
        row["member_id"] for row in data["identities"] if row["platform_user_id"] == "9007"
    )
    # Either the times tie the tip to nobody, or to everybody who wrote in that minute.
    assert not named or (tipster_member in named and len(named) >= PEOPLE), (len(named), named)
