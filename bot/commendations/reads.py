"""The engine's reads of commendation proposals."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.commendations.service import year_bounds
from conversations.commendations import ConferenceView, ExemplaryWaiting, ProposalView, form_label
from storage.commendations import (
    CommendationRecord,
    ConferenceRecord,
    approved_unawarded,
    awarded_at,
    commendation_by_id,
    conference_by_id,
    conferences_within,
    exemplary_waiting,
    pending_within,
)


def figures_of(record: CommendationRecord) -> dict[str, int]:
    """The figures stored with a proposal (a JSON object of counts)."""
    try:
        loaded = json.loads(record.grounds)
    except ValueError:
        return {}
    return {str(k): int(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}


def proposal_view(record: CommendationRecord) -> ProposalView:
    return ProposalView(
        id=record.id,
        year=record.year,
        subject=record.shown_name,
        kind=record.subject_kind,
        form=form_label(record.form, record.area_path),
        achievement=record.achievement,
        figures=figures_of(record),
        status=record.status,
        area_name=record.area_name,
        area_path=record.area_path,
        proposer_path=record.proposer_path,
        proposed_by=record.proposed_by_member_id,
        phone=record.person_phone,
    )


@dataclass(frozen=True)
class CommendationRecords:
    session: AsyncSession

    async def pending(self, paths: Sequence[str], *, limit: int) -> list[ProposalView]:
        found = await pending_within(self.session, list(paths), limit=limit)
        return [proposal_view(record) for record in found]

    async def proposal(self, proposal_id: int) -> ProposalView | None:
        record = await commendation_by_id(self.session, proposal_id)
        return None if record is None else proposal_view(record)

    async def exemplary_waiting(
        self, paths: Sequence[str], year: int, *, limit: int
    ) -> list[ExemplaryWaiting]:
        found = await exemplary_waiting(self.session, list(paths), year, limit=limit)
        return [
            ExemplaryWaiting(record.kind, record.name, record.commune_name, record.commune_path)
            for record in found
        ]

    async def conferences(
        self, paths: Sequence[str], year: int, *, limit: int
    ) -> list[ConferenceView]:
        since, until = year_bounds(year)
        found = await conferences_within(self.session, list(paths), since, until, limit=limit)
        return [await self._view(record) for record in found]

    async def conference(self, event_id: int) -> ConferenceView | None:
        record = await conference_by_id(self.session, event_id)
        return None if record is None else await self._view(record)

    async def unawarded(self, path: str, year: int, *, limit: int) -> list[ProposalView]:
        found = await approved_unawarded(self.session, path, year, limit=limit)
        return [proposal_view(record) for record in found]

    async def _view(self, record: ConferenceRecord) -> ConferenceView:
        awarded = await awarded_at(self.session, record.id)
        return ConferenceView(
            record.id,
            record.title,
            record.starts_at,
            record.area_path,
            tuple((one.shown_name, form_label(one.form, one.area_path)) for one in awarded),
        )
