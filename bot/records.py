"""The engine's read port bound to one transaction, and every effect handler, by feature.

Each feature keeps its reads (a mixin) and its effect handlers in its own ``bot`` module;
this module only puts them together.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcasts import handlers as broadcasts
from bot.events import handlers as events
from bot.exports import handlers as overview
from bot.incidents import handlers as incidents
from bot.monthly_reports import handlers as reports
from bot.places import PlaceRecords
from bot.sealing import Sealer
from bot.security_models import handlers as security_models
from bot.tips import handlers as tip_inbox
from conversations.ports import TipStatus
from storage.tips import find_tip_by_code


class DatabaseRecords(
    PlaceRecords,
    reports.ReportRecords,
    incidents.IncidentRecords,
    security_models.SecurityModelRecords,
    events.EventRecords,
    tip_inbox.TipInboxRecords,
    broadcasts.BroadcastRecords,
    overview.OverviewRecords,
):
    """The engine's read port, bound to the current transaction."""

    def __init__(self, session: AsyncSession, sealer: Sealer) -> None:
        self.session = session
        self.sealer = sealer

    async def tip_status_for_sender(self, code: str, member_id: int) -> TipStatus | None:
        tip = await find_tip_by_code(self.session, code)
        if tip is None or not self.sealer.proves(tip.sender_proof, code, member_id):
            return None
        return TipStatus(tip.code, tip.status, tip.received_at)
