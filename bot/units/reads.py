"""The engine's reads of the units, bound to one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.units import ReachView, UnitView
from storage.movement_year import registration_of
from storage.units import profile_of, reach_of


@dataclass(frozen=True)
class UnitRecords:
    session: AsyncSession

    async def unit(self, area_id: int) -> UnitView | None:
        found = await profile_of(self.session, area_id)
        if found is None:
            return None
        return UnitView(found.area_id, found.level, found.staff, found.students)

    async def registered(self, area_id: int, year: int) -> date | None:
        found = await registration_of(self.session, area_id, year)
        return found.registered_on if found is not None else None

    async def reach(self, area_id: int, year: int, report: str) -> ReachView | None:
        found = await reach_of(self.session, area_id, year, report)
        return ReachView(found.reached, found.total, found.document) if found else None
