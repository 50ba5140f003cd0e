"""The users an officer is answering from the Zalo OA's own manager, and until when the bot
leaves them alone: in the database, so that every process on it keeps quiet to them
(``bot.channels.zalo_oa.officers``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import dialect_name
from storage.tables import ZaloOaOfficerPause

__all__ = ["officer_pause_until", "pause_for_officer"]

zalo_oa_officer_pauses: Table = ZaloOaOfficerPause.__table__  # type: ignore[assignment]


async def pause_for_officer(
    session: AsyncSession, user_id: str, *, until: datetime, now: datetime
) -> None:
    """Leave ``user_id`` to the officer until ``until`` (a later message moves it on); pauses
    over by ``now`` are deleted on the way."""
    await session.execute(
        delete(zalo_oa_officer_pauses).where(zalo_oa_officer_pauses.c.until <= now)
    )
    dialect = postgresql if dialect_name(session) == "postgresql" else sqlite
    statement = dialect.insert(zalo_oa_officer_pauses).values(user_id=user_id, until=until)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id"], set_={"until": statement.excluded.until}
        )
    )


async def officer_pause_until(session: AsyncSession, user_id: str) -> datetime | None:
    """Until when ``user_id`` is left to an officer (None: never, or it may be over)."""
    statement = select(zalo_oa_officer_pauses.c.until).where(
        zalo_oa_officer_pauses.c.user_id == user_id
    )
    return await session.scalar(statement)
