"""Admins cancel an upcoming event of their place; everybody registered is told why.

The list is read when the flow starts and kept in the answers; the chosen event is read again
before the summary and once more on confirming, so an event that ended or was cancelled by
another admin meanwhile is refused instead of cancelled twice.
"""

from __future__ import annotations

from typing import Any

from conversations.events import MAX_LISTED, CancelEvent, EventView, may_cancel
from conversations.events.fields import CLOSE, EventList, chosen_event, listing, optional_note
from conversations.fields import FieldContext
from conversations.flow import Answers, Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.policy import Action, scopes
from conversations.replies import Text

EVENT = "event"
REASON = "reason"
# One or two sentences: the reason is repeated in every participant's notice.
MAX_REASON = 300


async def _listing(ctx: FlowContext) -> dict[str, Any]:
    found = await ctx.records.events.cancellable_events(
        member_id=ctx.member.id,
        admin_paths=[place.path for place in scopes(ctx.member.roles, Action.MANAGE_EVENTS)],
        now=ctx.now,
        limit=MAX_LISTED,
    )
    return listing([event for event in found if may_cancel(ctx.member.roles, event, ctx.now)])


async def _still_cancellable(answers: dict[str, Any], ctx: FlowContext) -> EventView | None:
    picked = chosen_event(answers.get(EVENT))
    if picked is None:
        return None
    event = await ctx.records.events.event(picked["id"], member_id=ctx.member.id)
    if event is None or not may_cancel(ctx.member.roles, event, ctx.now):
        return None
    return event


async def begin(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    found = await _listing(ctx)
    if not found["events"]:
        return Redirect(replies=[Text(ctx.t(N_("events.cancel.none")))], stop=True)
    return Redirect(answers={EVENT: found}, step=EVENT)


async def event_picked(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    if answers[EVENT].get("action") == CLOSE.id:
        return Redirect(stop=True)
    event = await _still_cancellable(answers, ctx)
    if event is None:
        # Over or cancelled since the list was read: show the list as it is now.
        fresh = await _listing(ctx)
        if not fresh["events"]:
            return Redirect(replies=[Text(ctx.t(N_("events.gone")))], stop=True)
        return Redirect(
            replies=[Text(ctx.t(N_("events.gone")))], answers={EVENT: fresh}, step=EVENT
        )
    shown = ctx.t(
        N_("events.cancel.chosen"),
        title=event.title,
        when=event.when,
        area=event.area.full_name,
        count=event.participants,
    )
    return Redirect(replies=[Text(shown)])


async def cancel(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    event = await _still_cancellable(answers, ctx)
    if event is None:
        return Completion(replies=[Text(ctx.t(N_("events.gone")))])
    reason = " ".join(str(answers.get(REASON) or "").split())
    done = ctx.t(
        N_("events.cancel.done"), title=event.title, when=event.when, count=event.participants
    )
    return Completion(replies=[Text(done)], effects=[CancelEvent(event.id, reason)])


def heading(answers: Answers, ctx: FieldContext) -> str:
    """The summary's "Cancel" button drops this conversation, not the event: say which is which."""
    return ctx.t(
        N_("events.cancel.heading"),
        confirm=ctx.t(N_("summary.confirm")),
        cancel=ctx.t(N_("summary.cancel")),
    )


def cancel_event_flow() -> Flow:
    return Flow(
        "event_cancel",
        title=N_("events.menu.cancel"),
        steps=[
            Step(
                EVENT,
                N_("events.cancel.ask_event"),
                EventList(CLOSE),
                N_("events.title.event"),
                after=event_picked,
            ),
            Step(
                REASON,
                N_("events.cancel.ask_reason"),
                optional_note(max_length=MAX_REASON),
                N_("events.cancel.reason"),
            ),
        ],
        complete=cancel,
        commands=("huysukien", "cancelevent"),
        action=Action.MANAGE_EVENTS,
        begin=begin,
        heading=heading,
    )
