"""The engine's reads of events and their participants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.places import place_of, place_of_record
from bot.rows import from_row
from conversations.events import (
    EventView,
)
from conversations.places import Place, ancestor_paths
from storage.areas import area_by_id
from storage.events import (
    EventRecord,
    cancellable_events,
    event_by_id,
    home_area_id,
    reportable_events,
    upcoming_events,
)


def view_of(record: EventRecord) -> EventView:
    return from_row(
        EventView,
        record,
        area=place_of_record(record),
        cancelled=record.cancelled_at is not None,
    )


@dataclass(frozen=True)
class EventRecords:
    """Reads of events and their participants."""

    session: AsyncSession

    async def home_area(self, member_id: int) -> Place | None:
        area_id = await home_area_id(self.session, member_id)
        area = await area_by_id(self.session, area_id) if area_id is not None else None
        return None if area is None else place_of(area)

    async def upcoming_events(
        self, place_path: str, *, member_id: int, now: datetime, limit: int
    ) -> list[EventView]:
        found = await upcoming_events(
            self.session, ancestor_paths(place_path), member_id=member_id, now=now, limit=limit
        )
        return [view_of(record) for record in found]

    async def event(self, event_id: int, *, member_id: int) -> EventView | None:
        record = await event_by_id(self.session, event_id, member_id=member_id)
        return None if record is None else view_of(record)

    async def reportable_events(
        self,
        *,
        member_id: int,
        leader_paths: list[str],
        admin_paths: list[str],
        now: datetime,
        limit: int,
    ) -> list[EventView]:
        above_leaders = sorted({path for leader in leader_paths for path in ancestor_paths(leader)})
        found = await reportable_events(
            self.session,
            member_id=member_id,
            held_in_paths=above_leaders,
            inside_paths=admin_paths,
            now=now,
            limit=limit,
        )
        return [view_of(record) for record in found]

    async def cancellable_events(
        self, *, member_id: int, admin_paths: list[str], now: datetime, limit: int
    ) -> list[EventView]:
        found = await cancellable_events(
            self.session, member_id=member_id, inside_paths=admin_paths, now=now, limit=limit
        )
        return [view_of(record) for record in found]
