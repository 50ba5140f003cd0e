"""Agencies, businesses and schools of the movement ("units"): places of the area tree beside
the residential areas, each with the person responsible for its security work (a role,
``Role.UNIT_HEAD``), its staff (and a school's students and level), its self-managed models,
and its year: registration for the "An toàn về ANTT" standard in quarter I, the propaganda
reach it reports for the 6-month and the yearly report, recognition and grade.

This module holds the vocabulary (levels, reports, effects, reads); ``admin`` is the admin's
flow that adds a unit, ``year`` the unit head's flows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from conversations.effects import Effect
from conversations.fields import Choice, ChoiceOption
from conversations.i18n import N_

# The levels of an education institution (DOMAIN.md, "Agencies, businesses and schools").
SCHOOL_LEVELS = Choice(
    ChoiceOption("mam_non", N_("unit.level.mam_non"), ("mam non", "mau giao", "nha tre")),
    ChoiceOption("tieu_hoc", N_("unit.level.tieu_hoc"), ("tieu hoc", "cap 1")),
    ChoiceOption("thcs", N_("unit.level.thcs"), ("thcs", "trung hoc co so", "cap 2")),
    ChoiceOption("thpt", N_("unit.level.thpt"), ("thpt", "trung hoc pho thong", "cap 3")),
    ChoiceOption("gdnn_gdtx", N_("unit.level.gdnn_gdtx"), ("gdnn", "gdtx", "trung cap")),
    ChoiceOption("dai_hoc", N_("unit.level.dai_hoc"), ("dai hoc", "cao dang", "university")),
)
LEVELS = frozenset(option.id for option in SCHOOL_LEVELS.options)
# The most people one unit may count (a bigger figure is a typing slip).
MAX_PEOPLE = 200_000

# The reports a unit's propaganda reach is given for (storage's ``span`` column).
HALF_YEAR_REPORT, YEAR_REPORT = "H1", "year"
REPORTS = Choice(
    ChoiceOption(HALF_YEAR_REPORT, N_("unit.report.half_year"), ("6 thang", "sau thang", "h1")),
    ChoiceOption(YEAR_REPORT, N_("unit.report.year"), ("ca nam", "nam", "year")),
)


@dataclass(frozen=True)
class AddUnit(Effect):
    """An admin adds an agency, business or school below ``parent_id`` (a commune, or the
    province for a provincial body)."""

    parent_id: int
    name: str
    kind: str
    level: str | None
    staff: int | None
    students: int | None


@dataclass(frozen=True)
class RegisterUnit(Effect):
    """A unit's head registers it for the "An toàn về ANTT" standard of ``year``: how many of
    its staff and students signed, on which day."""

    area_id: int
    year: int
    people: int
    registered_on: date
    late: bool


@dataclass(frozen=True)
class ReportReach(Effect):
    """A unit's head reports its propaganda reach for a report (``HALF_YEAR_REPORT`` or
    ``YEAR_REPORT``) and names the document the figures rest on."""

    area_id: int
    year: int
    report: str
    reached: int
    total: int
    document: str
    late: bool


@dataclass(frozen=True)
class UnitView:
    """A unit's figures as the flows check answers against them."""

    area_id: int
    level: str | None
    staff: int | None
    students: int | None

    @property
    def people(self) -> int | None:
        if self.staff is None and self.students is None:
            return None
        return (self.staff or 0) + (self.students or 0)


@dataclass(frozen=True)
class ReachView:
    reached: int
    total: int
    document: str


class UnitReads(Protocol):
    """Reads of the units."""

    async def unit(self, area_id: int) -> UnitView | None:
        """The unit's figures (None: none recorded)."""
        ...

    async def registered(self, area_id: int, year: int) -> date | None:
        """The day the unit registered for the standard of ``year``, if it did."""
        ...

    async def reach(self, area_id: int, year: int, report: str) -> ReachView | None:
        """The reach the unit reported for ``report`` of ``year``, if it did."""
        ...
