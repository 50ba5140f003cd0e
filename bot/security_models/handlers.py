"""The bot's side of self-managed security models and their activity logs.

Reads for the engine (a reader the processor's records hold) and the effects' handlers. Each
handler asks the policy again, against the roles loaded in this very transaction, so a stale
conversation never writes what the member may no longer do."""

from __future__ import annotations

from bot.effect_context import EffectContext, EffectHandler
from bot.places import clean_name
from bot.security_models.reads import model_view
from conversations.effects import Effect
from conversations.policy import Action, PolicyViolation, may
from conversations.security_models import (
    EndModel,
    LogModelActivity,
    RegisterModel,
    may_log_activity,
)
from storage.areas import area_by_id
from storage.security_models import (
    NewModelActivity,
    NewSecurityModel,
    end_security_model,
    insert_model_activity,
    insert_security_model,
    security_model_by_id,
)


async def register_model(ctx: EffectContext, effect: RegisterModel) -> None:
    area = await area_by_id(ctx.session, effect.area_id)
    if area is None or not may(ctx.member.roles, Action.MANAGE_MODELS, area.path):
        raise PolicyViolation("registering a model outside the member's places")
    await insert_security_model(
        ctx.session,
        NewSecurityModel(
            name=clean_name(effect.name),
            kind=effect.kind,
            area_id=area.id,
            lead_member_id=None,
            lead_name=clean_name(effect.lead_name) if effect.lead_name else None,
            created_by=ctx.member.id,
        ),
        now=ctx.now,
    )


async def log_model_activity(ctx: EffectContext, effect: LogModelActivity) -> None:
    record = await security_model_by_id(ctx.session, effect.model_id)
    if record is None or not may_log_activity(ctx.member.id, ctx.member.roles, model_view(record)):
        raise PolicyViolation("logging an activity of a model the member does not run")
    await insert_model_activity(
        ctx.session,
        NewModelActivity(
            model_id=record.id,
            activity_date=effect.activity_date,
            kind=effect.kind,
            participants=effect.participants,
            outcome=effect.outcome,
            photos=[dict(photo) for photo in effect.photos],
            logged_by=ctx.member.id,
        ),
        now=ctx.now,
    )


async def end_model(ctx: EffectContext, effect: EndModel) -> None:
    record = await security_model_by_id(ctx.session, effect.model_id)
    if record is None or record.ended_at is not None:
        return  # ended meanwhile (a second tap): nothing to do
    if not may(ctx.member.roles, Action.END_MODELS, record.area_path):
        raise PolicyViolation("ending a model outside the member's places")
    await end_security_model(ctx.session, record.id, now=ctx.now)


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {
    RegisterModel: register_model,
    LogModelActivity: log_model_activity,
    EndModel: end_model,
}
