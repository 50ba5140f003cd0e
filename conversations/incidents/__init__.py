"""Urgent incident reports: its domain, effects and reads.

The grassroots force must report incidents to commune police at once (Law 30/2023/QH15
art. 7): a leader or an officer says what, where and how serious, and every officer of the
commune hears of it, at any hour.

The reads are a part of ``conversations.ports.Records``, so this module must not import
``conversations.ports``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from conversations.effects import Effect
from conversations.fields import Choice, ChoiceOption
from conversations.i18n import N_
from conversations.places import Place
from conversations.policy import RULES, Action, Grant, Role

SEVERITIES = Choice(
    ChoiceOption("low", N_("incidents.severity.low"), ("binh thuong", "thuong", "low")),
    ChoiceOption("serious", N_("incidents.severity.serious"), ("nghiem trong", "nang", "serious")),
    ChoiceOption(
        "critical",
        N_("incidents.severity.critical"),
        ("rat nghiem trong", "rat nang", "khan cap", "critical"),
    ),
)


def reporting_grants(grants: Iterable[Grant]) -> list[Grant]:
    """The member's roles an urgent incident can be reported from, one per place."""
    allowed = RULES[Action.URGENT_INCIDENT]
    found: dict[int, Grant] = {}
    for grant in grants:
        if grant.role in allowed:
            found.setdefault(grant.place.id, grant)
    return list(found.values())


@dataclass(frozen=True)
class IncidentRecipients:
    """Who hears of an incident in a place: the officers of the commune containing it."""

    commune: Place | None
    officer_member_ids: tuple[int, ...]

    def besides(self, member_id: int) -> tuple[int, ...]:
        """The officers other than the reporter (an officer reporting knows already)."""
        return tuple(officer for officer in self.officer_member_ids if officer != member_id)


@dataclass(frozen=True)
class ReportIncident(Effect):
    """Store an urgent incident of the reporter's place ``area_id`` and tell the commune's
    officers. ``place_text`` is what was typed; a shared location comes as coordinates."""

    area_id: int
    role: Role
    what: str
    place_text: str | None
    latitude: float | None
    longitude: float | None
    severity: str


class IncidentReads(Protocol):
    """Reads about urgent incidents."""

    async def incident_recipients(self, place_path: str) -> IncidentRecipients:
        """The commune containing the place at ``place_path`` and its active officers."""
        ...
