"""The monthly update of a residential area: its fields, effects and reads (the calendar of
periods and deadlines is core: ``conversations.calendar``).

The reads are a part of ``conversations.ports.Records``, so this module must not import
``conversations.ports``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from conversations.effects import Effect
from conversations.i18n import N_


@dataclass(frozen=True)
class Figure:
    """One count of the monthly update: its column name and its label in the catalogue."""

    key: str
    label: str


@dataclass(frozen=True)
class AtMost:
    """A figure that cannot exceed another (pledged households ≤ households)."""

    smaller: str
    larger: str


@dataclass(frozen=True)
class Page:
    """A few figures asked in one message, and the checks that tie them together."""

    name: str
    prompt: str
    title: str
    figures: tuple[Figure, ...]
    checks: tuple[AtMost, ...] = ()


# The pages of counts, in the order a leader meets them. Labels are catalogue keys
# ("report.field.<key>"); N_ marks them for the catalogue check.
PAGES: tuple[Page, ...] = (
    Page(
        "propaganda",
        N_("report.ask.propaganda"),
        N_("report.page.propaganda"),
        (
            Figure("propaganda_sessions", N_("report.field.propaganda_sessions")),
            Figure("propaganda_attendees", N_("report.field.propaganda_attendees")),
            Figure("residents_meetings", N_("report.field.residents_meetings")),
        ),
    ),
    Page(
        "households",
        N_("report.ask.households"),
        N_("report.page.households"),
        (
            Figure("households", N_("report.field.households")),
            Figure("households_pledged", N_("report.field.households_pledged")),
        ),
        (AtMost("households_pledged", "households"),),
    ),
    Page(
        "tips",
        N_("report.ask.tips"),
        N_("report.page.tips"),
        (
            Figure("tips_received", N_("report.field.tips_received")),
            Figure("tips_to_police", N_("report.field.tips_to_police")),
        ),
        (AtMost("tips_to_police", "tips_received"),),
    ),
    Page(
        "incidents",
        N_("report.ask.incidents"),
        N_("report.page.incidents"),
        (
            Figure("incidents_crime", N_("report.field.incidents_crime")),
            Figure("incidents_social_evils", N_("report.field.incidents_social_evils")),
            Figure("incidents_domestic_violence", N_("report.field.incidents_domestic_violence")),
            Figure("incidents_traffic", N_("report.field.incidents_traffic")),
            Figure("incidents_fire", N_("report.field.incidents_fire")),
        ),
    ),
    Page(
        "mediation",
        N_("report.ask.mediation"),
        N_("report.page.mediation"),
        (
            Figure("disputes_mediated", N_("report.field.disputes_mediated")),
            Figure("disputes_resolved", N_("report.field.disputes_resolved")),
            Figure("patrol_shifts", N_("report.field.patrol_shifts")),
        ),
        (AtMost("disputes_resolved", "disputes_mediated"),),
    ),
    Page(
        "managed",
        N_("report.ask.managed"),
        N_("report.page.managed"),
        (
            Figure("managed_youth", N_("report.field.managed_youth")),
            Figure("managed_drug_users", N_("report.field.managed_drug_users")),
            Figure("managed_post_rehab", N_("report.field.managed_post_rehab")),
            Figure("managed_reintegrating", N_("report.field.managed_reintegrating")),
            Figure("managed_removed", N_("report.field.managed_removed")),
        ),
    ),
    Page(
        "equipment",
        N_("report.ask.equipment"),
        N_("report.page.equipment"),
        (
            Figure("cameras_total", N_("report.field.cameras_total")),
            Figure("cameras_new", N_("report.field.cameras_new")),
            Figure("security_lights", N_("report.field.security_lights")),
            Figure("fire_safe_groups", N_("report.field.fire_safe_groups")),
            Figure("fire_points", N_("report.field.fire_points")),
            Figure("models_active", N_("report.field.models_active")),
        ),
        (AtMost("cameras_new", "cameras_total"),),
    ),
)

MONEY_FIELD = "money_mobilised"
TEXT_FIELDS = ("notable_events", "proposals")
COUNT_FIELDS: tuple[str, ...] = tuple(figure.key for page in PAGES for figure in page.figures)
# Every column of a stored update, in export order.
REPORT_FIELDS: tuple[str, ...] = (*COUNT_FIELDS, MONEY_FIELD, *TEXT_FIELDS)


@dataclass(frozen=True)
class FiledReport:
    """A monthly update as stored: who filed it, when, and its figures."""

    id: int
    area_id: int
    period: str
    version: int
    late: bool
    filed_at: datetime
    filed_by: int | None  # the member who filed it (None once they are erased)
    filed_by_name: str | None
    updated_at: datetime
    values: Mapping[str, Any]


@dataclass(frozen=True)
class FileMonthlyReport(Effect):
    """File (``version`` None) or correct (``version`` = the one read) an area's update.

    ``deadline`` and ``late`` come from the report calendar the flow was built with.
    """

    area_id: int
    period: str
    values: Mapping[str, Any]
    version: int | None
    deadline: date
    late: bool


class ReportReads(Protocol):
    """Reads about monthly updates."""

    async def monthly_report(self, area_id: int, period: str) -> FiledReport | None:
        """The update of the area for the period, if one was filed."""
        ...

    async def area_households(self, area_id: int) -> int | None:
        """The households of the area as imported with it (CSV or chat), if given."""
        ...
