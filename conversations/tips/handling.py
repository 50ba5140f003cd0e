"""Acting on a tip: take it, acknowledge it, mark it forwarded, in verification, closed or
rejected (unfounded, duplicate, spam), with a short note.

``/xuly K7Q2M9XD`` shows the tip's status and handler with the actions this member may take
now, as buttons; a note follows (required for a rejection, skippable otherwise). The sender is
told the new status by the bot, never who the officer is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conversations.fields import (
    FINISH_WORDS,
    Accepted,
    ChoiceOption,
    Field,
    FieldContext,
    FreeText,
    InvalidAnswer,
    Reads,
    format_tip_code,
    match_option,
    normalise_tip_code,
    require_text,
)
from conversations.flow import Answers, Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.parsing import fold
from conversations.policy import Action, may
from conversations.replies import Choices, Inbound, Option, Reply, Text
from conversations.tips import (
    ACTION_LABELS,
    ACTION_WORDS,
    MAX_NOTE,
    REJECTIONS,
    STATUS_LABELS,
    TAKE,
    ChangeTipStatus,
    InboxTip,
    TakeTip,
    TipHandler,
    allowed_actions,
    describe_handler,
)
from conversations.tips.report import CATEGORIES


def action_options(actions: list[str]) -> tuple[ChoiceOption, ...]:
    return tuple(ChoiceOption(a, ACTION_LABELS[a], ACTION_WORDS.get(a, ())) for a in actions)


class TipAndAction(Field):
    """A tip's code, then (once the tip is found) one of the actions allowed on it.

    The answer holds the code, what was shown of the tip and the allowed actions, so the
    buttons can be shown again after a wrong answer or /back."""

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        if not isinstance(current, dict) or not current.get("actions"):
            return Text(text)
        status = ctx.t(STATUS_LABELS[current["status"]])
        handler = handler_text(current, ctx)
        category = CATEGORIES.display(current["category"], ctx)
        asked = ctx.t(
            N_("inbox.ask_action"),
            code=format_tip_code(current["code"]),
            category=category,
            status=status,
            handler=handler,
        )
        offered = tuple(Option(a, ctx.t(ACTION_LABELS[a])) for a in current["actions"])
        return Choices(asked, offered, ref)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        if isinstance(current, dict) and current.get("actions"):
            try:
                action = match_option(message, action_options(current["actions"]), ctx)
            except InvalidAnswer:
                # Another tip's code typed instead of a button: start over with that tip.
                code = normalise_tip_code(message.text or "") if message.option is None else None
                if code is None:
                    raise
                return Accepted({"code": code})
            return Accepted({**current, "action": action})
        return Accepted({"code": normalise_tip_code(require_text(message)) or ""})

    async def resolve(self, accepted: Accepted, ctx: FieldContext, records: Reads) -> Accepted:
        value = accepted.value
        if "action" in value or not value["code"]:
            return accepted
        tip = await records.tips.inbox_tip(value["code"])
        if tip is None or not may(ctx.roles, Action.READ_TIP, tip.place_path):
            return Accepted({"code": value["code"], "found": False})
        actions = list(allowed_actions(ctx.roles, tip))
        shown = snapshot(tip, actions)
        return Accepted(shown, complete=not actions)

    def display(self, value: Any, ctx: FieldContext) -> str:
        return format_tip_code(value["code"]) if value.get("code") else ""


def handler_text(snapshot: dict[str, Any], ctx: FieldContext) -> str:
    kept = snapshot.get("handler")
    handler = TipHandler(**kept) if isinstance(kept, dict) else None
    if handler is None and snapshot.get("has_handler"):
        # Kept by a conversation begun before handlers were kept by member: a name or nothing.
        handler = TipHandler(0, kept if isinstance(kept, str) else None, None)
    return describe_handler(handler, ctx.member_id, ctx.t)


def snapshot(tip: InboxTip, actions: list[str]) -> dict[str, Any]:
    """What the conversation keeps of the tip between messages: no text, no sender."""
    handler = tip.handler
    return {
        "code": tip.code,
        "found": True,
        "category": tip.category,
        "status": tip.outcome,
        "handler": None
        if handler is None
        else {"member_id": handler.member_id, "name": handler.name, "role": handler.role},
        "actions": actions,
    }


class Note(FreeText):
    """A short note; with ``optional`` it may be skipped with "không" or a tap."""

    skip = ChoiceOption("skip", N_("common.skip"), FINISH_WORDS)

    def __init__(self, *, optional: bool) -> None:
        super().__init__(min_length=3, max_length=MAX_NOTE)
        self.optional = optional

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        if not self.optional:
            return Text(text)
        return Choices(text, (Option(self.skip.id, ctx.t(self.skip.label)),), ref, allow_text=True)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        if self.optional and (
            message.option is not None or fold(message.text or "") in FINISH_WORDS
        ):
            match_option(message, (self.skip,), ctx)
            return Accepted("")
        return super().parse(message, ctx, current)

    def display(self, value: Any, ctx: FieldContext) -> str:
        return str(value) if value else ctx.t(N_("common.none"))


def _action(answers: Answers) -> str | None:
    tip = answers.get("tip")
    return tip.get("action") if isinstance(tip, dict) else None


def reason_and_note(
    chosen_action: Callable[[Answers], str | None], *, without_note: tuple[str, ...]
) -> list[Step]:
    """The questions after an action on a tip: a rejection must say why; any other change of
    status may carry a note; the actions in ``without_note`` need neither."""

    def rejecting(answers: Answers) -> bool:
        return chosen_action(answers) in REJECTIONS

    def moving_on(answers: Answers) -> bool:
        action = chosen_action(answers)
        return action is not None and action not in (*without_note, *REJECTIONS)

    return [
        Step(
            "reason",
            N_("inbox.ask_reason"),
            Note(optional=False),
            title=N_("inbox.note_title"),
            applies=rejecting,
        ),
        Step(
            "note",
            N_("inbox.ask_note"),
            Note(optional=True),
            title=N_("inbox.note_title"),
            applies=moving_on,
        ),
    ]


async def act_on_tip(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    chosen = answers["tip"]
    code = chosen.get("code") or ""
    if not chosen.get("found"):
        return Completion(replies=[Text(ctx.t(N_("tip_read.not_found")))])
    action = chosen.get("action")
    tip = await ctx.records.tips.inbox_tip(code)
    if tip is None or action is None:
        # Found, but nothing this member may do with it now (another officer handles it).
        nothing = ctx.t(
            N_("inbox.nothing_to_do"),
            code=format_tip_code(code),
            status=ctx.t(STATUS_LABELS[chosen["status"]]),
            handler=handler_text(chosen, ctx.fields),
        )
        return Completion(replies=[Text(nothing)])
    if action not in allowed_actions(ctx.member.roles, tip):
        return Completion(
            replies=[Text(ctx.t(N_("inbox.changed_meanwhile"), code=format_tip_code(code)))]
        )
    shown_code = format_tip_code(code)
    if action == TAKE:
        taken = ctx.t(N_("inbox.taken"), code=shown_code)
        return Completion(replies=[Text(taken)], effects=[TakeTip(code)])
    note = answers.get("reason") or answers.get("note") or None
    done = ctx.t(N_("inbox.changed"), code=shown_code, status=ctx.t(STATUS_LABELS[action]))
    return Completion(replies=[Text(done)], effects=[ChangeTipStatus(code, action, note)])


def tip_handle_flow() -> Flow:
    return Flow(
        "tip_handle",
        title=N_("menu.tip_handle"),
        steps=[
            Step("tip", N_("inbox.ask_code"), TipAndAction(), title=N_("status.code")),
            # Taking a tip needs no note.
            *reason_and_note(_action, without_note=(TAKE,)),
        ],
        complete=act_on_tip,
        confirm=False,
        commands=("xuly", "handletip"),
        action=Action.HANDLE_TIP,
    )
