"""A member's own roles: see them and leave one."""

from __future__ import annotations

from typing import Any

from conversations.choosing import describe_grant, grant_option_id, pick_item
from conversations.fields import Accepted, Field, FieldContext
from conversations.flow import Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.people import GiveUpRole
from conversations.policy import Action
from conversations.replies import Choices, Inbound, Option, Reply, Text


class OwnRole(Field):
    """One of the member's roles, offered as choices."""

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        offered = tuple(
            Option(grant_option_id(grant), describe_grant(grant, ctx)) for grant in ctx.roles
        )
        return Choices(text, offered, ref)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        return Accepted(pick_item(message, ctx.roles, grant_option_id).id)

    def display(self, value: Any, ctx: FieldContext) -> str:
        for grant in ctx.roles:
            if grant.id == value:
                return describe_grant(grant, ctx)
        return ctx.t(N_("roles.not_held"))


async def say_when_none(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    """A member without roles is a resident: say so, and how a role is given."""
    if ctx.member.roles:
        return None
    return Redirect(replies=[Text(ctx.t(N_("roles.none")))], stop=True)


async def leave_role(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    role_id = answers["role"]
    held = next((grant for grant in ctx.member.roles if grant.id == role_id), None)
    if held is None:
        return Completion(replies=[Text(ctx.t(N_("roles.not_held")))])
    left = ctx.t(N_("roles.left"), role=describe_grant(held, ctx.fields))
    return Completion(replies=[Text(left)], effects=[GiveUpRole(role_id, leaving=True)])


def roles_flow() -> Flow:
    role = Step("role", N_("roles.ask_leave"), OwnRole(), title=N_("roles.role"))
    return Flow.one_question(
        "roles",
        N_("menu.roles"),
        role,
        leave_role,
        commands=("roles", "vaitro"),
        action=Action.MY_ROLES,
        confirm=True,
        begin=say_when_none,
    )
