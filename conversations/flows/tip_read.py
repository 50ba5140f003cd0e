"""Officers and admins read the tips of their places: the inbox, and one tip by its code.

The inbox lists the tips nobody acknowledged first, each with who handles it. Opening a tip
shows what its sender told (never who sent an anonymous tip), its handling so far and how to
act on it; every look is audited. A tip outside the reader's places gets the same answer as
an unknown code, so the answer never tells whether a tip exists elsewhere.
"""

from __future__ import annotations

from typing import Any

from conversations.effects import RecordTipView
from conversations.fields import (
    MEDIA_KIND_LABELS,
    Accepted,
    ChoiceOption,
    FieldContext,
    TipCode,
    format_tip_code,
    match_option,
)
from conversations.flow import Completion, Flow, FlowContext, Step
from conversations.flows.tip import CATEGORIES
from conversations.i18n import N_
from conversations.localtime import shown
from conversations.parsing import fold
from conversations.policy import Action, may, scopes
from conversations.replies import Choices, Inbound, Option, Reply, Text
from conversations.tip_inbox import (
    RECEIVED,
    STATUS_LABELS,
    InboxLine,
    InboxTip,
    allowed_actions,
)

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


def handler_line(tip: InboxTip | InboxLine, ctx: FlowContext) -> str:
    """ "Đang do cán bộ X xử lý", or that nobody has taken the tip yet."""
    if isinstance(tip, InboxTip) and not tip.has_handler:
        return ctx.t(N_("inbox.no_handler"))
    if tip.handler_name is None and isinstance(tip, InboxLine):
        return ctx.t(N_("inbox.no_handler"))
    return ctx.t(N_("inbox.handled_by"), name=tip.handler_name or ctx.t(N_("inbox.someone")))


def status_label(status: str, ctx: FlowContext) -> str:
    return ctx.t(STATUS_LABELS.get(status, STATUS_LABELS[RECEIVED]))


async def list_newest(ctx: FlowContext) -> Completion:
    """The inbox: tips waiting for acknowledgement first, then the newest; no text, no place."""
    found: dict[str, InboxLine] = {}
    for scope in scopes(ctx.member.roles, Action.LIST_TIPS):
        for tip in await ctx.records.inbox_lines(scope.path, limit=MAX_LISTED):
            found.setdefault(tip.code, tip)
    listed = sorted(found.values(), key=lambda tip: tip.received_at, reverse=True)
    listed.sort(key=lambda tip: tip.status != RECEIVED)  # stable: newest first in each group
    if not listed:
        return Completion(replies=[Text(ctx.t(N_("tip_read.list_empty")))])
    lines = [
        f"{format_tip_code(tip.code)} — {CATEGORIES.display(tip.category, ctx.fields)} — "
        f"{shown(tip.received_at)} — {status_label(tip.status, ctx)} — {handler_line(tip, ctx)}"
        for tip in listed[:MAX_LISTED]
    ]
    title = ctx.t(N_("inbox.list_title"), count=min(len(listed), MAX_LISTED))
    return Completion(replies=[Text("\n".join([title, *lines]))])


def _place(tip: InboxTip, ctx: FlowContext) -> str:
    if tip.place_text:
        told = tip.place_text
    elif tip.latitude is not None and tip.longitude is not None:
        told = ctx.t(N_("common.shared_location"), lat=tip.latitude, lon=tip.longitude)
    else:
        told = ctx.t(N_("common.unknown_place"))
    return f"{told} ({tip.place_name})" if tip.place_name else told


def show_tip(tip: InboxTip, ctx: FlowContext) -> str:
    """Everything staff may see of a tip, one fact a line."""
    sender = (
        ctx.t(N_("tip.identity.anonymous"))
        if tip.anonymous
        else ctx.t(N_("tip_read.contact"), phone=tip.contact_phone or "-")
    )
    lines = [
        ctx.t(
            N_("tip_read.shown"),
            code=format_tip_code(tip.code),
            category=CATEGORIES.display(tip.category, ctx.fields),
            status=status_label(tip.outcome, ctx),
            received=shown(tip.received_at),
            place=_place(tip, ctx),
            sender=sender,
            description=tip.description,
        ),
        ctx.t(N_("inbox.occurred"), when=tip.occurred or ctx.t(N_("common.unknown"))),
    ]
    if tip.attachment_kinds:
        kinds = ", ".join(ctx.t(MEDIA_KIND_LABELS[kind]) for kind in tip.attachment_kinds)
        files = ctx.t(N_("common.files"), count=len(tip.attachment_kinds), kinds=kinds)
        lines.append(ctx.t(N_("inbox.attachments"), files=files))
    lines.append(handler_line(tip, ctx))
    if tip.acknowledged_at is not None:
        lines.append(ctx.t(N_("inbox.acknowledged_at"), at=shown(tip.acknowledged_at)))
    if tip.forwarded_at is not None:
        lines.append(ctx.t(N_("inbox.forwarded_at"), at=shown(tip.forwarded_at)))
    if tip.note:
        lines.append(ctx.t(N_("inbox.note"), note=tip.note))
    return "\n".join(lines)


async def read_tip(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    code = answers["code"]
    if code == NEWEST:
        return await list_newest(ctx)
    tip = await ctx.records.inbox_tip(code) if code else None
    if tip is None or not may(ctx.member.roles, Action.READ_TIP, tip.place_path):
        return Completion(replies=[Text(ctx.t(N_("tip_read.not_found")))])
    replies: list[Reply] = [Text(show_tip(tip, ctx))]
    if allowed_actions(ctx.member.roles, tip):
        replies.append(Text(ctx.t(N_("inbox.act_hint"), command=f"/xuly {tip.code}")))
    return Completion(replies=replies, effects=[RecordTipView(tip.code)])


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
