"""An anonymous opinion keeps no link to its sender, by the standard tipsters get: the test
walks the schema (every table, every column, so that a new one is checked too) after several
residents sent opinions, some anonymous, and an officer answered them; it looks in each row for
an anonymous opinion (its id, a reference to it, its code, its words) beside its sender (their
member or identity id by foreign key or name, their chat id, their name); and for any time
finer than the day on the opinions and their answers. Nor does any log line, at DEBUG, hold
an opinion's words or an answer."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.app import LOGGER_FLOORS
from storage.database import Database
from storage.tables import Base
from tests.bot.harness import phone_at_menu, rows
from tests.bot.opinions.harness import OFFICER, commune, send_opinion
from tests.conversations.harness import Clock
from tests.harness import Trace, finish_every_reply, person, rows_naming_both

# user id: (name, anonymous, the words only this person wrote)
SENDERS = {
    "7100001": ("Trần Thị Hoa", True, "Đèn ngõ 7 thôn Đông hỏng đã lâu, đề nghị sửa sớm."),
    "7100002": ("Lê Văn Nam", False, "Cần lắp camera ở cầu Đá Mài vì hay có người lạ."),
    "7100003": ("Phạm Thị Lan", True, "Xe tải phóng nhanh qua cổng trường tiểu học mỗi sáng."),
}
ANSWER = "Công an xã đã tiếp thu, sẽ phối hợp xử lý trong tháng."


async def test_no_row_ties_an_anonymous_opinion_to_its_sender(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for logger, floor in LOGGER_FLOORS.items():  # as ``antq run --log-level DEBUG`` logs
        caplog.set_level(floor, logger=logger)
    await commune(database)
    clock = Clock()
    for user, (name, anonymous, words) in SENDERS.items():
        clock.advance(minutes=3)
        identity = "anonymous" if anonymous else "named"
        phone = await send_opinion(database, clock, identity, user_id=user, words=words, name=name)
        await phone.send(text="/menu")  # and the chat goes on after the opinion
    officer = await phone_at_menu(database, clock, OFFICER, name="Cán bộ")
    for _ in SENDERS:
        await officer.send(text="/xemgopy")
        await officer.send(text="1")
        await officer.send(text="1")
        await officer.send(text=ANSWER)
    await finish_every_reply(database)

    opinions = await rows(database, Base.metadata.tables["opinions"])
    identities = await rows(database, Base.metadata.tables["identities"])
    answers = await rows(database, Base.metadata.tables["opinion_answers"])
    assert len(opinions) == len(SENDERS) and len(answers) == len(SENDERS)
    links: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for user, (name, _, words) in SENDERS.items():
        (opinion,) = [row for row in opinions if row["text"] == words]
        (identity,) = [row for row in identities if row["platform_user_id"] == user]
        the_opinion = Trace({"opinions": {opinion["id"]}}, (words, str(opinion["code"])[:4]))
        sender = person(int(identity["member_id"]), {identity["id"]}, user, name)
        if found := await rows_naming_both(database, the_opinion, sender):
            links[user] = found
    # The walk finds the named sender (so it can find one), and no anonymous one.
    assert set(links) == {"7100002"}, links

    for table_name in ("opinions", "opinion_answers"):
        for row in await rows(database, Base.metadata.tables[table_name]):
            for value in row.values():
                if hasattr(value, "hour"):
                    assert (value.hour, value.minute, value.second) == (0, 0, 0), row
    for record in caplog.records:
        line = record.getMessage()
        assert ANSWER not in line, line
        assert not any(words in line for _, _, words in SENDERS.values()), line
