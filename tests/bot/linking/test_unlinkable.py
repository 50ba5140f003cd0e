"""Linking adds no link from an anonymous tip to its sender: the schema walk of the tips'
test (every table, so the link codes and the notice accounts too), run after the tipster
linked a second account in the minute of the tip and asked for another code, ties the tip to
nobody, or to everybody who wrote in that minute."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.database import Database
from tests.bot.harness import Phone, at_menu, make_processor, walk
from tests.bot.linking.harness import code_from
from tests.bot.linking.phones import ChannelPhone
from tests.bot.tips.test_unlinkable import PEOPLE, TickingClock, candidates
from tests.conversations.harness import ANONYMOUS_PATH, START, t
from tests.harness import database_contents


@dataclass
class HalfTicking(TickingClock):
    """Every message comes half a second after the one before: linking takes a few more."""

    def __call__(self) -> datetime:
        now = self.now
        self.now += timedelta(seconds=0.5)
        return now


async def test_linking_ties_an_anonymous_tip_to_nobody(database: Database) -> None:
    clock = HalfTicking(START)
    processor = make_processor(database, clock)
    people = [Phone(processor, user_id=str(9000 + n), name=f"Người {n}") for n in range(PEOPLE)]
    tipster = people[7]
    second = ChannelPhone(processor, "op-9007", "console")
    for person in people[: PEOPLE // 2]:
        await at_menu(person, consent=person is tipster)
    await tipster.send(text="/tinbao")
    await walk(tipster, ANONYMOUS_PATH)
    await tipster.send(text="1")  # confirm: the tip is stored
    await at_menu(second)
    await second.send(text=f"/lienket {await code_from(tipster)}")
    assert t("linking.linked") in second.text
    await code_from(second)  # a code outstanding when the database is read
    for person in people[PEOPLE // 2 :]:
        if person is not tipster:
            await at_menu(person, consent=False)
    assert clock.now - START < timedelta(minutes=1), "everybody wrote within one minute"

    data = await database_contents(database)
    assert data["link_codes"] and data["notice_accounts"]  # the walk reads them
    (tip,) = data["tips"]
    assert tip["member_id"] is None
    named = candidates(data)
    person = next(
        row["member_id"] for row in data["identities"] if row["platform_user_id"] == "9007"
    )
    assert not named or (person in named and len(named) >= PEOPLE), (len(named), named)
