"""On a quiet day a commune hears from three people: an anonymous tipster, a tipster who left
a phone, and the officer who handles the anonymous tip. An attacker who reads the whole
database, but has no key, joins times to pick the anonymous tipster out of the three.

The attacker walks the schema (every table, every column, so a new one is covered without
editing this test). The anonymous tip's stored times are every time on its row and on the rows
of its thread; a row names a person when it is a member or an identity, points at one (a
member's or an identity's id by foreign key, a ``*member_id`` column) or holds their chat id.
No such row may keep a time finer than the day within a day of the tip's times: kept to the
day, a time says only "one of those who wrote that day", whatever the traffic.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table

from bot.delivery.limits import RateLimiter
from bot.delivery.shared_limits import shared_platform_limiters
from conversations.fields import format_tip_code
from storage.database import Database
from storage.delivery.outbox import QUEUED, count_by_status
from storage.tables import Base
from tests.bot.delivery.harness import RecordingTransport
from tests.bot.harness import phone_at_menu, walk
from tests.bot.tips.harness import OFFICER_A, act, ask, officer_phone, thread_sender, tip_naming
from tests.conversations.harness import CONTACT_PATH, Clock, t
from tests.harness import database_contents, finish_every_reply, references, wait_until

ANONYMOUS = "77"  # the anonymous tipster's Telegram user and chat id (``tip_naming``)
NAMED = "88"
COMMUNE_STEP = [key for key, _ in CONTACT_PATH].index("tip.ask.commune")
MATCHABLE = timedelta(days=1)


def names_a_person(table: Table, row: dict[str, Any], chat_ids: set[str], orders: set[str]) -> bool:
    if table.name in ("members", "identities"):
        return True
    if table.name == "processed_updates" and row["update_key"] in orders:
        return True  # the update an account applied last (Telegram numbers updates)
    people = references(table, "members") | references(table, "identities")
    people |= {name for name in row if name.endswith("member_id")}
    if any(row[column] is not None for column in people):
        return True
    return row.get("chat_id") in chat_ids


def finer_than_a_day(moment: datetime) -> bool:
    moment = moment.astimezone(UTC)
    return (moment.hour, moment.minute, moment.second, moment.microsecond) != (0, 0, 0, 0)


def the_tips_times(data: dict[str, list[dict[str, Any]]], tip_id: int) -> list[datetime]:
    (tip,) = [row for row in data["tips"] if row["id"] == tip_id]
    thread = [row for row in data["tip_messages"] if row["tip_id"] == tip_id]
    return [
        value for row in (tip, *thread) for value in row.values() if isinstance(value, datetime)
    ]


def matches(
    data: dict[str, list[dict[str, Any]]], tip_id: int, ran: tuple[datetime, datetime]
) -> list[tuple[str, str, Any]]:
    """(table, column, row) of every time on a person's row that the tip's times could match.

    The scenario's clock dates what the bot writes; the database's own clock (a send's slot)
    dates the same events by the real time they happened, within ``ran``."""
    tip_times = the_tips_times(data, tip_id)
    start, end = ran[0] - MATCHABLE, ran[1] + MATCHABLE
    chat_ids = {str(row["chat_id"]) for row in data["identities"]}
    orders = {str(row["last_update_order"]) for row in data["identities"]}
    found = []
    for table in Base.metadata.sorted_tables:
        if table.name.startswith("tip"):
            continue  # the tip's own rows name no member of an anonymous tip (tested elsewhere)
        for row in data[table.name]:
            if not names_a_person(table, row, chat_ids, orders):
                continue
            for column, value in row.items():
                if (
                    isinstance(value, datetime)
                    and finer_than_a_day(value)
                    and (
                        any(abs(value - mine) < MATCHABLE for mine in tip_times)
                        or start < value < end
                    )
                ):
                    found.append((table.name, column, row))
    return found


async def deliver_everything(
    database: Database, clock: Clock, transport: RecordingTransport, limiter: RateLimiter
) -> None:
    """The outbox sender runs until nothing is left to send (a chat's gap defers a message
    a little: the scenario's clock moves on meanwhile)."""

    async def all_sent() -> bool:
        clock.advance(seconds=2)
        await thread_sender(database, clock, transport, limiter).deliver_due()
        async with database.session() as session:
            return (await count_by_status(session)).get(QUEUED, 0) == 0

    await wait_until(all_sent, what="every outbox message sent")


async def file_with_a_phone(database: Database, clock: Clock) -> None:
    tipster = await phone_at_menu(database, clock, NAMED, "Trần Thị Có Tên")
    await tipster.send(text="1")
    await walk(tipster, CONTACT_PATH, upto=COMMUNE_STEP)
    await tipster.send(text="do luong")
    await walk(tipster, CONTACT_PATH[COMMUNE_STEP + 1 :])
    await tipster.send(text="1")  # confirm the summary


async def test_on_a_quiet_day_no_persons_row_keeps_a_time_the_anonymous_tip_matches(
    commune: Database,
) -> None:
    began = datetime.now(UTC)
    clock = Clock(datetime(2026, 11, 23, 2, 7, 13, 250_000, tzinfo=UTC))
    officer = await officer_phone(commune, clock, OFFICER_A)
    clock.advance(minutes=3, seconds=7)
    await file_with_a_phone(commune, clock)
    clock.advance(minutes=5, seconds=41)
    anonymous = await tip_naming(commune, clock, {"text": "do luong"})
    data = await database_contents(commune)
    (tip,) = [row for row in data["tips"] if row["anonymous"]]
    code = str(tip["code"])
    clock.advance(minutes=2, seconds=3)
    await act(officer, code, "take")
    await ask(officer, code, "Xe thường đỗ ở đâu?")
    transport = RecordingTransport()
    # As ``antq run`` sends: on PostgreSQL through the budget all processes share.
    limiter = shared_platform_limiters(commune)["telegram"]
    await deliver_everything(commune, clock, transport, limiter)
    assert any("Xe thường đỗ ở đâu?" in text for text in transport.sent[ANONYMOUS])
    clock.advance(minutes=4, seconds=19)
    await anonymous.send(text=f"/traloi {code}", update_key="5001")
    await anonymous.send(text="Trước cổng chợ", update_key="5002")
    clock.advance(minutes=1, seconds=2)
    await anonymous.send(text=f"/ketthuc {code}", update_key="5003")
    assert t("ending.done", code=format_tip_code(code)) in anonymous.replies[0].text
    await officer.send(text=f"/xemtin {code}")
    await deliver_everything(commune, clock, transport, limiter)
    await limiter.close()  # the bot stops
    await finish_every_reply(commune)  # the channels sent every stored reply

    data = await database_contents(commune)
    people = {str(row["platform_user_id"]) for row in data["identities"]}
    assert {ANONYMOUS, NAMED, OFFICER_A[0]} <= people
    assert [row["anonymous"] for row in data["tips"]].count(True) == 1
    assert [row["direction"] for row in data["tip_messages"]] == ["officer", "tipster"]
    found = matches(data, int(tip["id"]), (began, datetime.now(UTC)))
    assert found == [], [f"{table}.{column} = {row[column]}" for table, column, row in found]
