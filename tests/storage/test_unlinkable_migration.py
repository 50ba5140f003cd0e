"""Revision 0021: times written to the minute before it, on rows that name a person, go to the
day; a conversation's to its day's end, so that no draft's lifetime is cut short."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from storage._sql import audit_log, consent_decisions, conversations, identities, members
from storage.migrate import upgrade

WROTE = datetime(2026, 11, 23, 2, 10, tzinfo=UTC)
THAT_DAY = datetime(2026, 11, 23, tzinfo=UTC)
NEXT_DAY = datetime(2026, 11, 24, tzinfo=UTC)


async def test_times_on_a_persons_rows_written_before_go_to_the_day(database_url: str) -> None:
    await asyncio.to_thread(upgrade, database_url, "0020")
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(members.insert().values(id=1, created_at=WROTE))
            await connection.execute(
                identities.insert().values(
                    member_id=1,
                    channel="telegram",
                    platform_user_id="77",
                    chat_id="77",
                    active=True,
                    reply_keyboard=False,
                    created_at=WROTE,
                    last_seen_at=WROTE,
                )
            )
            await connection.execute(
                conversations.insert().values(
                    member_id=1, flow="tip", step="place", data={}, version=1, updated_at=WROTE
                )
            )
            await connection.execute(
                consent_decisions.insert().values(
                    member_id=1, decision="given", notice_version=1, decided_at=WROTE
                )
            )
            await connection.execute(
                audit_log.insert().values(at=WROTE, actor_member_id=1, action="tip.viewed")
            )
        await asyncio.to_thread(upgrade, database_url)

        async with engine.connect() as connection:
            member = (await connection.execute(select(members.c.created_at))).scalar_one()
            seen = (
                await connection.execute(select(identities.c.created_at, identities.c.last_seen_at))
            ).one()
            saved = (await connection.execute(select(conversations.c.updated_at))).scalar_one()
            consent = (
                await connection.execute(select(consent_decisions.c.decided_at))
            ).scalar_one()
            audited = (await connection.execute(select(audit_log.c.at))).scalar_one()
        assert member == consent == audited == THAT_DAY
        assert tuple(seen) == (THAT_DAY, THAT_DAY)
        assert saved == NEXT_DAY
    finally:
        await engine.dispose()
