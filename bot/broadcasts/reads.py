"""The engine's reads of broadcasts: reach, progress, the admin's list."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.rows import from_row
from conversations.broadcasts import (
    Audience,
    BroadcastProgress,
)
from storage.broadcasts import (
    BroadcastRecord,
    audience_size,
    broadcast_by_id,
    list_broadcasts,
)
from storage.delivery.outbox import count_by_broadcast
from storage.people.preferences import campaigns_enabled
from storage.tables import utcnow

# The outbox statuses a broadcast's progress counts its copies by.
COUNTED = ("queued", "sending", "sent", "failed", "blocked", "cancelled")


def progress_of(record: BroadcastRecord, counts: dict[str, int]) -> BroadcastProgress:
    return from_row(
        BroadcastProgress,
        record,
        place_name=record.area_name,
        place_path=record.area_path,
        **{status: counts.get(status, 0) for status in COUNTED},
    )


async def load_progress(
    session: AsyncSession, records: list[BroadcastRecord]
) -> list[BroadcastProgress]:
    counts = await count_by_broadcast(session, [record.id for record in records])
    return [progress_of(record, counts.get(record.id, {})) for record in records]


@dataclass(frozen=True)
class BroadcastRecords:
    """Reads of broadcasts and their audiences."""

    session: AsyncSession

    async def broadcast_reach(self, audience: Audience) -> int:
        # Counted as of now: Zalo OA users outside their 7-day window cannot be reached.
        return await audience_size(self.session, audience.as_json(), now=utcnow())

    async def broadcasts_within(self, path: str, *, limit: int) -> list[BroadcastProgress]:
        found = await list_broadcasts(self.session, within_path=path, limit=limit)
        return await load_progress(self.session, found)

    async def broadcast_progress(self, broadcast_id: int) -> BroadcastProgress | None:
        record = await broadcast_by_id(self.session, broadcast_id)
        if record is None:
            return None
        (progress,) = await load_progress(self.session, [record])
        return progress

    async def campaigns_enabled(self, member_id: int) -> bool:
        return await campaigns_enabled(self.session, member_id)
