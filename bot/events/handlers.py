"""The bot's side of events and their participants.

Reads for the engine (a reader the processor's records hold) and the effects' handlers. The
handlers ask the policy again against the roles loaded in this very transaction, so a stale
conversation never writes what the member may no longer do."""

from __future__ import annotations

from bot.delivery.queueing import MemberMessage, queue_for_member
from bot.effect_context import EffectContext, EffectHandler
from bot.events.reads import view_of
from bot.events.rules import reminder_prefix
from bot.rows import from_row
from conversations.effects import Effect
from conversations.events import (
    CancelEvent,
    CancelRegistration,
    CreateEvent,
    EventView,
    RegisterForEvent,
    ReportTurnout,
    SetHomeArea,
    may_cancel,
    may_report_turnout,
)
from conversations.i18n import N_
from conversations.localtime import shown
from conversations.policy import Action, PolicyViolation, may
from storage.areas import area_by_id
from storage.delivery.outbox import NOTICE
from storage.events import (
    NewEvent,
    cancel_event,
    cancel_registration,
    event_by_id,
    insert_event,
    register,
    registered_member_ids,
    set_home_area,
    set_turnout,
    withdraw_queued_messages,
)


async def _event(ctx: EffectContext, event_id: int) -> EventView:
    record = await event_by_id(ctx.session, event_id, member_id=ctx.member.id)
    if record is None:
        raise PolicyViolation("no such event")
    return view_of(record)


async def create_event(ctx: EffectContext, effect: CreateEvent) -> None:
    refused = "creating an event outside the member's places"
    await ctx.place_where(Action.MANAGE_EVENTS, refused, area_id=effect.area_id)
    if effect.ends_at <= effect.starts_at:
        raise PolicyViolation("an event that ends before it starts")
    event = from_row(NewEvent, effect, created_by=ctx.member.id)
    await insert_event(ctx.session, event, now=ctx.now)


async def register_for_event(ctx: EffectContext, effect: RegisterForEvent) -> None:
    event = await _event(ctx, effect.event_id)
    if not may(ctx.member.roles, Action.SEE_EVENTS) or not event.is_open(ctx.now):
        raise PolicyViolation("registering for a closed event")
    await register(ctx.session, event.id, ctx.member.id, now=ctx.now)


async def cancel_event_registration(ctx: EffectContext, effect: CancelRegistration) -> None:
    await cancel_registration(ctx.session, effect.event_id, ctx.member.id, now=ctx.now)


def cancelled_key(event_id: int, member_id: int) -> str:
    return f"event:{event_id}:cancelled:member:{member_id}"


async def cancel_event_for_everybody(ctx: EffectContext, effect: CancelEvent) -> None:
    event = await _event(ctx, effect.event_id)
    if not may_cancel(ctx.member.roles, event, ctx.now):
        raise PolicyViolation("cancelling an event outside the member's places, or over")
    if not await cancel_event(ctx.session, event.id, now=ctx.now):
        return  # cancelled a moment ago by another admin: its participants were told then
    # A reminder queued for tomorrow's event must not go out after all.
    await withdraw_queued_messages(ctx.session, reminder_prefix(event.id), now=ctx.now)
    reason = " ".join(effect.reason.split())
    params = {
        "title": event.title,
        "starts": shown(event.starts_at),
    }
    key = N_("events.cancelled.notice")
    if reason:
        key, params["reason"] = N_("events.cancelled.notice_reason"), reason
    for member_id in await registered_member_ids(ctx.session, event.id):
        if member_id == ctx.member.id:
            continue  # the admin sees the confirmation in their own chat
        await queue_for_member(
            ctx.session,
            MemberMessage(
                member_id=member_id,
                kind=NOTICE,
                dedup_key=cancelled_key(event.id, member_id),
                message_key=key,
                params=params,
            ),
            now=ctx.now,
        )


async def report_turnout(ctx: EffectContext, effect: ReportTurnout) -> None:
    event = await _event(ctx, effect.event_id)
    if not may_report_turnout(ctx.member.id, ctx.member.roles, event):
        raise PolicyViolation("reporting the turnout of somebody else's event")
    if event.cancelled or event.starts_at > ctx.now or effect.turnout < 0:
        raise PolicyViolation("a turnout for an event that has not taken place")
    await set_turnout(
        ctx.session,
        event.id,
        turnout=effect.turnout,
        note=effect.note,
        by=ctx.member.id,
        now=ctx.now,
    )


async def remember_home_area(ctx: EffectContext, effect: SetHomeArea) -> None:
    if await area_by_id(ctx.session, effect.area_id) is None:
        raise PolicyViolation("no such place")
    await set_home_area(ctx.session, ctx.member.id, effect.area_id)


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {
    CreateEvent: create_event,
    RegisterForEvent: register_for_event,
    CancelRegistration: cancel_event_registration,
    ReportTurnout: report_turnout,
    CancelEvent: cancel_event_for_everybody,
    SetHomeArea: remember_home_area,
}
