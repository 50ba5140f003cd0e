"""Monthly updates in memory (``tests.memory``): one per area and period, corrected by
version, as ``storage.monthly_reports`` keeps them; the filer's name is remembered."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from conversations.monthly_reports import FiledReport, FileMonthlyReport
from conversations.places import Place
from conversations.policy import Action, Grant, PolicyViolation, may


class ReportTaken(Exception):
    """The update was filed, or corrected, since the leader read it."""


@dataclass
class MemoryMonthlyReports:
    """Filed updates by (area id, period), with their deadlines."""

    filed: dict[tuple[int, str], FiledReport] = field(default_factory=dict)
    deadlines: dict[tuple[int, str], date] = field(default_factory=dict)
    # The households imported with each area, by area id.
    households: dict[int, int] = field(default_factory=dict)

    async def monthly_report(self, area_id: int, period: str) -> FiledReport | None:
        return self.filed.get((area_id, period))

    async def area_households(self, area_id: int) -> int | None:
        return self.households.get(area_id)

    def file(
        self,
        effect: FileMonthlyReport,
        *,
        area: Place | None,
        roles: tuple[Grant, ...],
        member_id: int,
        name: str | None,
        now: datetime,
    ) -> None:
        """What ``bot.monthly_reports.handlers.file_monthly_report`` does, in memory."""
        if area is None or not may(roles, Action.MONTHLY_UPDATE, area.path):
            raise PolicyViolation("monthly update outside the member's areas")
        key = (effect.area_id, effect.period)
        current = self.filed.get(key)
        if effect.version is None:
            if current is not None:
                raise ReportTaken
            self.filed[key] = FiledReport(
                id=len(self.filed) + 1,
                area_id=effect.area_id,
                period=effect.period,
                version=1,
                late=effect.late,
                filed_at=now,
                filed_by=member_id,
                filed_by_name=name,
                updated_at=now,
                values=dict(effect.values),
            )
            self.deadlines[key] = effect.deadline
            return
        if current is None or current.version != effect.version:
            raise ReportTaken
        self.filed[key] = replace(
            current, version=current.version + 1, updated_at=now, values=dict(effect.values)
        )
