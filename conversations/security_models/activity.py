"""The model's lead or the area's leader logs what the model did (up to 5 photos)."""

from __future__ import annotations

from datetime import date
from typing import Any

from conversations.fields import (
    DateField,
    FreeText,
    Number,
)
from conversations.flow import Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.localtime import shown_date
from conversations.policy import Action
from conversations.replies import Text
from conversations.security_models import (
    ACTIVITY_KINDS,
    MAX_PHOTOS,
    LogModelActivity,
    may_log_activity,
)
from conversations.security_models.fields import (
    MAX_OUTCOME,
    MAX_PARTICIPANTS,
    MIN_OUTCOME,
    ModelPick,
    Photos,
)


async def log_activity(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    model = await ctx.records.security_models.model_by_id(answers["model"]["id"])
    if model is None or not may_log_activity(ctx.member.id, ctx.member.roles, model):
        return Completion(replies=[Text(ctx.t(N_("models.activity.not_allowed")))])
    day = date.fromisoformat(answers["date"])
    logged = ctx.t(
        N_("models.activity.done"),
        kind=ACTIVITY_KINDS.display(answers["kind"], ctx.fields),
        date=shown_date(day),
        name=model.name,
    )
    effect = LogModelActivity(
        model_id=model.id,
        activity_date=day,
        kind=answers["kind"],
        participants=int(answers["participants"]),
        outcome=answers["outcome"],
        photos=tuple(answers.get("photos") or ()),
    )
    return Completion(replies=[Text(logged)], effects=[effect])


def model_activity_flow() -> Flow:
    return Flow(
        "model_activity",
        title=N_("models.menu.activity"),
        commands=("hoatdong", "activity"),
        action=Action.MODEL_ACTIVITY,
        complete=log_activity,
        steps=[
            Step(
                "model",
                N_("models.ask.model"),
                ModelPick(Action.MODEL_ACTIVITY),
                title=N_("models.title.model"),
            ),
            Step(
                "date",
                N_("models.ask.date"),
                DateField(),
                title=N_("models.title.date"),
                help=N_("models.help.date"),
            ),
            Step(
                "kind",
                N_("models.ask.activity_kind"),
                ACTIVITY_KINDS,
                title=N_("models.title.activity_kind"),
            ),
            Step(
                "participants",
                N_("models.ask.participants"),
                Number(minimum=1, maximum=MAX_PARTICIPANTS),
                title=N_("models.title.participants"),
            ),
            Step(
                "outcome",
                N_("models.ask.outcome"),
                FreeText(min_length=MIN_OUTCOME, max_length=MAX_OUTCOME),
                title=N_("models.title.outcome"),
            ),
            Step(
                "photos",
                N_("models.ask.photos"),
                Photos(max_items=MAX_PHOTOS),
                title=N_("models.title.photos"),
            ),
        ],
    )
