"""The bot's side of self-managed security models and their activity logs.

Reads for the engine (a reader the processor's records hold) and the effects' handlers. Each
handler asks the policy again, against the roles loaded in this very transaction, so a stale
conversation never writes what the member may no longer do."""

from __future__ import annotations

from bot.effect_context import EffectContext, EffectHandler
from bot.places import clean_name
from bot.rows import from_row
from bot.security_models.reads import model_view
from conversations.effects import Effect
from conversations.policy import Action, PolicyViolation, may
from conversations.security_models import (
    EndModel,
    LogModelActivity,
    RegisterModel,
    may_log_activity,
)
from storage.security_models import (
    NewModelActivity,
    NewSecurityModel,
    end_security_model,
    insert_model_activity,
    insert_security_model,
    security_model_by_id,
)


async def register_model(ctx: EffectContext, effect: RegisterModel) -> None:
    refused = "registering a model outside the member's places"
    area = await ctx.place_where(Action.MANAGE_MODELS, refused, area_id=effect.area_id)
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
    photos = [dict(photo) for photo in effect.photos]
    activity = from_row(NewModelActivity, effect, photos=photos, logged_by=ctx.member.id)
    await insert_model_activity(ctx.session, activity, now=ctx.now)


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
