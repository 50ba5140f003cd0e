"""The engine's reads of the compliance overview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.exports.compliance import tally_compliance
from bot.rows import same_session
from conversations.exports import ComplianceTally
from conversations.places import Place
from storage.exports import latest_period_filed


@dataclass(frozen=True)
class OverviewRecords:
    """Reads of the compliance overview."""

    session: AsyncSession

    async def compliance(
        self, place: Place, period: str, today: date, deadline: date
    ) -> ComplianceTally:
        return await tally_compliance(same_session(self.session), place, period, today, deadline)

    async def latest_filed(self, place: Place, up_to: str) -> str | None:
        return await latest_period_filed(self.session, place.path, up_to)
