"""A member's own roles: see them and leave one."""

from __future__ import annotations

from typing import Any

from conversations.fields import Accepted, Field, FieldContext, InvalidAnswer, require_text
from conversations.flow import Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.people import GiveUpRole
from conversations.policy import ROLE_LABELS, Action, Grant
from conversations.replies import Choices, Inbound, Option, Reply, Text


def describe(grant: Grant, ctx: FieldContext) -> str:
    """A grant as one line: role — place, e.g. "Trưởng thôn — Thôn Đông, Xã Đô Lương"."""
    return f"{ctx.t(ROLE_LABELS[grant.role])} — {grant.place.full_name}"


class OwnRole(Field):
    """One of the member's roles, offered as choices."""

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        offered = tuple(Option(str(grant.id), describe(grant, ctx)) for grant in ctx.roles)
        return Choices(text, offered, ref)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        ids = [str(grant.id) for grant in ctx.roles]
        picked = message.option if message.option is not None else None
        if picked is None:
            number = require_text(message).rstrip(".)")
            if number.isdigit() and 1 <= int(number) <= len(ids):
                picked = ids[int(number) - 1]
        if picked not in ids:
            raise InvalidAnswer(N_("input.choose_option"), count=len(ids))
        return Accepted(int(picked))  # type: ignore[arg-type]

    def display(self, value: Any, ctx: FieldContext) -> str:
        for grant in ctx.roles:
            if grant.id == value:
                return describe(grant, ctx)
        return ctx.t(N_("roles.not_held"))


async def leave_role(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    role_id = answers["role"]
    held = next((grant for grant in ctx.member.roles if grant.id == role_id), None)
    if held is None:
        return Completion(replies=[Text(ctx.t(N_("roles.not_held")))])
    left = ctx.t(N_("roles.left"), role=describe(held, ctx.fields))
    return Completion(replies=[Text(left)], effects=[GiveUpRole(role_id, leaving=True)])


def roles_flow() -> Flow:
    return Flow(
        "roles",
        title=N_("menu.roles"),
        steps=[Step("role", N_("roles.ask_leave"), OwnRole(), title=N_("roles.role"))],
        complete=leave_role,
        commands=("roles", "vaitro"),
        action=Action.MY_ROLES,
    )
