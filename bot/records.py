"""The engine's read port bound to one transaction: one reader per feature.

Each feature keeps its reader in its own ``bot`` package; this module only puts them together
(``records.events.upcoming_events(...)``), as ``conversations.ports.Records`` declares.
"""

from __future__ import annotations

from functools import cached_property

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
    """The engine's read port, bound to the current transaction.

    Each reader is made when first used: a message reads from one feature or two, and making
    all fourteen for every message cost more than most of its reads."""

    def __init__(self, session: AsyncSession, sealer: Sealer) -> None:
        self._session = session
        self._sealer = sealer

    @cached_property
    def places(self) -> PlaceRecords:
        return PlaceRecords(self._session)

    @cached_property
    def people(self) -> PeopleRecords:
        return PeopleRecords(self._session)

    @cached_property
    def tips(self) -> TipInboxRecords:
        return TipInboxRecords(self._session, self._sealer)

    @cached_property
    def monthly_reports(self) -> ReportRecords:
        return ReportRecords(self._session)

    @cached_property
    def events(self) -> EventRecords:
        return EventRecords(self._session)

    @cached_property
    def security_models(self) -> SecurityModelRecords:
        return SecurityModelRecords(self._session)

    @cached_property
    def incidents(self) -> IncidentRecords:
        return IncidentRecords(self._session)

    @cached_property
    def broadcasts(self) -> BroadcastRecords:
        return BroadcastRecords(self._session)

    @cached_property
    def exports(self) -> OverviewRecords:
        return OverviewRecords(self._session)

    @cached_property
    def movement_year(self) -> YearRecords:
        return YearRecords(self._session)

    @cached_property
    def units(self) -> UnitRecords:
        return UnitRecords(self._session)

    @cached_property
    def commendations(self) -> CommendationRecords:
        return CommendationRecords(self._session)

    @cached_property
    def surveys(self) -> SurveyRecords:
        return SurveyRecords(self._session, self._sealer)

    @cached_property
    def opinions(self) -> OpinionRecords:
        return OpinionRecords(self._session)
