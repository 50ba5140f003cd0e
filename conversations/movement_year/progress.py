"""/chitieu (and the end of /tongquan): where the member's places stand against the plan's
targets in a month, the first half or the whole year, in a few lines and a chart; and
/baocaonam: an admin's draft of the 6-month or yearly report, as a file."""

from __future__ import annotations

from typing import Any

from conversations.choosing import ScopedPlace
from conversations.flow import Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.movement_year import (
    MakeReportDraft,
    ShowStanding,
    SpanOfYear,
)
from conversations.movement_year.fields import HALF_YEAR, YEAR, SpanAnswer
from conversations.places import COMMUNE, PROVINCE, outermost
from conversations.policy import Action, scopes
from conversations.replies import Text

STANDING_FLOW = "standing"
REPORTED_PLACES = frozenset({COMMUNE, PROVINCE})
REPORTED_PLACE = ScopedPlace(Action.ASSESS_UNITS, REPORTED_PLACES)


async def show_standing(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    places = outermost(scopes(ctx.member.roles, Action.LATE_REPORTS))
    places = [place for place in places if place.kind in REPORTED_PLACES]
    if not places:
        return Completion(replies=[Text(ctx.t(N_("policy.denied")))])
    effect = ShowStanding(tuple(place.path for place in places), answers["span"])
    return Completion(effects=[effect])


def standing_flow() -> Flow:
    return Flow(
        STANDING_FLOW,
        title=N_("menu.standing"),
        commands=("chitieu", "targets"),
        action=Action.LATE_REPORTS,
        complete=show_standing,
        confirm=False,
        steps=[
            Step("span", N_("year.ask_span"), SpanAnswer(), title=N_("year.title_span")),
        ],
    )


async def only_place(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    """An admin of one commune or province is not asked which."""
    places = [
        place
        for place in outermost(scopes(ctx.member.roles, Action.ASSESS_UNITS))
        if place.kind in REPORTED_PLACES
    ]
    if len(places) != 1:
        return None
    return Redirect(answers={"place": {"code": places[0].code, "name": places[0].full_name}})


async def make_report(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    place = await REPORTED_PLACE.picked(ctx, answers["place"])
    span = SpanOfYear.parse(answers["span"])
    assert span is not None  # SpanAnswer stores only what it parses
    return Completion(
        replies=[Text(ctx.t(N_("year.report.preparing")))],
        effects=[MakeReportDraft(place.path, span.key)],
    )


def report_draft_flow() -> Flow:
    return Flow(
        "report_draft",
        title=N_("menu.report_draft"),
        commands=("baocaonam", "yearreport"),
        action=Action.ASSESS_UNITS,
        begin=only_place,
        complete=make_report,
        confirm=False,
        steps=[
            Step(
                "place",
                N_("year.report.ask_place"),
                REPORTED_PLACE,
                title=N_("year.report.title_place"),
            ),
            Step(
                "span",
                N_("year.report.ask_span"),
                SpanAnswer((HALF_YEAR, YEAR)),
                title=N_("year.report.title_span"),
            ),
        ],
    )
