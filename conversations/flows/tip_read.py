"""Officers and admins read a tip of their place by its code; every look is audited.

A tip outside the reader's places gets the same answer as an unknown code, so the answer
never tells whether a tip exists elsewhere.
"""

from __future__ import annotations

from typing import Any

from conversations.effects import RecordTipView
from conversations.fields import (
    Accepted,
    ChoiceOption,
    FieldContext,
    TipCode,
    format_tip_code,
    match_option,
)
from conversations.flow import Completion, Flow, FlowContext, Step
from conversations.flows.status import STATUS_LABELS
from conversations.flows.tip import CATEGORIES
from conversations.i18n import N_
from conversations.localtime import shown
from conversations.parsing import fold
from conversations.policy import Action, may, scopes
from conversations.ports import TipListing
from conversations.replies import Choices, Inbound, Option, Reply, Text

NEWEST = "list"  # not a tip code: codes have 8 characters
MAX_LISTED = 10
LIST_OPTION = ChoiceOption(
    NEWEST, N_("tip_read.list_option"), ("moi", "tin moi", "danh sach", "ds", "new", "list")
)


class TipCodeOrNewest(TipCode):
    """A tip's code, or "mới" / a tap for the newest tips of the reader's places."""

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        return Choices(text, (Option(NEWEST, ctx.t(LIST_OPTION.label)),), ref, allow_text=True)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        words = {fold(word) for word in LIST_OPTION.synonyms}
        words |= {fold(label) for label in ctx.catalogues.variants(LIST_OPTION.label)}
        if message.option is not None or fold(message.text or "") in words:
            return Accepted(match_option(message, (LIST_OPTION,), ctx))
        return super().parse(message, ctx, current)

    def display(self, value: Any, ctx: FieldContext) -> str:
        return ctx.t(LIST_OPTION.label) if value == NEWEST else str(value)


async def list_newest(ctx: FlowContext) -> Completion:
    """The newest tips placed in the reader's places: code, category and time only."""
    found: dict[str, TipListing] = {}
    for scope in scopes(ctx.member.roles, Action.LIST_TIPS):
        for tip in await ctx.records.tips_within(scope.path, limit=MAX_LISTED):
            found.setdefault(tip.code, tip)
    newest = sorted(found.values(), key=lambda tip: tip.received_at, reverse=True)[:MAX_LISTED]
    if not newest:
        return Completion(replies=[Text(ctx.t(N_("tip_read.list_empty")))])
    lines = [
        f"{format_tip_code(tip.code)} — {CATEGORIES.display(tip.category, ctx.fields)} — "
        f"{shown(tip.received_at)}"
        for tip in newest
    ]
    listed = ctx.t(N_("tip_read.list_title"), count=len(newest), tips="\n".join(lines))
    return Completion(replies=[Text(listed)])


async def read_tip(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    code = answers["code"]
    if code == NEWEST:
        return await list_newest(ctx)
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
        steps=[Step("code", N_("tip_read.ask_code"), TipCodeOrNewest(), title=N_("status.code"))],
        complete=read_tip,
        confirm=False,
        commands=("xemtin", "readtip"),
        action=Action.READ_TIP,
    )
