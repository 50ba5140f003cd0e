"""Members and identities: one member per user, whatever the timing of their messages."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from storage._sql import identities, members
from storage.database import Database
from storage.people.members import (
    find_or_create_member,
    mark_identity_inactive,
    set_locale,
)
from storage.privacy import record_consent
from storage.tables import day_stamp, utcnow


async def _member(database: Database, user: str = "1001", **kwargs: object) -> object:
    async with database.transaction() as session:
        return await find_or_create_member(
            session,
            channel=str(kwargs.get("channel", "telegram")),
            platform_user_id=user,
            chat_id=str(kwargs.get("chat_id", user)),
            display_name=kwargs.get("display_name", "Nguyễn Thị Lan"),  # type: ignore[arg-type]
        )


async def _count(database: Database) -> tuple[int, int]:
    async with database.session() as session:
        member_count = (await session.execute(select(func.count()).select_from(members))).scalar()
        identity_count = (
            await session.execute(select(func.count()).select_from(identities))
        ).scalar()
    return int(member_count or 0), int(identity_count or 0)


async def test_first_message_creates_a_member_and_later_ones_find_it(database: Database) -> None:
    first = await _member(database)
    again = await _member(database)
    assert first == again
    assert first.locale is None  # type: ignore[attr-defined]
    assert first.identity_active is True  # type: ignore[attr-defined]
    assert await _count(database) == (1, 1)


async def test_same_user_id_on_another_channel_is_another_member(database: Database) -> None:
    telegram = await _member(database, "1001", channel="telegram")
    zalo = await _member(database, "1001", channel="zalo")
    assert telegram.id != zalo.id  # type: ignore[attr-defined]


async def test_twenty_concurrent_first_messages_make_one_member(database: Database) -> None:
    results = await asyncio.gather(*(_member(database, "555") for _ in range(20)))
    assert len({r.id for r in results}) == 1  # type: ignore[attr-defined]
    assert await _count(database) == (1, 1)


async def test_locale_persists(database: Database) -> None:
    member = await _member(database)
    async with database.transaction() as session:
        await set_locale(session, member.id, "en")  # type: ignore[attr-defined]
    assert (await _member(database)).locale == "en"  # type: ignore[attr-defined]


async def test_blocked_identity_becomes_active_when_the_user_writes(database: Database) -> None:
    await _member(database)
    async with database.transaction() as session:
        await mark_identity_inactive(session, channel="telegram", platform_user_id="1001")
        active = (await session.execute(select(identities.c.active))).scalar_one()
    assert active is False
    assert (await _member(database)).identity_active is True  # type: ignore[attr-defined]
    async with database.session() as session:
        assert (await session.execute(select(identities.c.active))).scalar_one() is True


async def test_last_seen_is_kept_to_the_day_and_refreshed_once_a_day(database: Database) -> None:
    await _member(database)
    async with database.session() as session:
        seen = (await session.execute(select(identities.c.last_seen_at))).scalar_one()
    assert seen == day_stamp(seen)  # no time of day: it would date the message
    await _member(database)
    async with database.session() as session:
        assert (await session.execute(select(identities.c.last_seen_at))).scalar_one() == seen
    old = seen - timedelta(days=1)
    async with database.transaction() as session:
        await session.execute(identities.update().values(last_seen_at=old))
    await _member(database)
    async with database.session() as session:
        refreshed = (await session.execute(select(identities.c.last_seen_at))).scalar_one()
    assert refreshed == seen
    assert refreshed.tzinfo is not None


async def test_changed_chat_id_is_followed(database: Database) -> None:
    await _member(database, "1001", chat_id="1001")
    await _member(database, "1001", chat_id="777")
    async with database.session() as session:
        assert (await session.execute(select(identities.c.chat_id))).scalar_one() == "777"


async def test_a_name_is_kept_only_once_the_member_agreed_to_the_privacy_notice(
    database: Database,
) -> None:
    first = await _member(database)
    assert first.display_name is None  # type: ignore[attr-defined]
    async with database.transaction() as session:
        await record_consent(
            session,
            first.id,  # type: ignore[attr-defined]
            decision="given",
            notice_version=1,
            display_name=None,
            now=utcnow(),
        )
    again = await _member(database, display_name="Đ" * 300)
    assert again.display_name == "Đ" * 128  # type: ignore[attr-defined]  # clipped
    async with database.session() as session:
        assert (await session.execute(select(members.c.display_name))).scalar_one() == "Đ" * 128
