"""The engine's read port bound to one transaction: one reader per feature.

Each feature keeps its reader in its own ``bot`` package; this module only puts them together
(``records.events.upcoming_events(...)``), as ``conversations.ports.Records`` declares.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcasts.reads import BroadcastRecords
from bot.commendations.reads import CommendationRecords
from bot.events.reads import EventRecords
from bot.exports.reads import OverviewRecords
from bot.incidents.reads import IncidentRecords
from bot.monthly_reports.reads import ReportRecords
from bot.movement_year.reads import YearRecords
from bot.opinions.reads import OpinionRecords
from bot.people.reads import PeopleRecords
from bot.places import PlaceRecords
from bot.sealing import Sealer
from bot.security_models.reads import SecurityModelRecords
from bot.surveys.reads import SurveyRecords
from bot.tips.reads import TipInboxRecords
from bot.units.reads import UnitRecords


class DatabaseRecords:
    """The engine's read port, bound to the current transaction."""

    def __init__(self, session: AsyncSession, sealer: Sealer) -> None:
        self.places = PlaceRecords(session)
        self.people = PeopleRecords(session)
        self.tips = TipInboxRecords(session, sealer)
        self.monthly_reports = ReportRecords(session)
        self.events = EventRecords(session)
        self.security_models = SecurityModelRecords(session)
        self.incidents = IncidentRecords(session)
        self.broadcasts = BroadcastRecords(session)
        self.exports = OverviewRecords(session)
        self.movement_year = YearRecords(session)
        self.units = UnitRecords(session)
        self.commendations = CommendationRecords(session)
        self.surveys = SurveyRecords(session, sealer)
        self.opinions = OpinionRecords(session)
