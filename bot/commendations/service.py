"""What the chat and the command line share: a proposal stored with the figures it rests on,
a decision stored and told (to the proposer, and to the commended where the bot can reach
them), exemplary units proposed and recognised.

Who is told of an approved commendation: a member commended, the leaders of an area, the
heads of an agency, business or school, the officers of a commune's police, a model's lead.
A person named by an admin is not a member: their unit hands the commendation over.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import MemberMessage, queue_for_member
from bot.places import place_of
from conversations.commendations import (
    COLLECTIVES,
    SUBJECT_LABELS,
    ExemplaryKind,
    SubjectKind,
    forms_of,
)
from conversations.i18n import N_, Catalogues
from conversations.localtime import LOCAL_TIME
from conversations.places import COMMUNE, PROVINCE, UNITS, Place, commune_path, is_inside
from conversations.policy import Role
from storage.areas import area_by_code, area_by_id
from storage.commendations import (
    CommendationRecord,
    Figures,
    NewCommendation,
    insert_commendation,
    member_figures,
    model_figures,
    place_figures,
    propose_exemplary,
    recognise_exemplary,
    review_commendation,
    unit_figures,
)
from storage.delivery.outbox import NOTICE
from storage.people.members import member_locale
from storage.people.roles import roles_within
from storage.security_models import security_model_by_id

PROPOSED = "commendation.proposed"
REVIEWED = "commendation.reviewed"
AWARDED = "commendation.awarded"  # handed over at a review conference
EXEMPLARY_PROPOSED = "exemplary.proposed"
EXEMPLARY_RECOGNISED = "exemplary.recognised"
# Kinds a proposal can name: every one (a unit is an agency, business or school place).
IMPLEMENTED = frozenset(SubjectKind)
IMPLEMENTED_EXEMPLARY = frozenset(ExemplaryKind)


class CommendationRefused(ValueError):
    """A proposal or a decision that cannot be stored, with the reason (for the operator)."""


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The local year as UTC times: from its first moment to the next year's."""
    start = datetime.combine(datetime(year, 1, 1).date(), time(), LOCAL_TIME).astimezone(UTC)
    end = datetime.combine(datetime(year + 1, 1, 1).date(), time(), LOCAL_TIME).astimezone(UTC)
    return start, end


async def commune_of(session: AsyncSession, place: Place) -> Place:
    """The commune a place lies in (itself for a commune)."""
    path = commune_path(place.path)
    code = (path or "").rstrip("/").rsplit("/", 1)[-1]
    area = await area_by_code(session, code) if path else None
    if area is None or area.kind != COMMUNE:
        raise CommendationRefused(f"{place.full_name} lies in no commune")
    return place_of(area)


async def proposing_place(session: AsyncSession, place: Place) -> Place:
    """The place a proposal made from the command line is made in: the commune of the place,
    the province for a province or a provincial body (an agency, business or school right
    below the province)."""
    if place.kind == PROVINCE:
        return place
    if place.kind not in UNITS:
        return await commune_of(session, place)
    try:
        return await commune_of(session, place)
    except CommendationRefused:
        pass  # a provincial body
    province = await area_by_code(session, place.path.strip("/").split("/")[0])
    if province is None or province.kind != PROVINCE:
        raise CommendationRefused(f"{place.full_name} lies in no commune nor province")
    return place_of(province)


async def figures(
    session: AsyncSession,
    kind: SubjectKind,
    place: Place,
    ref_id: int | None,
    member_id: int | None,
    year: int,
) -> Figures:
    if kind is SubjectKind.MODEL and ref_id is not None:
        return await model_figures(session, ref_id, year)
    if kind is SubjectKind.MEMBER and member_id is not None:
        return await member_figures(session, member_id, year)
    since, until = year_bounds(year)
    if kind is SubjectKind.UNIT:
        return await unit_figures(session, place.id, place.path, year, since=since, until=until)
    return await place_figures(session, place.path, year, since=since, until=until)


async def propose(
    session: AsyncSession,
    *,
    kind: SubjectKind,
    place: Place,
    proposer_place: Place,
    ref_id: int | None,
    member_id: int | None,
    person_name: str | None,
    person_role: str | None,
    form: str,
    achievement: str,
    year: int,
    by: int | None,
    now: datetime,
    person_phone: str | None = None,
) -> tuple[int, Figures]:
    """Store a proposal with the figures it rests on; its id and the figures. Raises
    ``CommendationRefused`` for what does not fit (a form the province does not offer, a
    model outside the place, an empty name)."""
    if kind not in IMPLEMENTED:
        raise CommendationRefused(f"a proposal for a {kind} is not accepted")
    if form not in {known.key for known in forms_of(place.path)}:
        raise CommendationRefused(f"{form!r} is not a form of commendation of this province")
    if not is_inside(place.path, proposer_place.path):
        raise CommendationRefused("the commended lie outside the proposer's place")
    subject = place.full_name
    if kind is SubjectKind.COMMUNE_POLICE:
        place = await commune_of(session, place)
        subject = place.full_name
    elif kind is SubjectKind.UNIT:
        if place.kind not in UNITS:
            raise CommendationRefused(f"{place.full_name} is not an agency, business or school")
        ref_id = place.id
    elif kind is SubjectKind.MODEL:
        model = await security_model_by_id(session, ref_id or 0)
        if model is None or not is_inside(model.area_path, proposer_place.path):
            raise CommendationRefused("no such model in the proposer's place")
        area = await area_by_id(session, model.area_id)
        assert area is not None
        place, subject = place_of(area), model.name
    elif kind is SubjectKind.MEMBER:
        held = [
            role
            for role in await roles_within(session, proposer_place.path)
            if role.member_id == member_id
        ]
        if not held:
            raise CommendationRefused("the member holds no role in the proposer's place")
        subject = held[0].member_name or ""
    elif kind is SubjectKind.PERSON:
        person_name = " ".join((person_name or "").split())
        person_role = " ".join((person_role or "").split())
        if not person_name or not person_role:
            raise CommendationRefused("a named person needs a name and a role in their unit")
        subject = person_name
    if kind is not SubjectKind.MEMBER:
        member_id = None
    if kind is not SubjectKind.PERSON:
        person_name = person_role = person_phone = None
    counted = await figures(session, kind, place, ref_id, member_id, year)
    proposal = NewCommendation(
        year=year,
        area_id=place.id,
        subject_kind=kind,
        subject_ref_id=ref_id
        if kind in COLLECTIVES - {SubjectKind.AREA, SubjectKind.COMMUNE_POLICE}
        else None,
        subject_name=subject[:200],
        recipient_member_id=member_id,
        person_name=person_name,
        person_role=person_role,
        form=form,
        achievement=achievement.strip(),
        grounds=json.dumps(asdict(counted)),
        proposer_area_id=proposer_place.id,
        proposed_by_member_id=by,
        person_phone=person_phone,
    )
    return await insert_commendation(session, proposal, now=now), counted


async def recipients(session: AsyncSession, record: CommendationRecord) -> list[int]:
    """The members told of an approved commendation (see the module's docstring)."""
    kind = SubjectKind(record.subject_kind)
    if kind is SubjectKind.MEMBER:
        return [record.recipient_member_id] if record.recipient_member_id else []
    if kind is SubjectKind.MODEL:
        model = await security_model_by_id(session, record.subject_ref_id or 0)
        return [model.lead_member_id] if model and model.lead_member_id else []
    role = {
        SubjectKind.AREA: Role.LEADER,
        SubjectKind.COMMUNE_POLICE: Role.OFFICER,
        SubjectKind.UNIT: Role.UNIT_HEAD,
    }.get(kind)
    if role is None:
        return []
    area = await area_by_id(session, record.area_id)
    if kind is SubjectKind.AREA and area is not None and area.kind == COMMUNE:
        role = Role.ADMIN  # a commune commended as a whole: its admins receive it
    held = await roles_within(session, record.area_path)
    return sorted({r.member_id for r in held if r.role == role and r.area_path == record.area_path})


async def tell(
    session: AsyncSession,
    record: CommendationRecord,
    catalogues: Catalogues,
    *,
    reviewer_id: int | None,
    now: datetime,
) -> int:
    """Queue the decision's notices: to the proposer, and (approved) to the commended; how
    many were queued. Each reads the form's name and the kind in their own language."""
    queued = 0
    approved = record.status == "approved"
    told: list[tuple[int, str]] = []
    if record.proposed_by_member_id and record.proposed_by_member_id != reviewer_id:
        key = (
            N_("commendation.notice.proposer_approved")
            if approved
            else N_("commendation.notice.proposer_declined")
        )
        told.append((record.proposed_by_member_id, key))
    if approved:
        for member_id in await recipients(session, record):
            told.append((member_id, N_("commendation.notice.commended")))
    for member_id, key in told:
        locale = await member_locale(session, member_id)
        label = next(
            (f.label for f in forms_of(record.area_path) if f.key == record.form), record.form
        )
        params = {
            "form": catalogues.text(locale, label),
            "kind": catalogues.text(locale, SUBJECT_LABELS[SubjectKind(record.subject_kind)]),
            "subject": record.shown_name,
            "year": record.year,
            "reason": record.decline_reason or "",
        }
        queued += await queue_for_member(
            session,
            MemberMessage(
                member_id=member_id,
                kind=NOTICE,
                dedup_key=f"commendation:{record.id}:{record.status}:member:{member_id}",
                message_key=key,
                params=params,
            ),
            now=now,
        )
    return queued


async def decide(
    session: AsyncSession,
    record: CommendationRecord,
    *,
    approved: bool,
    reason: str,
    by: int | None,
    now: datetime,
) -> bool:
    """Store the decision; False when somebody decided a moment ago."""
    if not approved and not reason.strip():
        raise CommendationRefused("a decline says why")
    return await review_commendation(
        session, record.id, approved=approved, reason=reason.strip() or None, by=by, now=now
    )


async def exemplary(
    session: AsyncSession,
    kind: ExemplaryKind,
    place: Place,
    year: int,
    *,
    recognise: bool,
    by: int | None,
    now: datetime,
) -> bool:
    """Propose (or recognise, once proposed) a commune, or an agency, business or school of a
    commune (it counts for that commune), as exemplary; False when nothing changed (proposed
    already; not proposed, or recognised already). A provincial body lies in no commune: the
    plan's targets count per commune, so it is refused."""
    if kind not in IMPLEMENTED_EXEMPLARY or place.kind != kind:
        raise CommendationRefused(f"{place.full_name} is not a {kind}")
    commune = place if kind is ExemplaryKind.COMMUNE else await commune_of(session, place)
    proposed = await propose_exemplary(
        session,
        kind=kind,
        ref_id=place.id,
        name=place.full_name,
        commune_id=commune.id,
        year=year,
        by=by,
        now=now,
    )
    if not recognise:
        return proposed
    # The level above may recognise a unit nobody proposed: it is proposed by them.
    return await recognise_exemplary(session, kind=kind, ref_id=place.id, year=year, by=by, now=now)


__all__ = [
    "EXEMPLARY_PROPOSED",
    "EXEMPLARY_RECOGNISED",
    "PROPOSED",
    "REVIEWED",
    "CommendationRefused",
    "decide",
    "exemplary",
    "propose",
    "tell",
]
