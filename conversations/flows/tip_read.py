"""Officers and admins read a tip of their place by its code; every look is audited.

A tip outside the reader's places gets the same answer as an unknown code, so the answer
never tells whether a tip exists elsewhere.
"""

from __future__ import annotations

from typing import Any

from conversations.effects import RecordTipView
from conversations.fields import TipCode, format_tip_code
from conversations.flow import Completion, Flow, FlowContext, Step
from conversations.flows.status import STATUS_LABELS
from conversations.flows.tip import CATEGORIES
from conversations.i18n import N_
from conversations.localtime import shown
from conversations.policy import Action, may
from conversations.replies import Text


async def read_tip(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    code = answers["code"]
    tip = await ctx.records.tip_for_staff(code) if code else None
    if tip is None or not may(ctx.member.roles, Action.READ_TIP, tip.place_path):
        return Completion(replies=[Text(ctx.t(N_("tip_read.not_found")))])
    sender = (
        ctx.t(N_("tip.identity.anonymous"))
        if tip.anonymous
        else ctx.t(N_("tip_read.contact"), phone=tip.contact_phone or "-")
    )
    shown_tip = ctx.t(
        N_("tip_read.shown"),
        code=format_tip_code(tip.code),
        category=CATEGORIES.display(tip.category, ctx.fields),
        status=ctx.t(STATUS_LABELS.get(tip.status, N_("tip.status.received"))),
        received=shown(tip.received_at),
        place=tip.place_text or ctx.t(N_("common.unknown_place")),
        sender=sender,
        description=tip.description,
    )
    return Completion(replies=[Text(shown_tip)], effects=[RecordTipView(tip.code)])


def tip_read_flow() -> Flow:
    return Flow(
        "tip_read",
        title=N_("menu.tip_read"),
        steps=[Step("code", N_("tip_read.ask_code"), TipCode(), title=N_("status.code"))],
        complete=read_tip,
        confirm=False,
        commands=("xemtin", "readtip"),
        action=Action.READ_TIP,
    )
