"""/diemhinh: a commune, or an agency, business or school of a commune, proposed as exemplary
of the movement for the year ("điển hình"), and recognised by the level above the commune (a
province's admin). A unit counts for its commune against the plan's targets; a provincial body
(a unit right below the province) lies in no commune and is not counted."""

from __future__ import annotations

from typing import Any

from conversations.choosing import ScopedPlace
from conversations.commendations import (
    EXEMPLARY_LABELS,
    MAX_LISTED,
    ExemplaryKind,
    ProposeExemplary,
    RecogniseExemplary,
)
from conversations.commendations.fields import ACTION, admin_places
from conversations.fields import Choice, ChoiceOption
from conversations.flow import Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.places import COMMUNE, UNITS, Place, commune_path, is_inside
from conversations.policy import Grant, Role
from conversations.replies import Text
from conversations.targets import YearCalendar

PROPOSE, RECOGNISE = "propose", "recognise"
DECISIONS = Choice(
    ChoiceOption(PROPOSE, N_("exemplary.propose"), ("de nghi", "propose")),
    ChoiceOption(RECOGNISE, N_("exemplary.recognise"), ("cong nhan", "recognise")),
)
EXEMPLARY_PICKED = ScopedPlace(ACTION, frozenset({COMMUNE}) | UNITS)


def above(grants: tuple[Grant, ...], path: str) -> bool:
    """An admin of a place above ``path`` (a commune's province)."""
    return any(
        grant.role is Role.ADMIN and grant.place.path != path and is_inside(path, grant.place.path)
        for grant in grants
    )


def judged_path(place: Place) -> str:
    """The path the level above is reckoned from: the commune's, for a unit of a commune."""
    return (commune_path(place.path) or place.path) if place.kind in UNITS else place.path


def provincial_body(place: Place) -> bool:
    """A unit right below the province ("/40/CODE/"): it lies in no commune."""
    return place.kind in UNITS and len([code for code in place.path.split("/") if code]) < 3


def exemplary_flow(calendar: YearCalendar | None = None) -> Flow:
    calendar = calendar or YearCalendar()

    async def begin(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
        """To the level that recognises them, the units proposed and waiting, first."""
        year = calendar.assessed_year(ctx.today)
        paths = [place.path for place in admin_places(ctx.fields)]
        found = await ctx.records.commendations.exemplary_waiting(paths, year, limit=MAX_LISTED * 5)
        mine = [unit for unit in found if above(ctx.member.roles, unit.commune_path)]
        if not mine:
            return None
        lines = [
            ctx.t(
                N_("exemplary.waiting.line"),
                unit=unit.name,
                kind=ctx.t(EXEMPLARY_LABELS[ExemplaryKind(unit.kind)]),
                commune=unit.commune_name,
            )
            for unit in mine[:MAX_LISTED]
        ]
        heading = ctx.t(N_("exemplary.waiting"), count=len(mine), year=year)
        more = [ctx.t(N_("exemplary.waiting.more"), count=len(mine) - MAX_LISTED)]
        text = "\n".join([heading, *lines, *(more if len(mine) > MAX_LISTED else [])])
        return Redirect(replies=[Text(text)])

    async def complete(answers: dict[str, Any], ctx: FlowContext) -> Completion:
        unit = await EXEMPLARY_PICKED.picked(ctx, answers["commune"])
        year = calendar.assessed_year(ctx.today)
        kind = ExemplaryKind(unit.kind)
        if provincial_body(unit):
            refused = ctx.t(N_("exemplary.provincial_body"), unit=unit.full_name)
            return Completion(replies=[Text(refused)])
        if answers["decision"] == RECOGNISE:
            if not above(ctx.member.roles, judged_path(unit)):
                refused = ctx.t(N_("exemplary.not_above"), unit=unit.full_name)
                return Completion(replies=[Text(refused)])
            done = ctx.t(N_("exemplary.recognised"), unit=unit.full_name, year=year)
            effect: ProposeExemplary | RecogniseExemplary = RecogniseExemplary(kind, unit.id, year)
        else:
            done = ctx.t(N_("exemplary.proposed"), unit=unit.full_name, year=year)
            effect = ProposeExemplary(kind, unit.id, year)
        return Completion(replies=[Text(done)], effects=[effect])

    return Flow(
        "exemplary",
        title=N_("menu.exemplary"),
        commands=("diemhinh", "exemplary"),
        action=ACTION,
        begin=begin,
        complete=complete,
        steps=[
            Step(
                "commune",
                N_("exemplary.ask_commune"),
                EXEMPLARY_PICKED,
                N_("exemplary.title.commune"),
            ),
            Step(
                "decision", N_("exemplary.ask_decision"), DECISIONS, N_("exemplary.title.decision")
            ),
        ],
    )
