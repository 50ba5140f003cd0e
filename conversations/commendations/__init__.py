"""Commendations (thi đua, khen thưởng) and the year's exemplary units (điển hình).

An admin proposes a collective — an area, a unit, a model, a commune's police, each a kind and
the id of what it is — or an individual — a member, or a person the admin names with their
role in their unit — for a form of commendation (the forms are data, per province:
``forms.json``), with the achievement in a few lines; the bot adds the figures it holds (models'
activities, monthly updates on time, events' turnout). Never a tip: a proposal cannot name one,
and a tipster is commended only by their own choice. The level above the proposer approves or
declines with a reason; the proposer and the commended are told.

A commune, agency, business or school proposed and recognised as exemplary for the year counts
against the plan's targets (``conversations.targets``: ≥ 15 % of communes; in each commune at
least one agency, one business and two schools — Nghệ An 104/KH-UBND).

The reads are a part of ``conversations.ports.Records``, so this module must not import
``conversations.ports``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

# The forms of commendation are shared with a tip's thread: re-exported for the features' use.
from conversations.commendation_forms import MAX_ACHIEVEMENT as MAX_ACHIEVEMENT
from conversations.commendation_forms import form_label as form_label
from conversations.commendation_forms import forms_of as forms_of
from conversations.effects import Effect
from conversations.i18n import N_
from conversations.places import PROVINCE, is_inside
from conversations.policy import Grant, Role
from conversations.targets import (
    BY_KEY,
    EXEMPLARY_AGENCIES,
    EXEMPLARY_BUSINESSES,
    EXEMPLARY_COMMUNES,
    EXEMPLARY_SCHOOLS,
    Measure,
    TargetBook,
)

MAX_LISTED = 10
MAX_REASON = 500


class SubjectKind(StrEnum):
    """Who a commendation is for: a collective (kind and the id of what it is) or a person."""

    AREA = "area"
    UNIT = "unit"  # an agency, business or school (a place of ``conversations.places.UNITS``)
    MODEL = "model"
    COMMUNE_POLICE = "commune_police"
    MEMBER = "member"
    PERSON = "person"


COLLECTIVES = frozenset(
    {SubjectKind.AREA, SubjectKind.UNIT, SubjectKind.MODEL, SubjectKind.COMMUNE_POLICE}
)
SUBJECT_LABELS = {
    SubjectKind.AREA: N_("commendation.kind.area"),
    SubjectKind.UNIT: N_("commendation.kind.unit"),
    SubjectKind.MODEL: N_("commendation.kind.model"),
    SubjectKind.COMMUNE_POLICE: N_("commendation.kind.commune_police"),
    SubjectKind.MEMBER: N_("commendation.kind.member"),
    SubjectKind.PERSON: N_("commendation.kind.person"),
}


# How a list names the kind after the name: "Thôn Một, Xã Đô Lương (tập thể)".
SUBJECT_SHORT = {
    SubjectKind.AREA: N_("commendation.short.collective"),
    SubjectKind.UNIT: N_("commendation.short.collective"),
    SubjectKind.MODEL: N_("commendation.short.model"),
    SubjectKind.COMMUNE_POLICE: N_("commendation.short.commune_police"),
    SubjectKind.MEMBER: N_("commendation.short.person"),
    SubjectKind.PERSON: N_("commendation.short.person"),
}


class Status(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    DECLINED = "declined"


STATUS_LABELS = {
    Status.PROPOSED: N_("commendation.status.proposed"),
    Status.APPROVED: N_("commendation.status.approved"),
    Status.DECLINED: N_("commendation.status.declined"),
}


# -- the forms of commendation (data) -------------------------------------------------------


# -- who reviews ------------------------------------------------------------------------------


def may_review(
    grants: Iterable[Grant],
    member_id: int,
    *,
    area_path: str,
    proposer_path: str,
    proposer_member_id: int | None,
) -> bool:
    """The level above the proposer decides: an admin of a place that holds the commended and
    lies above the place the proposal was made in. A province's own proposal (nothing above it
    in the bot: the Ministry decides its own forms outside) is recorded by another admin of
    the province, never by its proposer."""
    for grant in grants:
        if grant.role is not Role.ADMIN or not is_inside(area_path, grant.place.path):
            continue
        if grant.place.path != proposer_path and is_inside(proposer_path, grant.place.path):
            return True
        own_province = grant.place.path == proposer_path and grant.place.kind == PROVINCE
        if own_province and proposer_member_id != member_id:
            return True
    return False


# -- effects ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposeCommendation(Effect):
    """An admin proposes a commendation of ``year``: ``area_id`` is the place the commended
    belong to; ``ref_id`` the model (or unit) of a collective; ``member_id`` the member; a
    named person's ``person_name`` and ``person_role``."""

    kind: str
    area_id: int
    ref_id: int | None
    member_id: int | None
    person_name: str | None
    person_role: str | None
    form: str
    achievement: str
    year: int


@dataclass(frozen=True)
class AwardAtConference(Effect):
    """An approved commendation is handed over at the review conference ``event_id``."""

    proposal_id: int
    event_id: int


@dataclass(frozen=True)
class ReviewCommendation(Effect):
    """The level above approves or declines (with ``reason``) a proposal."""

    proposal_id: int
    approved: bool
    reason: str


class ExemplaryKind(StrEnum):
    COMMUNE = "commune"
    AGENCY = "agency"
    BUSINESS = "business"
    SCHOOL = "school"


EXEMPLARY_LABELS = {
    ExemplaryKind.COMMUNE: N_("exemplary.kind.commune"),
    ExemplaryKind.AGENCY: N_("exemplary.kind.agency"),
    ExemplaryKind.BUSINESS: N_("exemplary.kind.business"),
    ExemplaryKind.SCHOOL: N_("exemplary.kind.school"),
}


@dataclass(frozen=True)
class ProposeExemplary(Effect):
    """An admin proposes a commune, an agency, a business or a school (``ref_id``: its place)
    as exemplary for ``year``."""

    kind: str
    ref_id: int
    year: int


@dataclass(frozen=True)
class RecogniseExemplary(Effect):
    """The level above recognises a proposed exemplary unit."""

    kind: str
    ref_id: int
    year: int


# -- reads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalView:
    """A proposal as the review lists and checks it."""

    id: int
    year: int
    subject: str  # who is commended, as shown
    kind: str
    form: str  # catalogue key of the form's label
    achievement: str
    figures: Mapping[str, int]  # what the proposal rests on: ``grounds_text``
    status: str
    area_name: str
    area_path: str
    proposer_path: str
    proposed_by: int | None
    phone: str | None = None  # a phone the commended gave themselves (a tipster), for the hand-over


GROUNDS_KEYS = {
    SubjectKind.MODEL: N_("commendation.grounds.model"),
    SubjectKind.MEMBER: N_("commendation.grounds.member"),
}
PLACE_GROUNDS = N_("commendation.grounds.place")
FIGURES = (
    "updates_filed",
    "updates_on_time",
    "activities",
    "participants",
    "events",
    "turnout",
    "reached",
    "reach_total",
)
# A unit's grounds: the propaganda reach of its latest report of the year (the yearly one,
# else the 6-month one: ``reach_half`` is 1), its models' activities and its events.
UNIT_GROUNDS = N_("commendation.grounds.unit")
UNIT_GROUNDS_NO_REACH = N_("commendation.grounds.unit_no_reach")
REACH_REPORTS = {
    0: N_("commendation.reach_report.year"),
    1: N_("commendation.reach_report.half"),
}


def grounds_text(kind: str, figures: Mapping[str, int], t: Callable[..., str]) -> str:
    """The figures a proposal rests on, in a sentence (the same for the reviewer and the
    yearly report)."""
    counts = {name: int(figures.get(name, 0)) for name in FIGURES}
    if SubjectKind(kind) is SubjectKind.UNIT:
        if not counts["reach_total"]:
            return t(UNIT_GROUNDS_NO_REACH, **counts)
        report = t(REACH_REPORTS[1 if figures.get("reach_half") else 0])
        return t(UNIT_GROUNDS, report=report, **counts)
    key = GROUNDS_KEYS.get(SubjectKind(kind), PLACE_GROUNDS)
    return t(key, **counts)


@dataclass(frozen=True)
class ExemplaryWaiting:
    """A unit proposed as exemplary, waiting for the level above to recognise it."""

    kind: str
    name: str
    commune_name: str
    commune_path: str


@dataclass(frozen=True)
class ConferenceView:
    """A review conference (an event: hội nghị sơ kết, tổng kết) commendations are handed
    over at, with those attached to it: (who, as shown; the catalogue key of the form)."""

    id: int
    title: str
    starts_at: datetime
    area_path: str
    awarded: tuple[tuple[str, str], ...] = ()


class CommendationReads(Protocol):
    """Reads of the proposals."""

    async def conferences(
        self, paths: Sequence[str], year: int, *, limit: int
    ) -> list[ConferenceView]:
        """The year's review conferences held in a place inside one of ``paths``."""
        ...

    async def conference(self, event_id: int) -> ConferenceView | None:
        """One review conference with the commendations attached to it."""
        ...

    async def unawarded(self, path: str, year: int, *, limit: int) -> list[ProposalView]:
        """The year's approved commendations at ``path`` or below not yet attached to a
        review conference."""
        ...

    async def exemplary_waiting(
        self, paths: Sequence[str], year: int, *, limit: int
    ) -> list[ExemplaryWaiting]:
        """Units proposed as exemplary for ``year`` and not yet recognised, counting for a
        commune inside one of ``paths``."""
        ...

    async def pending(self, paths: Sequence[str], *, limit: int) -> list[ProposalView]:
        """Proposals waiting for a decision whose place lies inside one of ``paths``."""
        ...

    async def proposal(self, proposal_id: int) -> ProposalView | None:
        """One proposal, decided or not."""
        ...


# -- exemplary units against the plan's targets ----------------------------------------------

PER_COMMUNE = {
    ExemplaryKind.AGENCY: EXEMPLARY_AGENCIES,
    ExemplaryKind.BUSINESS: EXEMPLARY_BUSINESSES,
    ExemplaryKind.SCHOOL: EXEMPLARY_SCHOOLS,
}


@dataclass(frozen=True)
class ExemplaryLine:
    """One target: how many communes meet it of how many, the threshold, and the verdict
    (None: nothing of that kind was recorded in the place, so there is no figure)."""

    key: str
    name: str
    measure: Measure
    threshold: float
    count: int  # communes recognised (share), or communes with enough units (count)
    of: int  # communes
    met: bool | None


def judge_exemplary(
    communes: Sequence[str],
    recorded: Mapping[str, Counter[str]],
    recognised: Mapping[str, Counter[str]],
    book: TargetBook,
    place_path: str,
) -> list[ExemplaryLine]:
    """The exemplary targets of a province (or of a commune: ``communes`` is then itself), by
    the communes' paths: the share of communes recognised exemplary, and for each kind of
    unit the communes with at least the plan's count of recognised ones. ``recorded`` counts
    what was proposed or recognised, ``recognised`` what was recognised, by commune and kind."""
    total = len(communes)
    none: Counter[str] = Counter()
    lines: list[ExemplaryLine] = []
    for kind, key in ((ExemplaryKind.COMMUNE, EXEMPLARY_COMMUNES), *PER_COMMUNE.items()):
        target = BY_KEY[key]
        threshold = book.threshold(key, place_path)
        if kind is ExemplaryKind.COMMUNE:
            count = sum(1 for commune in communes if recognised.get(commune, none)[kind])
            reached = total > 0 and count / total >= threshold - 1e-9
        else:
            count = sum(
                1 for commune in communes if recognised.get(commune, none)[kind] >= threshold
            )
            reached = total > 0 and count == total
        known = total > 0 and any(recorded.get(commune, none)[kind] for commune in communes)
        lines.append(
            ExemplaryLine(
                key,
                target.name,
                target.measure,
                threshold,
                count,
                total,
                reached if known else None,
            )
        )
    return lines
