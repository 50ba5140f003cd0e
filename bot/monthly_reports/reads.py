"""The engine's reads of monthly updates."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.rows import from_row
from conversations.monthly_reports import FiledReport
from storage.areas import area_by_id
from storage.monthly_reports import find_report


@dataclass(frozen=True)
class ReportRecords:
    """Reads of the monthly update of residential areas."""

    session: AsyncSession

    async def monthly_report(self, area_id: int, period: str) -> FiledReport | None:
        record = await find_report(self.session, area_id, period)
        return None if record is None else from_row(FiledReport, record)

    async def area_households(self, area_id: int) -> int | None:
        area = await area_by_id(self.session, area_id)
        return area.households if area is not None else None
