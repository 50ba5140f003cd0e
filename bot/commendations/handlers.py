"""The bot's side of commendations: proposals stored with their figures, decisions stored and
told, exemplary units proposed and recognised.

Each handler asks the policy again against the roles loaded in this very transaction, so a
stale conversation never writes what the member may no longer do.
"""

from __future__ import annotations

from bot.commendations import service
from bot.commendations.service import CommendationRefused
from bot.commendations.tipster import EFFECT_HANDLERS as TIPSTER_HANDLERS
from bot.commendations.tipster import tell_tipster
from bot.effect_context import EffectContext, EffectHandler
from conversations.commendations import (
    AwardAtConference,
    ExemplaryKind,
    ProposeCommendation,
    ProposeExemplary,
    RecogniseExemplary,
    ReviewCommendation,
    SubjectKind,
    grounds_text,
    may_review,
)
from conversations.commendations.exemplary import above, judged_path
from conversations.commendations.fields import ACTION
from conversations.effects import Effect
from conversations.i18n import N_
from conversations.places import Place, is_inside
from conversations.policy import PolicyViolation, Role
from storage.commendations import award_at, commendation_by_id, conference_by_id

OUTSIDE = "a commendation outside the member's places"


def proposer_place(ctx: EffectContext, place: Place) -> Place:
    """The admin place the proposal is made in: the nearest of the member's admin places
    that holds the commended (a commune's admin proposes as the commune)."""
    holding = [
        grant.place
        for grant in ctx.member.roles
        if grant.role is Role.ADMIN and is_inside(place.path, grant.place.path)
    ]
    if not holding:
        raise PolicyViolation(OUTSIDE)
    return max(holding, key=lambda held: len(held.path))


async def propose_commendation(ctx: EffectContext, effect: ProposeCommendation) -> None:
    place = await ctx.place_where(ACTION, OUTSIDE, area_id=effect.area_id)
    try:
        proposal_id, counted = await service.propose(
            ctx.session,
            kind=SubjectKind(effect.kind),
            place=place,
            proposer_place=proposer_place(ctx, place),
            ref_id=effect.ref_id,
            member_id=effect.member_id,
            person_name=effect.person_name,
            person_role=effect.person_role,
            form=effect.form,
            achievement=effect.achievement,
            year=effect.year,
            by=ctx.member.id,
            now=ctx.now,
        )
    except CommendationRefused as refused:
        raise PolicyViolation(str(refused)) from None
    await ctx.audit(
        service.PROPOSED, subject_kind="commendation", subject_id=proposal_id, area_id=place.id
    )
    figures = {name: getattr(counted, name) for name in counted.__slots__}
    ctx.say(N_("commendation.grounds_stored"), grounds=grounds_text(effect.kind, figures, ctx.text))


async def review_commendation(ctx: EffectContext, effect: ReviewCommendation) -> None:
    record = await commendation_by_id(ctx.session, effect.proposal_id)
    if record is None or not may_review(
        ctx.member.roles,
        ctx.member.id,
        area_path=record.area_path,
        proposer_path=record.proposer_path,
        proposer_member_id=record.proposed_by_member_id,
    ):
        raise PolicyViolation("reviewing a proposal the member is not above")
    try:
        decided = await service.decide(
            ctx.session,
            record,
            approved=effect.approved,
            reason=effect.reason,
            by=ctx.member.id,
            now=ctx.now,
        )
    except CommendationRefused as refused:
        raise PolicyViolation(str(refused)) from None
    if not decided:
        return  # decided a moment ago by another admin: they were told then
    await ctx.audit(
        service.REVIEWED, subject_kind="commendation", subject_id=record.id, area_id=record.area_id
    )
    fresh = await commendation_by_id(ctx.session, record.id)
    assert fresh is not None
    await service.tell(ctx.session, fresh, ctx.catalogues, reviewer_id=ctx.member.id, now=ctx.now)
    await tell_tipster(ctx, fresh)


async def award_at_conference(ctx: EffectContext, effect: AwardAtConference) -> None:
    conference = await conference_by_id(ctx.session, effect.event_id)
    record = await commendation_by_id(ctx.session, effect.proposal_id)
    if conference is None or record is None:
        ctx.say(N_("award.gone"))
        return
    await ctx.place_where(ACTION, OUTSIDE, area_id=conference.area_id)
    await ctx.place_where(ACTION, OUTSIDE, area_id=record.area_id)
    if not is_inside(record.area_path, conference.area_path):
        raise PolicyViolation("a commendation handed over outside the conference's place")
    if not await award_at(ctx.session, record.id, conference.id):
        ctx.say(N_("award.gone"))
        return
    await ctx.audit(
        service.AWARDED, subject_kind="commendation", subject_id=record.id, area_id=record.area_id
    )


async def propose_exemplary(ctx: EffectContext, effect: ProposeExemplary) -> None:
    place = await ctx.place_where(ACTION, OUTSIDE, area_id=effect.ref_id)
    try:
        await service.exemplary(
            ctx.session,
            ExemplaryKind(effect.kind),
            place,
            effect.year,
            recognise=False,
            by=ctx.member.id,
            now=ctx.now,
        )
    except CommendationRefused as refused:
        raise PolicyViolation(str(refused)) from None
    await ctx.audit(service.EXEMPLARY_PROPOSED, subject_kind="area", area_id=place.id)


async def recognise_exemplary(ctx: EffectContext, effect: RecogniseExemplary) -> None:
    place = await ctx.place_where(ACTION, OUTSIDE, area_id=effect.ref_id)
    if not above(ctx.member.roles, judged_path(place)):
        raise PolicyViolation("recognising a unit the member is not above")
    try:
        changed = await service.exemplary(
            ctx.session,
            ExemplaryKind(effect.kind),
            place,
            effect.year,
            recognise=True,
            by=ctx.member.id,
            now=ctx.now,
        )
    except CommendationRefused as refused:
        raise PolicyViolation(str(refused)) from None
    if changed:  # not when recognised already
        await ctx.audit(service.EXEMPLARY_RECOGNISED, subject_kind="area", area_id=place.id)


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {
    ProposeCommendation: propose_commendation,
    ReviewCommendation: review_commendation,
    ProposeExemplary: propose_exemplary,
    RecogniseExemplary: recognise_exemplary,
    AwardAtConference: award_at_conference,
    **TIPSTER_HANDLERS,
}
