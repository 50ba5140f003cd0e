"""Joining with an invitation: a deep link (``/start <code>``), ``/join <code>``, or the code
typed at the menu. Every code that cannot be redeemed (unknown, forged, malformed, used,
expired) gets the very same answer, and wrong codes in a row slow the member down."""

from __future__ import annotations

from typing import Any

from conversations.effects import Effect
from conversations.fields import Accepted, Field, FieldContext, require_text
from conversations.flow import Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.people import AcceptInvitation
from conversations.people.invitations import looks_like_invite_code, normalise_invite_code
from conversations.policy import ROLE_LABELS, Action, Grant
from conversations.replies import Inbound, Text
from conversations.secret_codes import CodeKind

JOIN_FLOW = "join"


class InviteCode(Field):
    """An invitation code as typed: any case, with or without the dash."""

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        # A malformed code is answered later exactly like an unknown one.
        return Accepted(normalise_invite_code(require_text(message)) or "")


async def redeem(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    attempts = await ctx.records.people.code_attempts(ctx.member.id, CodeKind.INVITATION)
    minutes = attempts.minutes_to_wait(ctx.now)
    if minutes is not None:
        return Completion(replies=[Text(ctx.t(N_("join.slow_down"), minutes=minutes))])
    code = answers["code"]
    invitation = await ctx.records.people.invitation(code) if code else None
    if invitation is None or not invitation.usable(ctx.now):
        return Completion(
            replies=[Text(ctx.t(N_("join.not_found")))],
            effects=[attempts.failed(CodeKind.INVITATION, ctx.now)],
        )
    grant = Grant(0, invitation.role, invitation.place)
    effects: list[Effect] = [
        AcceptInvitation(code, grant),
        *attempts.succeeded(CodeKind.INVITATION),
    ]
    welcome = ctx.t(
        N_("join.welcome"),
        role=ctx.t(ROLE_LABELS[invitation.role]),
        place=invitation.place.full_name,
    )
    return Completion(replies=[Text(welcome)], effects=effects)


def join_flow() -> Flow:
    code = Step("code", N_("join.ask_code"), InviteCode(), title=N_("join.code"))
    # A role keeps the member's name and place of work: the notice comes first.
    return Flow.one_question(
        JOIN_FLOW,
        N_("menu.join"),
        code,
        redeem,
        commands=("join", "mamoi", "thamgia"),
        action=Action.JOIN,
        recognise=looks_like_invite_code,
        needs_consent=True,
    )
