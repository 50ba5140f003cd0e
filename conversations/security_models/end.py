"""Admins end a model that exists only on paper."""

from __future__ import annotations

from typing import Any

from conversations.flow import Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.policy import Action, may
from conversations.replies import Text
from conversations.security_models import (
    EndModel,
)
from conversations.security_models.fields import (
    ModelPick,
)


async def end_model(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    model = await ctx.records.security_models.model_by_id(answers["model"]["id"])
    if model is None or not model.active:
        return Completion(replies=[Text(ctx.t(N_("models.end.already")))])
    if not may(ctx.member.roles, Action.END_MODELS, model.place.path):
        return Completion(replies=[Text(ctx.t(N_("policy.denied")))])
    ended = ctx.t(N_("models.end.done"), name=model.name, place=model.place.full_name)
    return Completion(replies=[Text(ended)], effects=[EndModel(model.id)])


def model_end_flow() -> Flow:
    return Flow(
        "model_end",
        title=N_("models.menu.end"),
        commands=("ketthucmohinh", "endmodel"),
        action=Action.END_MODELS,
        complete=end_model,
        steps=[
            Step(
                "model",
                N_("models.ask.model_to_end"),
                ModelPick(Action.END_MODELS),
                title=N_("models.title.model"),
            )
        ],
    )
