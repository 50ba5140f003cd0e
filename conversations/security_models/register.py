"""Admins and leaders register a self-managed model of their place."""

from __future__ import annotations

from typing import Any

from conversations.fields import (
    FreeText,
)
from conversations.flow import Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.parsing import fold
from conversations.policy import Action, may
from conversations.replies import Text
from conversations.security_models import (
    MODEL_KINDS,
    RegisterModel,
)
from conversations.security_models.fields import (
    MAX_NAME,
    MAX_SHOWN,
    MIN_NAME,
    LeadName,
    ModelArea,
)


async def register_model(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    area = answers["area"]
    if not may(ctx.member.roles, Action.MANAGE_MODELS, area["path"]):
        return Completion(replies=[Text(ctx.t(N_("policy.denied")))])
    name = " ".join(answers["name"].split())
    for model in await ctx.records.security_models.models_within(
        area["path"], query=name, limit=MAX_SHOWN
    ):
        if model.place.id == area["id"] and fold(model.name) == fold(name):
            duplicate = ctx.t(N_("models.register.duplicate"), name=model.name, place=area["name"])
            return Completion(replies=[Text(duplicate)])
    registered = ctx.t(
        N_("models.register.done"),
        name=name,
        kind=MODEL_KINDS.display(answers["kind"], ctx.fields),
        place=area["name"],
    )
    effect = RegisterModel(name, answers["kind"], area["id"], answers.get("lead") or None)
    return Completion(replies=[Text(registered)], effects=[effect])


def model_register_flow() -> Flow:
    return Flow(
        "model_register",
        title=N_("models.menu.register"),
        commands=("mohinh", "newmodel"),
        action=Action.MANAGE_MODELS,
        complete=register_model,
        steps=[
            Step(
                "name",
                N_("models.ask.name"),
                FreeText(min_length=MIN_NAME, max_length=MAX_NAME),
                title=N_("models.title.name"),
            ),
            Step("kind", N_("models.ask.kind"), MODEL_KINDS, title=N_("models.title.kind")),
            Step(
                "area",
                N_("models.ask.area"),
                ModelArea(),
                title=N_("models.title.area"),
                help=N_("models.help.area"),
            ),
            Step("lead", N_("models.ask.lead"), LeadName(), title=N_("models.title.lead")),
        ],
    )
