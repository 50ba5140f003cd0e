"""/themdonvi: an admin adds an agency, business or school below a commune of theirs (or
below their province, for a provincial body), with its staff and, for a school, its level
and students. Renaming goes through /doiten, as for areas; its head is invited with /moi."""

from __future__ import annotations

from typing import Any

from conversations.choosing import ScopedPlace
from conversations.fields import Choice, ChoiceOption, FreeText, Number
from conversations.flow import Answers, Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.places import COMMUNE, PROVINCE, SCHOOL, UNIT_KINDS
from conversations.policy import Action
from conversations.replies import Text
from conversations.units import MAX_PEOPLE, SCHOOL_LEVELS, AddUnit

KINDS = Choice(*(ChoiceOption(kind.id, kind.label, kind.words) for kind in UNIT_KINDS))
PARENT = ScopedPlace(Action.MANAGE_AREAS, frozenset({COMMUNE, PROVINCE}))
UNIT_NAME = FreeText(min_length=2, max_length=128)


def is_school(answers: Answers) -> bool:
    return answers.get("kind") == SCHOOL


async def add_unit(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    parent = await PARENT.picked(ctx, answers["parent"])
    name = " ".join(answers["name"].split())
    school = answers["kind"] == SCHOOL
    effect = AddUnit(
        parent.id,
        name,
        answers["kind"],
        answers.get("level") if school else None,
        answers["staff"],
        answers.get("students") if school else None,
    )
    added = ctx.t(N_("unit.added"), name=name, parent=parent.full_name)
    return Completion(replies=[Text(added)], effects=[effect])


def add_unit_flow() -> Flow:
    return Flow(
        "unit_add",
        title=N_("menu.unit_add"),
        steps=[
            Step("parent", N_("unit.ask_parent"), PARENT, title=N_("unit.parent")),
            Step("kind", N_("unit.ask_kind"), KINDS, title=N_("unit.kind")),
            Step(
                "level",
                N_("unit.ask_level"),
                SCHOOL_LEVELS,
                title=N_("unit.level"),
                applies=is_school,
                counted_ahead=True,
            ),
            Step("name", N_("unit.ask_name"), UNIT_NAME, title=N_("unit.name")),
            Step(
                "staff",
                N_("unit.ask_staff"),
                Number(maximum=MAX_PEOPLE, may_be_unknown=True),
                title=N_("unit.staff"),
            ),
            Step(
                "students",
                N_("unit.ask_students"),
                Number(maximum=MAX_PEOPLE, may_be_unknown=True),
                title=N_("unit.students"),
                applies=is_school,
                counted_ahead=True,
            ),
        ],
        complete=add_unit,
        commands=("themdonvi", "addunit"),
        action=Action.MANAGE_AREAS,
    )
