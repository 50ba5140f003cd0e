"""Urgent incidents in memory (``tests.memory``): the commune's officers are found in the
store's places and roles, reported incidents are kept with the urgent notices queued for the
officers, as ``bot.incidents`` stores them and queues them in the outbox."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.incidents.handlers import NOTICE_KEYS, check_reporter, where_of
from conversations.incidents import IncidentRecipients, ReportIncident
from conversations.localtime import shown
from conversations.people import HeldRole
from conversations.places import COMMUNE, Place
from conversations.policy import Grant, Role


@dataclass(frozen=True)
class StoredIncident:
    id: int
    area_id: int
    reported_by: int
    what: str
    place_text: str
    severity: str
    reported_at: datetime


@dataclass(frozen=True)
class UrgentNotice:
    """A message queued for one officer: rendered later in the officer's language."""

    member_id: int
    dedup_key: str
    message_key: str
    params: Mapping[str, Any]
    not_before: datetime


@dataclass(frozen=True)
class MemoryIncidentReads:
    """The engine's incident reads over the store's places (by code) and held roles."""

    places: Mapping[str, Place]
    held: Iterable[HeldRole]

    async def incident_recipients(self, place_path: str) -> IncidentRecipients:
        return self.recipients(place_path)

    def recipients(self, place_path: str) -> IncidentRecipients:
        """The commune on ``place_path`` (itself or an ancestor) and its officers."""
        codes = [code for code in place_path.strip("/").split("/") if code]
        for code in reversed(codes):
            place = self.places.get(code)
            if place is not None and place.kind == COMMUNE:
                officers = {
                    role.member_id
                    for role in self.held
                    if role.grant.role == Role.OFFICER and role.grant.place.id == place.id
                }
                return IncidentRecipients(place, tuple(sorted(officers)))
        return IncidentRecipients(None, ())


@dataclass
class MemoryIncidents:
    """The incidents reported and the officers' notices, in the order they were queued."""

    reported: list[StoredIncident] = field(default_factory=list)
    queued: list[UrgentNotice] = field(default_factory=list)

    def report(
        self,
        effect: ReportIncident,
        *,
        member_id: int,
        roles: tuple[Grant, ...],
        reads: MemoryIncidentReads,
        now: datetime,
    ) -> None:
        """What ``bot.incidents.handlers.report_incident`` does, without a database."""
        area = next((p for p in reads.places.values() if p.id == effect.area_id), None)
        check_reporter(roles, effect, None if area is None else area.path)
        assert area is not None  # checked just above
        where = where_of(effect)
        incident = StoredIncident(
            len(self.reported) + 1, area.id, member_id, effect.what, where, effect.severity, now
        )
        self.reported.append(incident)
        recipients = reads.recipients(area.path)
        params = {"what": effect.what, "where": where, "area": area.full_name, "time": shown(now)}
        for officer_id in recipients.besides(member_id):
            self.queued.append(
                UrgentNotice(
                    member_id=officer_id,
                    dedup_key=f"incident:{incident.id}:member:{officer_id}",
                    message_key=NOTICE_KEYS[(effect.role, effect.severity)],
                    params=params,
                    not_before=now,
                )
            )
