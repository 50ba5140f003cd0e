"""`antq tips list`: what an operator sees of the newest tips, and what they never see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.database import Database
from storage.tips import add_tip_message, insert_tip, mark_important
from tests.bot.harness import CommandLine
from tests.storage.harness import PHOTO, new_tip

START = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


async def _store_tips(database: Database) -> None:
    async with database.transaction() as session:
        await insert_tip(
            session,
            new_tip(code="OLDER001", received_at=START, contact_phone="0912345678"),
        )
        await insert_tip(
            session,
            new_tip(
                code="NEWER002",
                anonymous=True,
                category="fraud",
                received_at=START + timedelta(hours=3),
                attachments=(PHOTO,),
            ),
        )


def test_tips_are_listed_newest_first_without_who_sent_them(antq: CommandLine) -> None:
    assert antq("tips", "list").output.strip() == "no tips"

    antq.on_database(_store_tips)
    result = antq("tips", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 2
    assert "NEWE" in lines[0] and "anonymous" in lines[0] and "files=1" in lines[0]
    assert "OLDE" in lines[1] and "with contact" in lines[1]
    assert "0912345678" not in result.output  # the contact phone is for officers only

    only_new = antq("tips", "list", "--limit", "1")
    assert only_new.output.count("\n") == 1 and "NEWE" in only_new.output


async def _store_a_thread(database: Database) -> None:
    async with database.transaction() as session:
        tip_id = await insert_tip(
            session, new_tip(code="THREAD01", anonymous=True, received_at=START)
        )
        await add_tip_message(
            session,
            tip_id,
            direction="officer",
            text="Xe đỗ ở đâu?",
            attachments=[],
            now=START + timedelta(hours=1),
        )
        await add_tip_message(
            session,
            tip_id,
            direction="tipster",
            text="Trước cổng chợ",
            attachments=[{"kind": "photo", "channel": "telegram", "file_id": "AgAC"}],
            now=START + timedelta(hours=2),
            location=(21.0245, 105.8412),
        )
        await mark_important(session, tip_id, 2)


def test_a_tips_thread_is_printed_in_order_without_who_wrote_it(antq: CommandLine) -> None:
    antq.on_database(_store_a_thread)
    result = antq("tips", "thread", "thre-ad01")
    assert result.exit_code == 0, result.output
    first, second = result.output.strip().splitlines()
    assert "officer" in first and "Xe đỗ ở đâu?" in first
    assert "tipster" in second and "Trước cổng chợ" in second and "files=1" in second
    assert "location=21.0245,105.8412" in second and "important" in second
    assert "important" not in first
    missing = antq("tips", "thread", "ZZZZZZZZ")
    assert missing.exit_code == 1 and "no tip with this code" in missing.output
