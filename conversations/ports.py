"""What the engine may read from storage; ``bot`` passes in an implementation bound to the
current transaction, tests use the in-memory one in ``tests.memory``.

Only the composition (the engine, ``bot``) imports this module: a feature or a core module
that did would reach every other feature through it (fields and flows read through
``conversations.fields.Reads``)."""

from __future__ import annotations

from typing import Protocol

from conversations.broadcasts import BroadcastReads
from conversations.commendations import CommendationReads
from conversations.drafts import SavedConversation
from conversations.events import EventReads
from conversations.exports import OverviewReads
from conversations.incidents import IncidentReads
from conversations.monthly_reports import ReportReads
from conversations.movement_year import YearReads
from conversations.opinions import OpinionReads
from conversations.people import PeopleReads
from conversations.places import PlaceReads
from conversations.policy import Member
from conversations.security_models import SecurityModelReads
from conversations.surveys import SurveyReads
from conversations.tips import TipReads
from conversations.units import UnitReads

__all__ = ["Member", "Records", "SavedConversation"]


class Records(Protocol):
    """The reads the conversations need, one reader per feature, bound to the message's
    transaction: ``records.events.upcoming_events(...)``, ``records.places.find_places(...)``.

    This module is the one place that names every feature's reads (no feature imports it)."""

    places: PlaceReads
    people: PeopleReads
    tips: TipReads
    monthly_reports: ReportReads
    events: EventReads
    security_models: SecurityModelReads
    incidents: IncidentReads
    broadcasts: BroadcastReads
    exports: OverviewReads
    movement_year: YearReads
    units: UnitReads
    commendations: CommendationReads
    surveys: SurveyReads
    opinions: OpinionReads
