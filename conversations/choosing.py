"""Finding the place an admin means, by code or by name, inside the places they run."""

from __future__ import annotations

from conversations.flow import FlowContext
from conversations.i18n import N_
from conversations.places import Place
from conversations.policy import Action, may, scopes

MAX_SHOWN = 8


async def pick_place(
    ctx: FlowContext, text: str, action: Action, kinds: frozenset[str]
) -> Place | str:
    """The one place ``text`` names (a code, or part of a name, accents optional) among the
    places of ``kinds`` where the member may do ``action``; otherwise the explanation."""
    by_code = await ctx.records.places.place_by_code(text)
    if by_code is not None and by_code.kind in kinds:
        if may(ctx.member.roles, action, by_code.path):
            return by_code
        return ctx.t(N_("place.outside"), place=by_code.full_name)
    found: dict[int, Place] = {}
    for scope in scopes(ctx.member.roles, action):
        for place in await ctx.records.places.find_places(
            text, within=scope.path, kinds=kinds, limit=MAX_SHOWN + 1
        ):
            found.setdefault(place.id, place)
    if not found:
        return ctx.t(N_("place.not_found"), query=text)
    if len(found) == 1:
        (place,) = found.values()
        return place
    lines = [f"{place.code} — {place.full_name}" for place in list(found.values())[:MAX_SHOWN]]
    return ctx.t(N_("place.ambiguous"), places="\n".join(lines))
