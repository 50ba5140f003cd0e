"""Admins add residential areas below their communes and rename them, in chat."""

from __future__ import annotations

from typing import Any

from conversations.choosing import ScopedPlace
from conversations.fields import Choice, ChoiceOption, FreeText, Number
from conversations.flow import Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.people import AddArea, RenameArea
from conversations.places import COMMUNE, MAX_HOUSEHOLDS, RESIDENTIAL, RESIDENTIAL_KINDS, UNITS
from conversations.policy import Action
from conversations.replies import Text

PARENTS = RESIDENTIAL | {COMMUNE}
KINDS = Choice(*(ChoiceOption(kind.id, kind.label, kind.words) for kind in RESIDENTIAL_KINDS))
MAX_NAME = 128
PARENT = ScopedPlace(Action.MANAGE_AREAS, PARENTS)
AREA = ScopedPlace(Action.MANAGE_AREAS, RESIDENTIAL | UNITS)  # units are renamed alike
AREA_NAME = FreeText(min_length=2, max_length=MAX_NAME)


async def add_area(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    parent = await PARENT.picked(ctx, answers["parent"])
    name = " ".join(answers["name"].split())
    added = ctx.t(N_("area.added"), name=name, parent=parent.full_name)
    return Completion(
        replies=[Text(added)],
        effects=[AddArea(parent.id, name, answers["kind"], households=answers["households"])],
    )


async def rename_area(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    place = await AREA.picked(ctx, answers["place"])
    name = " ".join(answers["name"].split())
    renamed = ctx.t(N_("area.renamed"), old=place.name, name=name)
    return Completion(replies=[Text(renamed)], effects=[RenameArea(place.id, name)])


def add_area_flow() -> Flow:
    return Flow(
        "area_add",
        title=N_("menu.area_add"),
        steps=[
            Step("parent", N_("area.ask_parent"), PARENT, title=N_("area.parent")),
            Step("kind", N_("area.ask_kind"), KINDS, title=N_("area.kind")),
            Step("name", N_("area.ask_name"), AREA_NAME, title=N_("area.name")),
            Step(
                "households",
                N_("area.ask_households"),
                Number(maximum=MAX_HOUSEHOLDS, may_be_unknown=True),
                title=N_("area.households"),
            ),
        ],
        complete=add_area,
        commands=("themdiaban", "addarea"),
        action=Action.MANAGE_AREAS,
    )


def rename_area_flow() -> Flow:
    return Flow(
        "area_rename",
        title=N_("menu.area_rename"),
        steps=[
            Step("place", N_("area.ask_place"), AREA, title=N_("area.place")),
            Step("name", N_("area.ask_new_name"), AREA_NAME, title=N_("area.new_name")),
        ],
        complete=rename_area,
        commands=("doiten", "renamearea"),
        action=Action.MANAGE_AREAS,
    )
