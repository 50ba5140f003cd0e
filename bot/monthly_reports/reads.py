"""The engine's reads of monthly updates."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.monthly_reports import FiledReport
from storage.areas import area_by_id
from storage.monthly_reports import find_report


@dataclass(frozen=True)
class ReportRecords:
    """Reads of the monthly update of residential areas."""

    session: AsyncSession

    async def monthly_report(self, area_id: int, period: str) -> FiledReport | None:
        record = await find_report(self.session, area_id, period)
        if record is None:
            return None
        return FiledReport(
            id=record.id,
            area_id=record.area_id,
            period=record.period,
            version=record.version,
            late=record.late,
            filed_at=record.filed_at,
            filed_by=record.filed_by,
            filed_by_name=record.filed_by_name,
            updated_at=record.updated_at,
            values=record.values,
        )

    async def area_households(self, area_id: int) -> int | None:
        area = await area_by_id(self.session, area_id)
        return area.households if area is not None else None
