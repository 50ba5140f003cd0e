"""Following up a tip by its code. Only the sender sees its status; any other code, wrong or
someone else's, gets the very same "not found" answer."""

from __future__ import annotations

from typing import Any

from conversations.fields import TipCode, format_tip_code
from conversations.flow import Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.localtime import shown
from conversations.policy import Action
from conversations.replies import Text

STATUS_LABELS = {
    "received": N_("tip.status.received"),
    "acknowledged": N_("tip.status.acknowledged"),
    "forwarded": N_("tip.status.forwarded"),
    "verifying": N_("tip.status.verifying"),
    "closed": N_("tip.status.closed"),
    "rejected": N_("tip.status.rejected"),
}


async def look_up_status(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    code = answers["code"]
    found = await ctx.records.tips.tip_status_for_sender(code, ctx.member.id) if code else None
    if found is None:
        return Completion(replies=[Text(ctx.t(N_("status.not_found")))])
    label = STATUS_LABELS.get(found.status, N_("tip.status.received"))
    return Completion(
        replies=[
            Text(
                ctx.t(
                    N_("status.found"),
                    code=format_tip_code(found.code),
                    status=ctx.t(label),
                    received=shown(found.received_at),
                )
            )
        ]
    )


def status_flow() -> Flow:
    return Flow(
        "status",
        title=N_("menu.status"),
        steps=[Step("code", N_("status.ask_code"), TipCode(), title=N_("status.code"))],
        complete=look_up_status,
        confirm=False,
        commands=("status", "tracuu", "trangthai"),
        action=Action.FOLLOW_OWN_TIP,
    )
