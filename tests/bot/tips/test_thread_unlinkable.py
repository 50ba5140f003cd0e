"""After a whole exchange on a tip's thread, no row of any table ties the tip or its thread to
the anonymous tipster: the test walks the schema (every table, every column, so a new one is
checked too) and looks, in each row, for the tip (its id, its code) beside the tipster (their
member or identity id by foreign key or name, their chat id, their name)."""

from __future__ import annotations

import logging
import re

import pytest

from bot.app import LOGGER_FLOORS
from conversations.fields import format_tip_code
from conversations.replies import MediaItem
from storage.database import Database
from storage.tables import Base
from tests.bot.delivery.harness import RecordingTransport
from tests.bot.harness import NAME, phone_at_menu, rows
from tests.bot.tips.harness import (
    ask,
    taken_tip,
    thread_sender,
)
from tests.conversations.harness import t
from tests.harness import Trace, finish_every_reply, person, rows_naming_both

CHAT = "77"  # the tipster's Telegram user and chat id (``new_tip`` files the tip as user 77)
_CHAT_ID = re.compile(rf"(?<![0-9A-Za-z]){CHAT}(?![0-9A-Za-z])")


async def test_no_row_ties_the_tip_or_its_thread_to_the_anonymous_tipster(
    commune: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name, floor in LOGGER_FLOORS.items():  # as ``antq run --log-level DEBUG`` logs
        caplog.set_level(floor, logger=name)
    clock, code, officer = await taken_tip(commune)
    await ask(officer, code, "Xe thường đỗ ở đâu?")
    transport = RecordingTransport()
    outbox_sender = thread_sender(commune, clock, transport)
    await outbox_sender.deliver_due()
    assert any("Xe thường đỗ ở đâu?" in text for text in transport.sent[CHAT])

    tipster = await phone_at_menu(commune, clock, CHAT)
    await tipster.send(text=f"/traloi {code}")
    await tipster.send(text="Trước cổng chợ")
    await tipster.send(text=f"/bosung {code}")
    await tipster.send(text="bỏ qua")
    await tipster.send(media=MediaItem("photo", "AgACAgUAAxkBAAIBphoto"))
    await tipster.send(text="xong")
    await tipster.send(text=f"/ketthuc {code}")
    assert t("ending.done", code=format_tip_code(code)) in tipster.replies[0].text
    await officer.send(text=f"/xemtin {code}")
    await outbox_sender.deliver_due()
    await finish_every_reply(commune)

    (tip,) = await rows(commune, Base.metadata.tables["tips"])
    identities = await rows(commune, Base.metadata.tables["identities"])
    (mine,) = [row for row in identities if row["platform_user_id"] == CHAT]
    member, identity_ids = int(mine["member_id"]), {int(mine["id"])}
    assert tip["member_id"] is None and tip["contact_phone"] is None
    thread = await rows(commune, Base.metadata.tables["tip_messages"])
    assert [row["direction"] for row in thread] == ["officer", "tipster", "tipster"]

    the_tip = Trace(
        {"tips": {tip["id"]}}, (code, format_tip_code(code)), subjects={"tip": {tip["id"]}}
    )
    links = await rows_naming_both(commune, the_tip, person(member, identity_ids, _CHAT_ID, NAME))
    assert links == [], links
    # Nor does any log line, at DEBUG: no message of the thread, no chat id, no name.
    for record in caplog.records:
        line = record.getMessage()
        assert "Xe thường đỗ ở đâu?" not in line and "Trước cổng chợ" not in line
        assert not _CHAT_ID.search(line) and NAME not in line, line
