"""Tips: stored with their attachments, found by code, and anonymous ones leave no trace."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, insert, select, text

from storage._sql import identities, members, tips
from storage.database import Database
from storage.people.members import find_or_create_member
from storage.tables import utcnow
from storage.tips import (
    OFFICER,
    TIPSTER,
    DuplicateTipCode,
    NewAttachment,
    add_tip_message,
    find_tip_by_code,
    insert_tip,
    list_tips,
    store_tip_record,
    tip_thread,
)
from tests.storage.harness import PHOTO, VOICE, new_tip


async def test_insert_then_find_with_attachments(database: Database) -> None:
    tip = new_tip(
        attachments=(PHOTO, VOICE),
        occurred_date=date(2025, 2, 28),
        received_at=datetime(2025, 3, 1, 21, 0, tzinfo=timezone(timedelta(hours=7))),
    )
    async with database.transaction() as session:
        tip_id = await insert_tip(session, tip)
    async with database.session() as session:
        found = await find_tip_by_code(session, "AB12CD34")
    assert found is not None
    assert found.id == tip_id
    assert found.description == tip.description
    assert found.status == "received"
    assert found.occurred_date == date(2025, 2, 28)
    assert found.received_at == datetime(2025, 3, 1, 14, 0, tzinfo=UTC)
    assert found.received_at.tzinfo is not None
    assert [a.kind for a in found.attachments] == ["photo", "voice"]
    assert [a.position for a in found.attachments] == [0, 1]
    assert found.attachments[1].size_bytes == 9_876_543_210
    assert found.attachments[1].duration_seconds == 42
    assert found.attachments[0].file_unique_id == "AQADq7ExG"


async def test_the_stored_record_is_the_one_a_look_up_finds(database: Database) -> None:
    """The announcement of a new tip reads the tip from its insert, not by a second query:
    times, defaults and attachments as a look-up by code gives them."""
    tip = new_tip(
        attachments=(PHOTO, VOICE),
        occurred_date=date(2025, 2, 28),
        received_at=datetime(2025, 3, 1, 21, 0, tzinfo=timezone(timedelta(hours=7))),
    )
    async with database.transaction() as session:
        stored = await store_tip_record(session, tip)
    async with database.session() as session:
        found = await find_tip_by_code(session, tip.code)
    assert stored == found
    assert stored.status == "received"
    assert stored.received_at.tzinfo is not None


async def test_unknown_code_finds_nothing(database: Database) -> None:
    async with database.session() as session:
        assert await find_tip_by_code(session, "NOPE0000") is None


async def test_duplicate_code_keeps_the_transaction_usable(database: Database) -> None:
    async with database.transaction() as session:
        await insert_tip(session, new_tip(code="SAME0001"))
    async with database.transaction() as session:
        with pytest.raises(DuplicateTipCode):
            await insert_tip(session, new_tip(code="SAME0001", attachments=(PHOTO,)))
        # The caller retries with another code in the same transaction.
        await insert_tip(session, new_tip(code="OTHER002", attachments=(PHOTO,)))
    async with database.session() as session:
        codes = sorted((await session.execute(select(tips.c.code))).scalars())
        retried = await find_tip_by_code(session, "OTHER002")
    assert codes == ["OTHER002", "SAME0001"]
    assert retried is not None
    assert len(retried.attachments) == 1


@pytest.mark.parametrize(
    "leak", [{"member_id": 1}, {"contact_phone": "0912345678"}], ids=["member", "phone"]
)
async def test_anonymous_tip_must_not_point_to_its_sender(
    database: Database, leak: dict[str, object]
) -> None:
    async with database.transaction() as session:
        with pytest.raises(ValueError, match="anonymous"):
            await insert_tip(session, new_tip(anonymous=True, **leak))


async def test_bad_time_is_refused(database: Database) -> None:
    async with database.transaction() as session:
        with pytest.raises(ValueError, match="HH:MM"):
            await insert_tip(session, new_tip(occurred_time="25:00"))


async def test_list_tips_newest_first_and_by_status(database: Database) -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    async with database.transaction() as session:
        for index in range(5):
            await insert_tip(
                session,
                new_tip(code=f"LIST000{index}", received_at=start + timedelta(hours=index)),
            )
        await session.execute(
            tips.update().where(tips.c.code == "LIST0001").values(status="closed")
        )
    async with database.session() as session:
        newest = await list_tips(session, limit=3)
        closed = await list_tips(session, status="closed")
        received = await list_tips(session, status="received")
    assert [t.code for t in newest] == ["LIST0004", "LIST0003", "LIST0002"]
    assert [t.code for t in closed] == ["LIST0001"]
    assert len(received) == 4


async def test_named_tip_keeps_its_member_until_the_member_is_deleted(
    database: Database,
) -> None:
    async with database.transaction() as session:
        member = await find_or_create_member(
            session, channel="telegram", platform_user_id="9", chat_id="9", display_name="Hà"
        )
        await insert_tip(session, new_tip(member_id=member.id, contact_phone="0912345678"))
    async with database.transaction() as session:
        found = await find_tip_by_code(session, "AB12CD34")
        assert found is not None
        assert (found.member_id, found.contact_phone) == (member.id, "0912345678")
        await session.execute(delete(members).where(members.c.id == member.id))
    async with database.session() as session:
        found = await find_tip_by_code(session, "AB12CD34")
    assert found is not None
    assert found.member_id is None


async def test_deleting_a_tip_deletes_its_attachments(database: Database) -> None:
    async with database.transaction() as session:
        await insert_tip(session, new_tip(attachments=(PHOTO, VOICE)))
    async with database.transaction() as session:
        await session.execute(delete(tips))
    async with database.session() as session:
        left = (await session.execute(text("SELECT count(*) FROM tip_attachments"))).scalar()
    assert left == 0


async def test_anonymous_tip_row_holds_nothing_readable_about_its_sender(
    database: Database,
) -> None:
    member_id = 4_818_263
    platform_user_id = "880011223344"
    chat_id = "990055667788"
    display_name = "Trần Văn Bímật"
    async with database.transaction() as session:
        # An explicit, distinctive id: a small id like 1 would "appear" in any column.
        await session.execute(
            insert(members).values(id=member_id, display_name=display_name, created_at=utcnow())
        )
        await session.execute(
            insert(identities).values(
                member_id=member_id,
                channel="telegram",
                platform_user_id=platform_user_id,
                chat_id=chat_id,
                created_at=utcnow(),
                last_seen_at=utcnow(),
            )
        )
        sender = await find_or_create_member(
            session,
            channel="telegram",
            platform_user_id=platform_user_id,
            chat_id=chat_id,
            display_name=display_name,
        )
    assert sender.id == member_id

    # What a caller does: a route sealed by a server secret.
    route_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    route = nonce + AESGCM(route_key).encrypt(nonce, f"telegram:{chat_id}".encode(), None)
    tip = new_tip(
        code="ANON7777",
        anonymous=True,
        sender_route=route,
        attachments=(PHOTO, replace(VOICE, file_name="ghi-am.ogg")),
    )
    async with database.transaction() as session:
        await insert_tip(session, tip)
        tip_rows = (await session.execute(text("SELECT * FROM tips"))).all()
        attachment_rows = (await session.execute(text("SELECT * FROM tip_attachments"))).all()

    secrets_text = [str(member_id), platform_user_id, chat_id, display_name]
    assert len(tip_rows) == 1
    assert len(attachment_rows) == 2
    for row in [*tip_rows, *attachment_rows]:
        for column, value in row._mapping.items():
            if value is None:
                continue
            if isinstance(value, bytes | bytearray | memoryview):
                raw = bytes(value)
                for secret in secrets_text:
                    assert secret.encode() not in raw, column
                continue
            assert value != member_id, column
            for secret in secrets_text:
                assert secret not in str(value), column
    assert tip_rows[0]._mapping["member_id"] is None
    assert tip_rows[0]._mapping["contact_phone"] is None


async def test_a_long_photo_url_is_kept_whole(database: Database) -> None:
    """A Zalo photo is identified by its URL; a long one must not fail the whole tip."""
    url = "https://photo-stal.zdn.vn/" + "a1b2c3d4" * 80 + ".jpg"
    photo = NewAttachment(kind="photo", channel="zalo", file_id=url)
    async with database.transaction() as session:
        await insert_tip(session, new_tip(code="LONGURL1", attachments=(photo,)))
    async with database.session() as session:
        tip = await find_tip_by_code(session, "LONGURL1")
    assert tip is not None
    assert [attachment.file_id for attachment in tip.attachments] == [url]


async def test_a_thread_is_kept_in_order_to_the_minute_without_its_writers(
    database: Database,
) -> None:
    at = datetime(2026, 12, 2, 9, 41, 37, 123, tzinfo=UTC)
    photo = {"kind": "photo", "channel": "telegram", "file_id": "AgAD1", "file_unique_id": "u"}
    async with database.transaction() as session:
        tip_id = await insert_tip(session, new_tip())
        await add_tip_message(
            session, tip_id, direction=OFFICER, text="Biển số xe?", attachments=[], now=at
        )
        await add_tip_message(
            session, tip_id, direction=TIPSTER, text=None, attachments=[photo], now=at
        )
        with pytest.raises(ValueError, match="direction"):
            await add_tip_message(
                session, tip_id, direction="member:7", text="x", attachments=[], now=at
            )
    async with database.session() as session:
        thread = await tip_thread(session, tip_id)
    assert [(m.direction, m.text) for m in thread] == [(OFFICER, "Biển số xe?"), (TIPSTER, None)]
    assert thread[0].created_at == datetime(2026, 12, 2, 9, 41, tzinfo=UTC)
    assert thread[1].attachments == [{"kind": "photo", "channel": "telegram", "file_id": "AgAD1"}]
    assert thread[0].delivered_at is None and thread[0].read_at is None
