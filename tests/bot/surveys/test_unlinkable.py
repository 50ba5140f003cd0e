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

from bot.app import LOGGER_FLOORS
from bot.broadcasts.rules import fan_out_broadcasts
from bot.scheduler import DeliveryScheduler
from storage.database import Database
from storage.tables import Base
from tests.bot.delivery.harness import FakeClock, local
from tests.bot.harness import make_processor, rows
from tests.bot.surveys.harness import PEOPLE, ChannelPhone, deliver, seed, write_survey
from tests.conversations.harness import Clock
from tests.harness import Trace, finish_every_reply, person, references, rows_naming_both

# name: (the answers, the words of the text answer that only this person wrote)
ANSWERS = {
    "dan_dong": ("1", "2", "Đèn ngõ 7 hỏng đã lâu"),
    "dan_dong_oa": ("3", "4", "Cần camera ở cầu Đá Mài"),
    "dan_dong_console": ("2", "0", "Xe máy phóng nhanh qua trường học"),
}


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
        answer = Trace({"survey_responses": {response["id"]}}, (words,))
        author = person(ids[name], {identity["id"]}, PEOPLE[name][0], name)
        links += [(name, *link) for link in await rows_naming_both(database, answer, author)]
    assert links == [], links

    # Times tell nothing finer than the day; the "answered" marks hold no member and no time.
    for table_name in ("survey_responses", "survey_answered"):
        table = Base.metadata.tables[table_name]
        assert not references(table, "members") - {"member_id"}
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
