"""The engine's reads of commendation proposals."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.commendations import ExemplaryWaiting, ProposalView, form_label
from storage.commendations import (
    CommendationRecord,
    commendation_by_id,
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
