"""Residents see the upcoming events of where they live, register and cancel.

Where a member lives is asked once and remembered; a member with roles sees the events of
their first role's place until they say otherwise. The list is read when the flow starts and
kept in the answers, so a wrong answer or a restart shows the same list again.
"""

from __future__ import annotations

from typing import Any

from conversations.effects import Effect
from conversations.events import MAX_LISTED, CancelRegistration, RegisterForEvent, SetHomeArea
from conversations.events.fields import (
    CHANGE_PLACE,
    CLOSE,
    EventList,
    HomePlace,
    chosen_event,
    listing,
)
from conversations.fields import Choice, ChoiceOption
from conversations.flow import FINISHED, Answers, Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.policy import Action
from conversations.replies import Text

HOME = "home"
EVENT = "event"
OTHER = ChoiceOption("other", N_("events.option.other"), ("khac", "su kien khac", "other"))
REGISTER = Choice(
    ChoiceOption("yes", N_("events.option.register"), ("dang ky", "co", "c", "yes", "register")),
    OTHER,
)
UNREGISTER = Choice(
    ChoiceOption("yes", N_("events.option.unregister"), ("huy dang ky", "co", "c", "yes")),
    OTHER,
)


def picked_unregistered(answers: Answers) -> bool:
    event = chosen_event(answers.get(EVENT))
    return event is not None and not event["registered"]


def picked_registered(answers: Answers) -> bool:
    event = chosen_event(answers.get(EVENT))
    return event is not None and bool(event["registered"])


async def _listing_for(home: dict[str, Any], ctx: FlowContext) -> dict[str, Any]:
    events = await ctx.records.events.upcoming_events(
        home["path"], member_id=ctx.member.id, now=ctx.now, limit=MAX_LISTED
    )
    return listing(events, home["name"])


async def begin(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    """Straight to the list when the member's place is known; otherwise ask where they live."""
    place = await ctx.records.events.home_area(ctx.member.id)
    if place is None and ctx.member.roles:
        place = ctx.member.roles[0].place
    if place is None:
        return None
    home = {"area_id": place.id, "name": place.full_name, "path": place.path, "known": True}
    return Redirect(answers={HOME: home, EVENT: await _listing_for(home, ctx)}, step=EVENT)


async def home_given(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    return Redirect(answers={EVENT: await _listing_for(answers[HOME], ctx)}, step=EVENT)


async def event_picked(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    value = answers[EVENT]
    action = value.get("action")
    if action == CHANGE_PLACE.id:
        return Redirect(step=HOME)
    if action == CLOSE.id:
        return Redirect(step=FINISHED)
    event = await ctx.records.events.event(value["chosen"], member_id=ctx.member.id)
    if event is None or not event.is_open(ctx.now):
        gone = Text(ctx.t(N_("events.gone")))
        return Redirect(
            replies=[gone], answers={EVENT: await _listing_for(answers[HOME], ctx)}, step=EVENT
        )
    status = N_("events.status.registered") if event.registered else N_("events.status.open")
    details = ctx.t(
        N_("events.details"),
        title=event.title,
        when=event.when,
        place=event.place_text,
        area=event.area.full_name,
        description=event.description,
        count=event.participants,
        status=ctx.t(status),
    )
    # A forum "Công an lắng nghe ý kiến Nhân dân" lists the opinions it will answer.
    details = "\n".join([details, *await forum_lines(event.id, ctx)])
    lines = [
        dict(line, registered=event.registered) if line["id"] == event.id else line
        for line in value["events"]
    ]
    fresh = {**value, "events": lines, "chosen": event.id}
    step = "unregister" if event.registered else "register"
    return Redirect(replies=[Text(details)], answers={EVENT: fresh}, step=step)


async def decided(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    if answers.get("register") == OTHER.id or answers.get("unregister") == OTHER.id:
        value = {key: item for key, item in answers[EVENT].items() if key != "chosen"}
        return Redirect(answers={EVENT: value, "register": None, "unregister": None}, step=EVENT)
    return None


async def finish(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    effects: list[Effect] = []
    home = answers.get(HOME) or {}
    if home.get("area_id") and not home.get("known"):
        effects.append(SetHomeArea(home["area_id"]))
    picked = chosen_event(answers.get(EVENT))
    wants = answers.get("unregister" if picked_registered(answers) else "register")
    if picked is None or wants != "yes":
        return Completion(effects=effects)
    event = await ctx.records.events.event(picked["id"], member_id=ctx.member.id)
    if event is None or not event.is_open(ctx.now):
        return Completion(replies=[Text(ctx.t(N_("events.gone")))], effects=effects)
    shown = {"title": event.title, "when": event.when, "place": event.place_text}
    if picked_registered(answers):
        effects.append(CancelRegistration(event.id))
        return Completion([Text(ctx.t(N_("events.unregistered"), **shown))], effects)
    effects.append(RegisterForEvent(event.id))
    return Completion([Text(ctx.t(N_("events.registered"), **shown))], effects)


async def forum_lines(event_id: int, ctx: FlowContext) -> list[str]:
    """The opinions a forum will answer, when it lists any: their subject, and their place
    and words where these carry no personal data (the reads leave those out)."""
    listed = await ctx.records.opinions.forum_opinions(event_id)
    if not listed:
        return []
    lines = [ctx.t(N_("opinions.forum.summary_title"), count=len(listed))]
    for number, item in enumerate(listed, 1):
        parts = [ctx.t(item.category), item.place, f"«{item.words}»" if item.words else None]
        lines.append(f"{number}. " + " · ".join(part for part in parts if part))
    return lines


def events_flow() -> Flow:
    return Flow(
        "events",
        title=N_("events.menu.list"),
        steps=[
            Step(
                HOME, N_("events.ask.home"), HomePlace(), N_("events.title.home"), after=home_given
            ),
            Step(
                EVENT,
                N_("events.ask.event"),
                EventList(CHANGE_PLACE, CLOSE),
                N_("events.title.event"),
                after=event_picked,
            ),
            Step(
                "register",
                N_("events.ask.register"),
                REGISTER,
                N_("events.title.register"),
                applies=picked_unregistered,
                after=decided,
            ),
            Step(
                "unregister",
                N_("events.ask.unregister"),
                UNREGISTER,
                N_("events.title.unregister"),
                applies=picked_registered,
                after=decided,
            ),
        ],
        complete=finish,
        confirm=False,
        commands=("sukien", "events"),
        action=Action.SEE_EVENTS,
        begin=begin,
        # Where the member lives and what they register for are kept: the notice comes first.
        needs_consent=True,
    )
