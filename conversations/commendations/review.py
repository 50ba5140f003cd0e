"""/duyetkhenthuong: the level above the proposer approves a proposal, or declines it with a
reason; the proposer and the commended are told (``bot.commendations``).

The list is read when the flow starts and kept in the answers; the chosen proposal is read
again on confirming, so one decided meanwhile by another admin is not decided twice.
"""

from __future__ import annotations

from typing import Any

from conversations.commendations import (
    MAX_LISTED,
    MAX_REASON,
    ProposalView,
    ReviewCommendation,
    Status,
    grounds_text,
    may_review,
)
from conversations.commendations.fields import ACTION, ProposalList, admin_places, listing
from conversations.fields import Choice, ChoiceOption, FreeText, shown_phone
from conversations.flow import Answers, Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.replies import Text

PROPOSAL = "proposal"
APPROVE, DECLINE = "approve", "decline"
DECISIONS = Choice(
    ChoiceOption(APPROVE, N_("commendation.review.approve"), ("duyet", "dong y", "approve")),
    ChoiceOption(DECLINE, N_("commendation.review.decline"), ("khong duyet", "decline")),
)


def reviewable(proposal: ProposalView, ctx: FlowContext) -> bool:
    return proposal.status == Status.PROPOSED and may_review(
        ctx.member.roles,
        ctx.member.id,
        area_path=proposal.area_path,
        proposer_path=proposal.proposer_path,
        proposer_member_id=proposal.proposed_by,
    )


async def begin(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    paths = [place.path for place in admin_places(ctx.fields)]
    found = await ctx.records.commendations.pending(paths, limit=MAX_LISTED * 5)
    mine = [proposal for proposal in found if reviewable(proposal, ctx)][:MAX_LISTED]
    if not mine:
        return Redirect(replies=[Text(ctx.t(N_("commendation.review.none")))], stop=True)
    return Redirect(answers={PROPOSAL: listing(mine, ctx.fields)}, step=PROPOSAL)


async def _chosen(answers: Answers, ctx: FlowContext) -> ProposalView | None:
    proposal = await ctx.records.commendations.proposal(answers[PROPOSAL]["chosen"])
    return proposal if proposal is not None and reviewable(proposal, ctx) else None


async def proposal_picked(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    proposal = await _chosen(answers, ctx)
    if proposal is None:
        return Redirect(replies=[Text(ctx.t(N_("commendation.review.gone")))], stop=True)
    shown = ctx.t(
        N_("commendation.review.shown"),
        subject=proposal.subject,
        form=ctx.t(proposal.form),
        year=proposal.year,
        area=proposal.area_name,
        achievement=proposal.achievement,
        grounds=grounds_text(proposal.kind, proposal.figures, ctx.t),
    )
    if proposal.phone:
        shown += "\n" + ctx.t(N_("commendation.review.phone"), phone=shown_phone(proposal.phone))
    return Redirect(replies=[Text(shown)])


def declining(answers: Answers) -> bool:
    return answers.get("decision") == DECLINE


async def complete(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    proposal = await _chosen(answers, ctx)
    if proposal is None:
        return Completion(replies=[Text(ctx.t(N_("commendation.review.gone")))])
    approved = answers["decision"] == APPROVE
    reason = "" if approved else " ".join(answers["reason"].split())
    key = N_("commendation.review.approved") if approved else N_("commendation.review.declined")
    done = ctx.t(key, subject=proposal.subject, form=ctx.t(proposal.form))
    return Completion(
        replies=[Text(done)], effects=[ReviewCommendation(proposal.id, approved, reason)]
    )


def review_flow() -> Flow:
    return Flow(
        "commendation_review",
        title=N_("menu.commendation_review"),
        commands=("duyetkhenthuong", "review"),
        action=ACTION,
        begin=begin,
        complete=complete,
        steps=[
            Step(
                PROPOSAL,
                N_("commendation.review.ask_proposal"),
                ProposalList(),
                N_("commendation.title.proposal"),
                after=proposal_picked,
            ),
            Step(
                "decision",
                N_("commendation.review.ask_decision"),
                DECISIONS,
                N_("commendation.title.decision"),
            ),
            Step(
                "reason",
                N_("commendation.review.ask_reason"),
                FreeText(min_length=3, max_length=MAX_REASON),
                N_("commendation.title.reason"),
                applies=declining,
            ),
        ],
    )
