"""Erasing a person, from chat or from the command line: the same steps either way.

Anonymous tips carry no member, only a sealed route; the routes that lead to the person are
found by opening every stored route with the key (a few microseconds each) and comparing it
with the person's chats, so an erased tipster's anonymous tips cannot be answered any more
either.
"""

from __future__ import annotations

from datetime import datetime

from cryptography.exceptions import InvalidTag
from sqlalchemy.ext.asyncio import AsyncSession

from bot.sealing import Sealer
from storage.privacy import ErasedMember, SealedRoute, erase_member, member_chats, sealed_routes


async def routes_to_member(
    session: AsyncSession, sealer: Sealer, member_id: int
) -> list[SealedRoute]:
    """The stored sealed routes that open to one of the member's chats."""
    chats = await member_chats(session, member_id)
    if not chats:
        return []
    found = []
    for route in await sealed_routes(session):
        try:
            opened = sealer.open_route(route.sealed)
        except (InvalidTag, ValueError):
            continue  # sealed under another key: it cannot lead anywhere we know
        if opened in chats:
            found.append(route)
    return found


async def erase_person(
    session: AsyncSession,
    sealer: Sealer,
    member_id: int,
    *,
    actor_member_id: int | None,
    now: datetime,
) -> ErasedMember | None:
    """Erase the member and every link to them; None when there is no such member."""
    routes = await routes_to_member(session, sealer, member_id)
    return await erase_member(
        session, member_id, routes_to_them=routes, actor_member_id=actor_member_id, now=now
    )
