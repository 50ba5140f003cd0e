"""Revision 0019: the notices a tick had not yet copied reach the outbox; the table goes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

from storage.migrate import upgrade

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


async def test_a_pending_notice_is_moved_to_the_outbox_and_the_table_dropped(
    database_url: str,
) -> None:
    await asyncio.to_thread(upgrade, database_url, "0018")
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            for member_id in (1, 2):
                await connection.execute(
                    text(
                        "INSERT INTO members (id, display_name, created_at) VALUES (:id, 'A', :t)"
                    ),
                    {"id": member_id, "t": NOW},
                )
            await connection.execute(
                text(
                    "INSERT INTO identities (member_id, channel, platform_user_id, chat_id, "
                    "active, reply_keyboard, created_at, last_seen_at) "
                    "VALUES (1, 'zalo', 'z1', 'z1', true, false, :t, :t)"
                ),
                {"t": NOW},
            )
            for notice_id, member_id, delivered in ((1, 1, None), (2, 1, NOW), (3, 2, None)):
                await connection.execute(
                    text(
                        "INSERT INTO notices (id, member_id, key, params, created_at, "
                        "delivered_at) VALUES (:id, :member, 'notice.role_revoked', "
                        """'{"role": "leader", "place": "Thôn Đông"}', :t, :delivered)"""
                    ),
                    {"id": notice_id, "member": member_id, "t": NOW, "delivered": delivered},
                )
        await asyncio.to_thread(upgrade, database_url)

        async with engine.connect() as connection:
            moved = (
                await connection.execute(
                    text("SELECT member_id, channel, kind, dedup_key, message_key FROM outbox")
                )
            ).all()
            tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        # The delivered notice was queued long ago; member 2 has no account to reach.
        assert [tuple(row) for row in moved] == [
            (1, "zalo", "notice", "notice:1", "notice.role_revoked")
        ]
        assert "notices" not in tables
    finally:
        await engine.dispose()
