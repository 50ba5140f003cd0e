"""The compliance overview in memory (``tests.memory``): a period's filing, pledge coverage
and active models counted over the store's places, monthly updates and security models, as
``bot.exports.compliance.tally_compliance`` counts them on the database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from conversations.exports import (
    ComplianceTally,
    OpinionTally,
    activity_window,
    filing_state,
)
from conversations.localtime import end_of_day
from conversations.places import COMMUNE, RESIDENTIAL, Place, commune_path, is_inside
from tests.memory.monthly_reports import MemoryMonthlyReports
from tests.memory.security_models import MemorySecurityModels


@dataclass(frozen=True)
class MemoryOverviewReads:
    """The engine's ``OverviewReads`` over the store."""

    places: Mapping[str, Place]
    monthly_reports: MemoryMonthlyReports
    security_models: MemorySecurityModels

    async def opinions(self, place: Place, period: str) -> OpinionTally:
        return OpinionTally()  # none are kept in memory

    async def latest_filed(self, place: Place, up_to: str) -> str | None:
        ids = {p.id for p in self.places.values() if is_inside(p.path, place.path)}
        periods = [period for area_id, period in self.monthly_reports.filed if area_id in ids]
        return max((p for p in periods if p <= up_to), default=None)

    async def compliance(
        self, place: Place, period: str, today: date, deadline: date
    ) -> ComplianceTally:
        tally = ComplianceTally(place.full_name, period)
        inside = sorted(
            (p for p in self.places.values() if is_inside(p.path, place.path)),
            key=lambda p: p.path,
        )
        for area in (p for p in inside if p.kind in RESIDENTIAL):
            key = (area.id, period)
            filed = self.monthly_reports.filed.get(key)
            state = filing_state(
                filed=filed is not None,
                late=filed is not None and filed.late,
                deadline=self.monthly_reports.deadlines.get(key, deadline),
                today=today,
            )
            if filed is not None:
                values = filed.values
                tally.add_area(
                    area.name,
                    state,
                    int(values.get("households") or 0),
                    int(values.get("households_pledged") or 0),
                    int(values.get("models_active") or 0),
                )
            else:
                households = self.monthly_reports.households.get(area.id)
                tally.add_area(area.name, state, households, None)
        first, last = activity_window(period)
        ends_at = end_of_day(last)
        active: dict[str, int] = {}
        for model in self.security_models.models.values():
            if not is_inside(model.area.path, place.path):
                continue
            if model.ended_at is not None and model.ended_at < ends_at:
                continue
            tally.registered_models += 1
            if any(
                a.model_id == model.id and first <= a.activity_date <= last
                for a in self.security_models.activities
            ):
                commune = commune_path(model.area.path) or ""
                active[commune] = active.get(commune, 0) + 1
        for commune in (p for p in inside if p.kind == COMMUNE):
            tally.add_commune(active.get(commune.path, 0))
        return tally
