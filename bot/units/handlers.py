"""The bot's side of the units' conversations: a unit added by an admin, registered and its
reach reported by its head. Each handler asks the policy again in this very transaction."""

from __future__ import annotations

from bot.effect_context import EffectContext, EffectHandler
from bot.standard import store_registration
from bot.units.service import UnitFigures, add_units, file_reach
from conversations.effects import Effect
from conversations.places import Place
from conversations.policy import Action
from conversations.units import AddUnit, RegisterUnit, ReportReach
from storage.audit import AREA_ADDED

UNIT_REGISTERED = "unit.registered"
UNIT_REACH = "unit.reach"


async def add_unit(ctx: EffectContext, effect: AddUnit) -> None:
    refused = "adding a unit outside the member's places"
    parent = await ctx.place_where(Action.MANAGE_AREAS, refused, area_id=effect.parent_id)
    figures = UnitFigures(
        parent.code, effect.name, effect.kind, effect.level, effect.staff, effect.students
    )
    await add_units(ctx.session, [figures], now=ctx.now)
    await ctx.audit(AREA_ADDED, area_id=parent.id, subject_kind="unit")


async def register_unit(ctx: EffectContext, effect: RegisterUnit) -> None:
    unit = await store_registration(
        ctx,
        Action.UNIT_YEAR,
        "registering a unit the member does not head",
        effect.area_id,
        effect.year,
        people_signed=effect.people,
        registered_on=effect.registered_on,
        late=effect.late,
    )
    await _audited(ctx, UNIT_REGISTERED, unit)


async def report_reach(ctx: EffectContext, effect: ReportReach) -> None:
    refused = "reporting for a unit the member does not head"
    unit = await ctx.place_where(Action.UNIT_YEAR, refused, area_id=effect.area_id)
    await file_reach(
        ctx.session,
        unit.id,
        effect.year,
        effect.report,
        reached=effect.reached,
        total=effect.total,
        document=effect.document,
        late=effect.late,
        member_id=ctx.member.id,
        now=ctx.now,
    )
    await _audited(ctx, UNIT_REACH, unit)


async def _audited(ctx: EffectContext, action: str, unit: Place) -> None:
    await ctx.audit(action, subject_kind="unit", subject_id=unit.id, area_id=unit.id)


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {
    AddUnit: add_unit,
    RegisterUnit: register_unit,
    ReportReach: report_reach,
}
