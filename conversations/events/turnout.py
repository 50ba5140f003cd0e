"""After an event, its organiser or a leader of a place it was for reports how many came.

A turnout already reported can be corrected: the newest report replaces it.
"""

from __future__ import annotations

from typing import Any

from conversations.events import MAX_LISTED, ReportTurnout, may_report_turnout
from conversations.events.fields import CLOSE, EventList, chosen_event, listing, optional_note
from conversations.fields import Number
from conversations.flow import Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.policy import Action, Role, scopes
from conversations.replies import Text

EVENT = "event"


async def begin(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    roles = ctx.member.roles
    found = await ctx.records.events.reportable_events(
        member_id=ctx.member.id,
        leader_paths=[grant.place.path for grant in roles if grant.role == Role.LEADER],
        admin_paths=[place.path for place in scopes(roles, Action.MANAGE_EVENTS)],
        now=ctx.now,
        limit=MAX_LISTED,
    )
    mine = [event for event in found if may_report_turnout(ctx.member.id, roles, event)]
    if not mine:
        return Redirect(replies=[Text(ctx.t(N_("events.turnout.none")))], stop=True)
    return Redirect(answers={EVENT: listing(mine)}, step=EVENT)


async def event_picked(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    if answers[EVENT].get("action") == CLOSE.id:
        return Redirect(stop=True)
    event = chosen_event(answers[EVENT])
    if event is not None and event.get("turnout") is not None:
        earlier = ctx.t(N_("events.turnout.earlier"), count=event["turnout"])
        return Redirect(replies=[Text(earlier)], step="count")
    return None


async def save(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    picked = chosen_event(answers[EVENT])
    assert picked is not None
    event = await ctx.records.events.event(picked["id"], member_id=ctx.member.id)
    if (
        event is None
        or event.cancelled
        or event.starts_at > ctx.now
        or not may_report_turnout(ctx.member.id, ctx.member.roles, event)
    ):
        return Completion(replies=[Text(ctx.t(N_("events.gone")))])
    note = answers.get("note") or None
    saved = ctx.t(N_("events.turnout.saved"), title=event.title, count=answers["count"])
    return Completion(
        replies=[Text(saved)], effects=[ReportTurnout(event.id, answers["count"], note)]
    )


def turnout_flow() -> Flow:
    return Flow(
        "event_turnout",
        title=N_("events.menu.turnout"),
        steps=[
            Step(
                EVENT,
                N_("events.turnout.ask_event"),
                EventList(CLOSE, turnout=True),
                N_("events.title.event"),
                after=event_picked,
            ),
            Step(
                "count",
                N_("events.turnout.ask_count"),
                Number(minimum=0, maximum=1_000_000),
                N_("events.turnout.count"),
            ),
            Step(
                "note",
                N_("events.turnout.ask_note"),
                optional_note(),
                N_("events.turnout.note"),
            ),
        ],
        complete=save,
        commands=("sochonguoi", "turnout"),
        action=Action.EVENT_TURNOUT,
        begin=begin,
    )
