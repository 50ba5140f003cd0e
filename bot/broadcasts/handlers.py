"""The bot's side of admin broadcasts (campaign messages).

Reads for the engine (a reader the processor's records hold) and the effects' handlers. The
handlers ask the policy again against the roles loaded in this transaction: a broadcast is
stored only inside the admin's place, and only its admin's peers may cancel it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.effect_context import EffectContext, EffectHandler
from conversations.broadcasts import (
    CANCELLABLE,
    CANCELLED,
    SCHEDULED,
    CancelBroadcast,
    CreateBroadcast,
)
from conversations.effects import Effect
from conversations.places import is_inside
from conversations.policy import Action, PolicyViolation, may
from storage.areas import area_by_id
from storage.audit import record_audit
from storage.broadcasts import (
    NewBroadcast,
    audience_size,
    broadcast_by_id,
    insert_broadcast,
    set_broadcast_status,
)
from storage.delivery.outbox import cancel_broadcast_copies

BROADCAST_CREATED = "broadcast.created"
BROADCAST_CANCELLED = "broadcast.cancelled"


async def create_broadcast(
    session: AsyncSession, member_id: int | None, effect: CreateBroadcast, now: datetime
) -> int:
    """Store a scheduled broadcast (the scheduler fans it out when it is due); its id.

    The caller has checked that the creator may broadcast in ``effect.area_id``; the audience's
    places are checked here to lie inside it.
    """
    place = await area_by_id(session, effect.area_id)
    if place is None:
        raise PolicyViolation("a broadcast from an unknown place")
    for area_id in effect.audience.area_ids:
        area = await area_by_id(session, area_id)
        if area is None or not is_inside(area.path, place.path):
            raise PolicyViolation("a broadcast audience outside the sender's place")
    photo = None
    if effect.photo_channel and effect.photo_file_id:
        photo = {"channel": effect.photo_channel, "file_id": effect.photo_file_id}
    broadcast_id = await insert_broadcast(
        session,
        NewBroadcast(
            created_by=member_id,
            area_id=effect.area_id,
            audience=effect.audience.as_json(),
            text_vi=effect.text_vi,
            text_en=effect.text_en,
            photo=photo,
            status=SCHEDULED,
            send_at=max(effect.send_at, now),
            recipients=await audience_size(session, effect.audience.as_json()),
            created_at=now,
        ),
    )
    await record_audit(
        session,
        BROADCAST_CREATED,
        actor_member_id=member_id,
        subject_kind="broadcast",
        subject_id=broadcast_id,
        area_id=effect.area_id,
        at=now,
    )
    return broadcast_id


async def cancel_broadcast(
    session: AsyncSession, broadcast_id: int, *, actor_member_id: int | None, now: datetime
) -> bool:
    """Cancel a scheduled or running broadcast; False when it had already ended."""
    if not await set_broadcast_status(
        session, broadcast_id, CANCELLED, expected=sorted(CANCELLABLE), cancelled_at=now
    ):
        return False
    await cancel_broadcast_copies(session, broadcast_id, now=now)
    await record_audit(
        session,
        BROADCAST_CANCELLED,
        actor_member_id=actor_member_id,
        subject_kind="broadcast",
        subject_id=broadcast_id,
        at=now,
    )
    return True


async def _create(ctx: EffectContext, effect: CreateBroadcast) -> None:
    refused = "a broadcast outside the member's places"
    await ctx.place_where(Action.BROADCAST, refused, area_id=effect.area_id)
    await create_broadcast(ctx.session, ctx.member.id, effect, ctx.now)


async def _cancel(ctx: EffectContext, effect: CancelBroadcast) -> None:
    record = await broadcast_by_id(ctx.session, effect.broadcast_id)
    if record is None or not may(ctx.member.roles, Action.BROADCAST, record.area_path):
        raise PolicyViolation("cancelling a broadcast outside the member's places")
    await cancel_broadcast(ctx.session, record.id, actor_member_id=ctx.member.id, now=ctx.now)


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {
    CreateBroadcast: _create,
    CancelBroadcast: _cancel,
}
