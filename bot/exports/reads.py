"""The engine's reads of the compliance overview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.exports.compliance import tally_compliance
from bot.rows import same_session
from conversations.calendar import period_end, period_start
from conversations.exports import ComplianceTally, OpinionTally
from conversations.opinions import CATEGORIES as OPINION_SUBJECTS
from conversations.places import Place
from storage.exports import latest_period_filed
from storage.opinions import opinion_figures


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

    async def opinions(self, place: Place, period: str) -> OpinionTally:
        start = datetime.combine(period_start(period), time(), UTC)
        end = datetime.combine(period_end(period) + timedelta(days=1), time(), UTC)
        figures = await opinion_figures(self.session, place.path, start, end)
        return OpinionTally(
            received=figures.received,
            answered=figures.answered,
            done=figures.done,
            by_subject=tuple(
                (label, figures.by_category[subject])
                for subject, label in OPINION_SUBJECTS.labels.items()
                if figures.by_category.get(subject)
            ),
        )
