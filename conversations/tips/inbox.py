"""Officers and admins read the tips of their places: the inbox, and one tip by its code.

The inbox lists the tips nobody acknowledged first, each with who handles it. Opening a tip
shows what its sender told (never who sent an anonymous tip), forwards the files sent with it,
shows its handling so far and offers, as buttons, what this member may do with it now (the
same actions as ``/xuly``); every look is audited. A tip outside the reader's places gets the
same answer as an unknown code, so the answer never tells whether a tip exists elsewhere.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from conversations.fields import (
    MEDIA_KIND_LABELS,
    Accepted,
    ChoiceOption,
    FieldContext,
    InvalidAnswer,
    Reads,
    TipCode,
    format_tip_code,
    match_option,
    normalise_tip_code,
    shown_phone,
)
from conversations.flow import FINISHED, Answers, Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.localtime import shown
from conversations.parsing import fold, fold_words
from conversations.policy import Action, may, scopes
from conversations.replies import Choices, Inbound, Media, MediaKind, Option, Reply, Text
from conversations.tips import (
    FINAL,
    OFFICER,
    RECEIVED,
    STATUS_LABELS,
    TAKE,
    InboxAttachment,
    InboxLine,
    InboxTip,
    RecordTipView,
    ThreadLine,
    allowed_actions,
    describe_handler,
    waiting_since,
)
from conversations.tips.handling import (
    TipAndAction,
    act_on_tip,
    action_options,
    reason_and_note,
    snapshot,
)
from conversations.tips.report import CATEGORIES

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
        words = fold_words(*LIST_OPTION.synonyms) | ctx.catalogues.folded_variants(
            LIST_OPTION.label
        )
        if message.option is not None or fold(message.text or "") in words:
            return Accepted(match_option(message, (LIST_OPTION,), ctx))
        return super().parse(message, ctx, current)

    def display(self, value: Any, ctx: FieldContext) -> str:
        return ctx.t(LIST_OPTION.label) if value == NEWEST else str(value)


def handler_line(tip: InboxTip | InboxLine, ctx: FlowContext) -> str:
    """ "Đang do cán bộ X xử lý" (or "đồng chí" to the handler), or that nobody has taken it."""
    return describe_handler(tip.handler, ctx.member.id, ctx.t)


def status_label(status: str, ctx: FlowContext) -> str:
    return ctx.t(STATUS_LABELS.get(status, STATUS_LABELS[RECEIVED]))


async def list_newest(ctx: FlowContext) -> Completion:
    """The inbox: tips waiting for acknowledgement first, then the newest; no text, no place."""
    found: dict[str, InboxLine] = {}
    for scope in scopes(ctx.member.roles, Action.LIST_TIPS):
        for tip in await ctx.records.tips.inbox_lines(scope.path, limit=MAX_LISTED):
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
    if tip.anonymous:
        sender = ctx.t(N_("tip.identity.anonymous"))
    elif tip.contact_phone:
        sender = ctx.t(N_("tip_read.contact"), phone=shown_phone(tip.contact_phone))
    else:  # the sender erased their data: the phone went with it
        sender = ctx.t(N_("tip_read.no_phone"))
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
    if tip.attachments:
        kinds = ", ".join(_kind_label(item.kind, ctx) for item in tip.attachments)
        files = ctx.t(N_("common.files"), count=len(tip.attachments), kinds=kinds)
        lines.append(ctx.t(N_("inbox.attachments"), files=files))
    lines.append(handler_line(tip, ctx))
    if not tip.reachable:
        lines.append(ctx.t(N_("tip_read.unreachable")))
    if tip.acknowledged_at is not None:
        lines.append(ctx.t(N_("inbox.acknowledged_at"), at=shown(tip.acknowledged_at)))
    if tip.forwarded_at is not None:
        lines.append(ctx.t(N_("inbox.forwarded_at"), at=shown(tip.forwarded_at)))
    if tip.note:
        lines.append(ctx.t(N_("inbox.note"), note=tip.note))
    if tip.first_answer_at is not None:
        lines.append(ctx.t(N_("inbox.first_answer_at"), at=shown(tip.first_answer_at)))
    if tip.thread:
        lines.append(ctx.t(N_("thread.title")))
        lines.extend(
            thread_line(message, ctx, number=number) for number, message in enumerate(tip.thread, 1)
        )
    waiting = waiting_since(tip.thread)
    if waiting is not None and tip.status not in FINAL:
        lines.append(
            ctx.t(N_("thread.waiting"), at=shown(waiting), waited=waited(waiting, ctx.now, ctx))
        )
    if tip.thread_ended_at is not None:
        lines.append(ctx.t(N_("thread.ended"), at=shown(tip.thread_ended_at)))
    return "\n".join(lines)


def waited(since: datetime, now: datetime, ctx: FlowContext) -> str:
    """ "3 giờ 20 phút": how long since ``since``, to the minute."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    if hours:
        return ctx.t(N_("thread.waited_hours"), hours=hours, minutes=minutes)
    return ctx.t(N_("thread.waited_minutes"), minutes=minutes)


def thread_line(message: ThreadLine, ctx: FlowContext, *, number: int | None = None) -> str:
    """ "02/12/2026 09:41 — Người báo tin: …": the side that wrote, never who. Officers see
    each message numbered (to mark one) and the important ones marked; a tipster neither."""
    side = N_("thread.officer") if message.direction == OFFICER else N_("thread.tipster")
    said = message.text or ""
    if message.files:
        files = ctx.t(N_("thread.files"), count=message.files)
        said = f"{said} {files}" if said else files
    for caption in message.captions:
        said = f"{said} {ctx.t(N_('inbox.attachment.words'), words=caption)}"
    if message.location is not None:
        lat, lon = message.location
        point = ctx.t(N_("common.shared_location"), lat=lat, lon=lon)
        said = f"{said} — {point}" if said else point
    line = ctx.t(N_("thread.line"), at=shown(message.created_at), side=ctx.t(side), text=said)
    if number is None:
        return line
    if message.important:
        mark = ctx.t(N_("thread.important"))
        line = f"{line} {mark}"
    return f"{number}. {line}"


# -- files sent with the tip -----------------------------------------------------------------

MEDIA_KINDS: tuple[MediaKind, ...] = ("photo", "video", "voice", "document")
# How a platform is named to the reader; platform names are not translated.
PLATFORM_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "zalo_oa": "Zalo OA"}


def _kind_label(kind: str, ctx: FlowContext) -> str:
    return ctx.t(MEDIA_KIND_LABELS.get(kind, MEDIA_KIND_LABELS["document"]))


def forwarded(tip: InboxTip, ctx: FlowContext) -> list[Reply]:
    """The tip's files as they were sent, each with a caption naming the tip and its place
    among the files (and the words the sender wrote with it); the channel decides whether it
    can show a file of that platform."""
    replies: list[Reply] = []
    count = len(tip.attachments)
    for number, item in enumerate(tip.attachments, 1):
        replies.append(_media(item, number, count, tip.code, ctx))
    return replies


def _media(item: InboxAttachment, number: int, count: int, code: str, ctx: FlowContext) -> Media:
    kind = cast(MediaKind, item.kind) if item.kind in MEDIA_KINDS else "document"
    platform = PLATFORM_NAMES.get(item.channel, item.channel)
    params = {
        "code": format_tip_code(code),
        "number": number,
        "count": count,
        "kind": _kind_label(item.kind, ctx),
        "platform": platform,
    }
    words = ""
    if item.caption:
        words = "\n" + ctx.t(N_("inbox.attachment.words"), words=item.caption)
    return Media(
        kind=kind,
        file_id=item.file_id,
        channel=item.channel,
        text=ctx.t(N_("inbox.attachment.caption"), **params) + words,
        elsewhere=ctx.t(N_("inbox.attachment.elsewhere"), **params) + words,
        lost=ctx.t(N_("inbox.attachment.lost"), **params) + words,
    )


# -- acting on the tip just opened -----------------------------------------------------------

LATER = "later"  # not an action: leave the tip as it is
LATER_OPTION = ChoiceOption(
    LATER, N_("inbox.action.later"), ("de sau", "sau", "later", "thoi", "khong")
)


def opened(answers: Answers) -> bool:
    """Is the tip of the code step shown, with the actions offered on it?"""
    tip = answers.get("tip")
    return isinstance(tip, dict) and bool(tip.get("code")) and tip["code"] == answers.get("code")


def _chosen(answers: Answers) -> str | None:
    return answers["tip"].get("action") if opened(answers) else None


class ActionOnOpenedTip(TipAndAction):
    """What to do with the tip just shown: one of the actions this member may take now, or
    "later". The answer keeps what ``/xuly`` keeps of the tip (no text, no sender); another
    tip's code typed instead opens that tip."""

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        if not isinstance(current, dict) or not current.get("actions"):
            return Text(text)
        offered = [Option(a.id, ctx.t(a.label)) for a in action_options(current["actions"])]
        offered.append(Option(LATER, ctx.t(LATER_OPTION.label)))
        asked = ctx.t(N_("inbox.ask_action_opened"), code=format_tip_code(current["code"]))
        return Choices(asked, tuple(offered), ref)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        shown = current if isinstance(current, dict) else {}
        offered = (*action_options(shown.get("actions", [])), LATER_OPTION)
        try:
            return Accepted({**shown, "action": match_option(message, offered, ctx)})
        except InvalidAnswer:
            code = normalise_tip_code(message.text or "") if message.option is None else None
            if code is None:
                raise
            return Accepted({"code": code})

    async def resolve(self, accepted: Accepted, ctx: FieldContext, records: Reads) -> Accepted:
        return accepted  # a newly typed code is opened (and audited) by the completion


async def open_typed_code(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    """A code typed instead of an action opens that tip, as ``/xemtin`` with it would."""
    tip = answers["tip"]
    if "action" in tip:
        return None
    return Redirect(answers={"code": tip["code"]}, step=FINISHED)


async def read_tip(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    if opened(answers):
        action = answers["tip"].get("action")
        if action == LATER:
            return Completion()
        if action is not None:
            return await act_on_tip(answers, ctx)
    code = answers["code"]
    if code == NEWEST:
        return await list_newest(ctx)
    tip = await ctx.records.tips.inbox_tip(code) if code else None
    if tip is None or not may(ctx.member.roles, Action.READ_TIP, tip.place_path):
        return Completion(replies=[Text(ctx.t(N_("tip_read.not_found")))])
    replies: list[Reply] = [Text(show_tip(tip, ctx)), *forwarded(tip, ctx)]
    effects = [RecordTipView(tip.code)]
    actions = list(allowed_actions(ctx.member.roles, tip))
    if not actions:
        return Completion(replies=replies, effects=effects)
    # The tip stays open: the next answer is one of its actions (or "later").
    chosen = {"code": tip.code, "tip": snapshot(tip, actions)}
    return Completion(replies, effects, redirect=Redirect(answers=chosen, step="tip"))


def tip_read_flow() -> Flow:
    return Flow(
        "tip_read",
        title=N_("menu.tip_read"),
        steps=[
            Step(
                "code",
                N_("tip_read.ask_code"),
                TipCodeOrNewest(),
                title=N_("status.code"),
                help=N_("tip_read.help"),
            ),
            Step(
                "tip",
                N_("inbox.ask_code"),
                ActionOnOpenedTip(),
                title=N_("status.code"),
                applies=opened,
                help=N_("tip_read.help"),
                after=open_typed_code,
            ),
            # Taking a tip, or leaving it for later, needs no note.
            *reason_and_note(_chosen, without_note=(TAKE, LATER)),
        ],
        complete=read_tip,
        confirm=False,
        commands=("xemtin", "readtip"),
        action=Action.READ_TIP,
    )
