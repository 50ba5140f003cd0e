"""/traokhenthuong: an approved commendation of the year is handed over at a review conference
(hội nghị sơ kết, tổng kết: an event made from its template, ``/taosukien``).

The admin picks one of the year's conferences held in their places, then one of the approved
commendations of the conference's place not yet attached; the conference's summary (what is
handed over there) is shown on choosing it and once attached. The yearly draft, the export and
the web console say where each was handed over.
"""

from __future__ import annotations

from typing import Any

from conversations.commendations import (
    MAX_LISTED,
    AwardAtConference,
    ConferenceView,
)
from conversations.commendations.fields import ACTION, ProposalList, admin_places, listing
from conversations.flow import Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.localtime import shown_date
from conversations.places import is_inside
from conversations.replies import Text
from conversations.targets import YearCalendar

CONFERENCE, PROPOSAL = "conference", "proposal"


def summary(conference: ConferenceView, ctx: FlowContext) -> str:
    """A conference and what is handed over at it."""
    heading = ctx.t(
        N_("award.summary"),
        title=conference.title,
        date=shown_date(conference.starts_at),
        count=len(conference.awarded),
    )
    lines = [
        ctx.t(N_("award.summary.line"), number=number, who=who, form=ctx.t(form))
        for number, (who, form) in enumerate(conference.awarded, start=1)
    ]
    return "\n".join([heading, *lines])


def award_flow(calendar: YearCalendar | None = None) -> Flow:
    calendar = calendar or YearCalendar()

    async def begin(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
        year = calendar.assessed_year(ctx.today)
        paths = [place.path for place in admin_places(ctx.fields)]
        found = await ctx.records.commendations.conferences(paths, year, limit=MAX_LISTED)
        if not found:
            return Redirect(replies=[Text(ctx.t(N_("award.no_conference"), year=year))], stop=True)
        items = {
            "items": [
                {"id": c.id, "label": f"{c.title} ({shown_date(c.starts_at)})"} for c in found
            ]
        }
        return Redirect(answers={CONFERENCE: items}, step=CONFERENCE)

    async def conference_picked(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
        conference = await ctx.records.commendations.conference(answers[CONFERENCE]["chosen"])
        if conference is None:
            return Redirect(replies=[Text(ctx.t(N_("award.gone")))], stop=True)
        year = calendar.assessed_year(ctx.today)
        mine = [place.path for place in admin_places(ctx.fields)]
        found = await ctx.records.commendations.unawarded(
            conference.area_path, year, limit=MAX_LISTED * 5
        )
        # Inside the conference's place and the admin's own places both.
        found = [p for p in found if any(is_inside(p.area_path, path) for path in mine)]
        shown = Text(summary(conference, ctx))
        if not found:
            nothing = Text(ctx.t(N_("award.none"), year=year))
            return Redirect(replies=[shown, nothing], stop=True)
        listed = listing(found[:MAX_LISTED], ctx.fields)
        return Redirect(replies=[shown], answers={PROPOSAL: listed}, step=PROPOSAL)

    async def complete(answers: dict[str, Any], ctx: FlowContext) -> Completion:
        event_id, proposal_id = answers[CONFERENCE]["chosen"], answers[PROPOSAL]["chosen"]
        done = ctx.t(
            N_("award.done"),
            who=answers[PROPOSAL]["label"],
            title=answers[CONFERENCE]["label"],
        )
        return Completion(replies=[Text(done)], effects=[AwardAtConference(proposal_id, event_id)])

    return Flow(
        "commendation_award",
        title=N_("menu.commendation_award"),
        commands=("traokhenthuong", "award"),
        action=ACTION,
        begin=begin,
        complete=complete,
        steps=[
            Step(
                CONFERENCE,
                N_("award.ask_conference"),
                ProposalList(),
                N_("award.title.conference"),
                after=conference_picked,
            ),
            Step(
                PROPOSAL,
                N_("award.ask_proposal"),
                ProposalList(),
                N_("award.title.proposal"),
            ),
        ],
    )
