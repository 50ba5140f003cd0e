"""The models of one's places with their last activity; quiet ones are flagged."""

from __future__ import annotations

from typing import Any

from conversations.flow import Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.localtime import shown_date
from conversations.policy import Action
from conversations.replies import Text
from conversations.security_models import (
    MODEL_KINDS,
    ModelView,
)
from conversations.security_models.fields import (
    MAX_LISTED,
    QUIET_AFTER,
    NameFilter,
    models_in_scope,
)


def _listing(model: ModelView, number: int, ctx: FlowContext) -> str:
    kind = MODEL_KINDS.display(model.kind, ctx.fields)
    if model.last_activity is None:
        activity = ctx.t(N_("models.list.no_activity"))
    else:
        activity = ctx.t(
            N_("models.list.last_activity"),
            date=shown_date(model.last_activity),
            count=model.activities,
        )
    line = f"{number}. {model.name} — {kind} — {model.place.full_name}\n   {activity}"
    if model.last_activity is None or ctx.today - model.last_activity > QUIET_AFTER:
        line += " " + ctx.t(N_("models.list.quiet"))
    return line


async def list_models(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    query = answers.get("filter") or None
    found = await models_in_scope(
        ctx.records, ctx.member.roles, Action.SEE_MODELS, query, MAX_LISTED + 1
    )
    if not found:
        return Completion(replies=[Text(ctx.t(N_("models.list.empty")))])
    lines = [ctx.t(N_("models.list.title"), count=min(len(found), MAX_LISTED))]
    lines += [_listing(model, n, ctx) for n, model in enumerate(found[:MAX_LISTED], start=1)]
    if len(found) > MAX_LISTED:
        lines.append(ctx.t(N_("models.list.more"), count=MAX_LISTED))
    return Completion(replies=[Text("\n".join(lines))])


def model_list_flow() -> Flow:
    return Flow(
        "model_list",
        title=N_("models.menu.list"),
        commands=("dsmohinh", "models"),
        action=Action.SEE_MODELS,
        complete=list_models,
        confirm=False,
        steps=[
            Step("filter", N_("models.ask.filter"), NameFilter(), title=N_("models.title.name"))
        ],
    )
