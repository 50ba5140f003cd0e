"""Event reads of the in-memory records (``tests.memory``): flow tests that do not
use events see none; the events' own tests run on the database."""

from __future__ import annotations

from datetime import datetime

from conversations.events import EventView
from conversations.places import Place


class MemoryEventRecords:
    """No events and no known home: the events flow asks where the member lives."""

    async def home_area(self, member_id: int) -> Place | None:
        return None

    async def upcoming_events(
        self, place_path: str, *, member_id: int, now: datetime, limit: int
    ) -> list[EventView]:
        return []

    async def event(self, event_id: int, *, member_id: int) -> EventView | None:
        return None

    async def reportable_events(
        self,
        *,
        member_id: int,
        leader_paths: list[str],
        admin_paths: list[str],
        now: datetime,
        limit: int,
    ) -> list[EventView]:
        return []

    async def cancellable_events(
        self, *, member_id: int, admin_paths: list[str], now: datetime, limit: int
    ) -> list[EventView]:
        return []
