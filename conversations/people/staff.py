"""Admins see who holds a role in a place of theirs, and revoke a role by its number."""

from __future__ import annotations

from typing import Any

from conversations.choosing import ScopedPlace
from conversations.fields import Number
from conversations.flow import Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.people import GiveUpRole, HeldRole
from conversations.places import COMMUNE, PROVINCE, RESIDENTIAL
from conversations.policy import ROLE_LABELS, Action, may_revoke, scopes
from conversations.replies import Text

ANY_PLACE = RESIDENTIAL | {COMMUNE, PROVINCE}
STAFF_PLACE = ScopedPlace(Action.REVOKE_ROLE, ANY_PLACE)


def _line(held: HeldRole, ctx: FlowContext) -> str:
    # People who write in the console, or were made admins on the command line, have no
    # name on record: their member number still tells them apart.
    name = held.display_name or ctx.t(N_("staff.unnamed_member"), number=held.member_id)
    role = ctx.t(ROLE_LABELS[held.grant.role])
    return f"{held.grant.id}. {role} — {name} — {held.grant.place.full_name}"


async def list_staff(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    # Asked again by code: the roles may have changed since the question was answered.
    place = await STAFF_PLACE.picked(ctx, answers["place"])
    held = await ctx.records.people.roles_within(place.path)
    if not held:
        return Completion(replies=[Text(ctx.t(N_("staff.none"), place=place.full_name))])
    lines = [ctx.t(N_("staff.list"), place=place.full_name)]
    lines += [_line(role, ctx) for role in held]
    lines.append(ctx.t(N_("staff.revoke_hint")))
    return Completion(replies=[Text("\n".join(lines))])


async def revoke(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    role_id = answers["role"]
    for scope in scopes(ctx.member.roles, Action.REVOKE_ROLE):
        for held in await ctx.records.people.roles_within(scope.path):
            if held.grant.id == role_id and may_revoke(
                ctx.member.roles, ctx.member.id, held.member_id, held.grant
            ):
                done = ctx.t(N_("staff.revoked"), role=_line(held, ctx))
                leaving = held.member_id == ctx.member.id
                return Completion(replies=[Text(done)], effects=[GiveUpRole(role_id, leaving)])
    return Completion(replies=[Text(ctx.t(N_("staff.no_such_role")))])


def staff_flow() -> Flow:
    return Flow(
        "staff",
        title=N_("menu.staff"),
        steps=[Step("place", N_("staff.ask_place"), STAFF_PLACE, title=N_("invite.place"))],
        complete=list_staff,
        confirm=False,
        commands=("canbo", "staff"),
        action=Action.REVOKE_ROLE,
    )


def revoke_flow() -> Flow:
    return Flow(
        "revoke",
        title=N_("staff.revoke_title"),
        steps=[Step("role", N_("staff.ask_role"), Number(minimum=1), title=N_("roles.role"))],
        complete=revoke,
        confirm=False,
        commands=("thuhoi", "revoke"),
        action=Action.REVOKE_ROLE,
    )
