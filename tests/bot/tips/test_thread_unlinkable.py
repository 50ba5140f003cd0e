"""After a whole exchange on a tip's thread, no row of any table ties the tip or its thread to
the anonymous tipster: the test walks the schema (every table, every column, so a new one is
checked too) and looks, in each row, for the tip (its id, its code) beside the tipster (their
member or identity id by foreign key or name, their chat id, their name)."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from sqlalchemy import Table, select

from bot.app import LOGGER_FLOORS
from conversations.fields import format_tip_code
from conversations.replies import MediaItem
from storage._sql import pending_replies
from storage.database import Database
from storage.reply_path.replies import finish_replies
from storage.tables import Base
from tests.bot.delivery.harness import RecordingTransport
from tests.bot.harness import NAME, phone_at_menu, rows
from tests.bot.tips.harness import (
    ask,
    taken_tip,
    thread_sender,
)
from tests.conversations.harness import t

CHAT = "77"  # the tipster's Telegram user and chat id (``new_tip`` files the tip as user 77)
_CHAT_ID = re.compile(rf"(?<![0-9A-Za-z]){CHAT}(?![0-9A-Za-z])")


async def finish_every_reply(database: Database) -> None:
    """What the channels do once they sent the replies: the stored batches go (until then a
    batch holds the chat it goes to and what it says, the tip's code included)."""
    async with database.transaction() as session:
        ids = (await session.execute(select(pending_replies.c.id))).scalars().all()
        await finish_replies(session, ids)


def _references(table: Table, target: str) -> set[str]:
    """The columns of ``table`` holding an id of ``target`` (by foreign key)."""
    return {
        column.name
        for column in table.columns
        for key in column.foreign_keys
        if key.column.table.name == target
    }


def _words(row: dict[str, Any]) -> str:
    return " ".join(str(value) for value in row.values() if not isinstance(value, bytes))


def names_tip(table: Table, row: dict[str, Any], tip_id: int, code: str) -> bool:
    if table.name == "tips" and row["id"] == tip_id:
        return True
    if any(row[column] == tip_id for column in _references(table, "tips")):
        return True
    if row.get("subject_kind") == "tip" and row.get("subject_id") == tip_id:
        return True
    words = _words(row)
    return code in words or format_tip_code(code) in words


def names_tipster(table: Table, row: dict[str, Any], member: int, identity_ids: set[int]) -> bool:
    if table.name == "members" and row["id"] == member:
        return True
    if table.name == "identities" and row["id"] in identity_ids:
        return True
    member_columns = _references(table, "members") | {
        name for name in row if name.endswith("member_id")
    }
    if any(row[column] == member for column in member_columns):
        return True
    if any(row[column] in identity_ids for column in _references(table, "identities")):
        return True
    words = _words(row)
    return bool(_CHAT_ID.search(words)) or NAME in words


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

    links: list[tuple[str, dict[str, Any]]] = []
    for table in Base.metadata.sorted_tables:
        for row in await rows(commune, table):
            if names_tip(table, row, int(tip["id"]), code) and names_tipster(
                table, row, member, identity_ids
            ):
                links.append((table.name, row))
    assert links == [], links
    # Nor does any log line, at DEBUG: no message of the thread, no chat id, no name.
    for record in caplog.records:
        line = record.getMessage()
        assert "Xe thường đỗ ở đâu?" not in line and "Trước cổng chợ" not in line
        assert not _CHAT_ID.search(line) and NAME not in line, line
