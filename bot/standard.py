"""Storing a registration for the "An toàn về ANTT" standard made in a conversation: what the
areas' and the units' effect handlers share. The policy is asked again in this very
transaction; a residential area counts households, a unit the staff and students who signed."""

from __future__ import annotations

from datetime import date

from bot.effect_context import EffectContext
from conversations.places import Place
from conversations.policy import Action
from storage.movement_year import set_registration


async def store_registration(
    ctx: EffectContext,
    action: Action,
    refused: str,
    area_id: int,
    year: int,
    *,
    registered_on: date,
    late: bool,
    households: int | None = None,
    people_signed: int | None = None,
) -> Place:
    """Store (or correct) the registration of the place the member may ``action``; the place."""
    place = await ctx.place_where(action, refused, area_id=area_id)
    await set_registration(
        ctx.session,
        place.id,
        year,
        households=households,
        people_signed=people_signed,
        registered_on=registered_on,
        late=late,
        member_id=ctx.member.id,
        now=ctx.now,
    )
    return place
