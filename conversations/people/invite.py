"""An admin invites somebody to a role in a place of theirs: a one-time code and a link."""

from __future__ import annotations

from typing import Any

from conversations.choosing import pick_place
from conversations.fields import Choice, ChoiceOption, FreeText
from conversations.flow import Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.localtime import shown
from conversations.people import CreateInvitation
from conversations.people.invitations import (
    INVITE_TTL,
    deep_link,
    format_invite_code,
    new_invite_code,
)
from conversations.policy import GRANTABLE, ROLE_LABELS, ROLE_PLACES, Action, Role, may_grant
from conversations.replies import Text

ROLES = Choice(
    ChoiceOption(Role.LEADER, ROLE_LABELS[Role.LEADER], ("truong thon", "to truong", "leader")),
    ChoiceOption(Role.MODEL_LEAD, ROLE_LABELS[Role.MODEL_LEAD], ("mo hinh", "model")),
    ChoiceOption(Role.OFFICER, ROLE_LABELS[Role.OFFICER], ("cong an", "officer")),
    ChoiceOption(Role.ADMIN, ROLE_LABELS[Role.ADMIN], ("quan tri", "admin")),
    ChoiceOption(
        Role.UNIT_HEAD,
        ROLE_LABELS[Role.UNIT_HEAD],
        ("phu trach an ninh", "thu truong", "don vi", "unit head"),
    ),
)
assert {option.id for option in ROLES.options} == set(GRANTABLE)


def invite_flow(bot_username: str | None = None) -> Flow:
    """``bot_username`` makes the Telegram deep link; without it only the code is given."""

    async def create(answers: dict[str, Any], ctx: FlowContext) -> Completion:
        role = Role(answers["role"])
        place = await pick_place(ctx, answers["place"], Action.INVITE, ROLE_PLACES[role])
        if not may_grant(ctx.member.roles, role, place):
            return Completion(replies=[Text(ctx.t(N_("policy.denied")))])
        code = new_invite_code()
        expires_at = ctx.now + INVITE_TTL
        lines = [
            ctx.t(
                N_("invite.created"),
                code=format_invite_code(code),
                role=ctx.t(ROLE_LABELS[role]),
                place=place.full_name,
                expires=shown(expires_at),
            )
        ]
        link = deep_link(bot_username, code)
        if link is not None:
            lines.append(ctx.t(N_("invite.link"), link=link))
        return Completion(
            replies=[Text("\n".join(lines))],
            effects=[CreateInvitation(code, role, place.id, expires_at)],
        )

    return Flow(
        "invite",
        title=N_("menu.invite"),
        steps=[
            Step("role", N_("invite.ask_role"), ROLES, title=N_("invite.role")),
            Step(
                "place",
                N_("invite.ask_place"),
                FreeText(min_length=2, max_length=100),
                title=N_("invite.place"),
            ),
        ],
        complete=create,
        confirm=False,
        commands=("invite", "moi"),
        action=Action.INVITE,
    )
