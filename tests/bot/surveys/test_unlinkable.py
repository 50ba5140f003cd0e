"""An anonymous survey keeps no link from an answer to its author, by the standard tipsters
get: the test walks the schema (every table, every column, so that a new one is checked too)
after people answered, and looks in each row for an answer (a response's id, a reference to
it, its words) beside its author (their member or identity id by foreign key or name, their
chat id, their name); and for any time finer than the day in the answers and in the "who
answered" marks. Nor does any log line, at DEBUG, hold an answer."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import Table, select

from bot.app import LOGGER_FLOORS
from bot.broadcasts.rules import fan_out_broadcasts
from bot.scheduler import DeliveryScheduler
from storage._sql import pending_replies
from storage.database import Database
from storage.reply_path.replies import finish_replies
from storage.tables import Base
from tests.bot.delivery.harness import FakeClock, local
from tests.bot.harness import make_processor, rows
from tests.bot.surveys.harness import PEOPLE, ChannelPhone, deliver, seed, write_survey
from tests.conversations.harness import Clock

# name: (the answers, the words of the text answer that only this person wrote)
ANSWERS = {
    "dan_dong": ("1", "2", "Đèn ngõ 7 hỏng đã lâu"),
    "dan_dong_oa": ("3", "4", "Cần camera ở cầu Đá Mài"),
    "dan_dong_console": ("2", "0", "Xe máy phóng nhanh qua trường học"),
}


def _references(table: Table, target: str) -> set[str]:
    return {
        column.name
        for column in table.columns
        for key in column.foreign_keys
        if key.column.table.name == target
    }


def _words(row: dict[str, Any]) -> str:
    return " ".join(str(value) for value in row.values() if not isinstance(value, bytes))


def names_answer(table: Table, row: dict[str, Any], response_id: str, words: str) -> bool:
    if table.name == "survey_responses" and row["id"] == response_id:
        return True
    if any(row[column] == response_id for column in _references(table, "survey_responses")):
        return True
    return words in _words(row)


def names_author(table: Table, row: dict[str, Any], member: int, identity: int, name: str) -> bool:
    if table.name == "members" and row["id"] == member:
        return True
    if table.name == "identities" and row["id"] == identity:
        return True
    member_columns = _references(table, "members") | {
        column for column in row if column.endswith("member_id") or column == "created_by"
    }
    if any(row[column] == member for column in member_columns):
        return True
    if any(row[column] == identity for column in _references(table, "identities")):
        return True
    user_id = PEOPLE[name][0]
    return user_id in _words(row) or name in _words(row)


async def finish_every_reply(database: Database) -> None:
    """What the channels do once they sent the replies: the stored batches go."""
    async with database.transaction() as session:
        ids = (await session.execute(select(pending_replies.c.id))).scalars().all()
        await finish_replies(session, ids)


async def test_no_row_ties_an_anonymous_answer_to_its_author(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for logger, floor in LOGGER_FLOORS.items():  # as ``antq run --log-level DEBUG`` logs
        caplog.set_level(floor, logger=logger)
    start = local(2026, 11, 24, 9, 0)
    ids = await seed(database, start)
    clock = Clock(start)
    processor = make_processor(database, clock)
    admin = ChannelPhone.of(processor, "admin")
    await write_survey(admin, anonymous=True)
    await admin.send("1")
    await DeliveryScheduler(database, rules=[fan_out_broadcasts], clock=clock).tick()
    await deliver(database, FakeClock(clock.now))
    for name, answers in ANSWERS.items():
        clock.advance(minutes=3)
        phone = ChannelPhone.of(processor, name)
        await phone.send("/khaosat 1")
        for answer in answers:
            await phone.send(answer)
        await phone.send("/menu")  # and the chat goes on after the answer
    await finish_every_reply(database)

    responses = await rows(database, Base.metadata.tables["survey_responses"])
    identities = await rows(database, Base.metadata.tables["identities"])
    assert len(responses) == len(ANSWERS)
    links: list[tuple[str, str, dict[str, Any]]] = []
    for name, (*_, words) in ANSWERS.items():
        (response,) = [row for row in responses if words in str(row["answers"])]
        (identity,) = [row for row in identities if row["member_id"] == ids[name]]
        for table in Base.metadata.sorted_tables:
            for row in await rows(database, table):
                if names_answer(table, row, str(response["id"]), words) and names_author(
                    table, row, ids[name], int(identity["id"]), name
                ):
                    links.append((name, table.name, row))
    assert links == [], links

    # Times tell nothing finer than the day; the "answered" marks hold no member and no time.
    for table_name in ("survey_responses", "survey_answered"):
        table = Base.metadata.tables[table_name]
        assert not _references(table, "members") - {"member_id"}
        for row in await rows(database, table):
            assert row.get("member_id") is None
            for value in row.values():
                if hasattr(value, "hour"):
                    assert (value.hour, value.minute, value.second) == (0, 0, 0), row
    assert {column.name for column in Base.metadata.tables["survey_answered"].columns} == {
        "survey_id",
        "digest",
    }
    for record in caplog.records:
        line = record.getMessage()
        assert not any(words in line for *_, words in ANSWERS.values()), line
