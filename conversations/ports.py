"""What the engine may read from storage; ``bot`` passes in an implementation bound to the
current transaction, tests use the in-memory one in ``tests.memory``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from conversations.broadcasts import BroadcastReads
from conversations.events import EventReads
from conversations.exports import OverviewReads
from conversations.incidents import IncidentReads
from conversations.monthly_reports import ReportReads
from conversations.movement_year import YearReads
from conversations.people import PeopleReads
from conversations.places import PlaceReads
from conversations.policy import Grant
from conversations.security_models import SecurityModelReads
from conversations.tips import TipReads


@dataclass(frozen=True)
class Member:
    """The person writing, as the engine needs to know them."""

    id: int
    locale: str | None
    roles: tuple[Grant, ...] = ()
    # The privacy notice version the member agreed to; None: never, refused or withdrew.
    consent_version: int | None = None


@dataclass(frozen=True)
class SavedConversation:
    """A conversation as it was stored after the member's previous message."""

    flow: str | None
    step: str | None
    data: dict[str, Any]
    updated_at: datetime


class Records(Protocol):
    """The reads the conversations need, one reader per feature, bound to the message's
    transaction: ``records.events.upcoming_events(...)``, ``records.places.find_places(...)``.

    This module is the one place that names every feature's reads (import-linter lets it)."""

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
