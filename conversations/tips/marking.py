"""An officer marks a message of a tip's thread as important: ``/danhdau MÃ`` (``/important``),
then its number as ``/xemtin MÃ`` shows it. Marking it again takes the mark off. Whoever may
read the tip may mark its messages (the mark is for the officers; the tipster never sees it).
"""

from __future__ import annotations

from typing import Any

from conversations.fields import Number, format_tip_code
from conversations.flow import Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.policy import Action, may
from conversations.replies import Text
from conversations.tips import MarkThreadMessage
from conversations.tips.status import code_step


async def refuse_unknown(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    """A tip outside the officer's places, or one with no thread yet, is said so at once."""
    code = answers["code"]
    tip = await ctx.records.tips.inbox_tip(code) if code else None
    if tip is None or not may(ctx.member.roles, Action.READ_TIP, tip.place_path):
        return Redirect(replies=[Text(ctx.t(N_("tip_read.not_found")))], stop=True)
    if not tip.thread:
        empty = Text(ctx.t(N_("marking.empty"), code=format_tip_code(code)))
        return Redirect(replies=[empty], stop=True)
    return None


async def mark(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    code, number = answers["code"], answers["number"]
    tip = await ctx.records.tips.inbox_tip(code)
    if tip is None or not may(ctx.member.roles, Action.READ_TIP, tip.place_path):
        return Completion(replies=[Text(ctx.t(N_("tip_read.not_found")))])
    if not 1 <= number <= len(tip.thread):
        missing = ctx.t(N_("marking.no_such_message"), code=format_tip_code(code), number=number)
        return Completion(redirect=Redirect(replies=[Text(missing)], step="number"))
    important = not tip.thread[number - 1].important
    key = N_("marking.marked") if important else N_("marking.unmarked")
    done = Text(ctx.t(key, code=format_tip_code(code), number=number))
    return Completion(replies=[done], effects=[MarkThreadMessage(code, number, important)])


def marking_flow() -> Flow:
    return Flow(
        "tip_mark",
        title=N_("menu.tip_mark"),
        steps=[
            code_step(N_("inbox.ask_code"), refuse_unknown),
            Step("number", N_("marking.ask_number"), Number(minimum=1), title=N_("marking.number")),
        ],
        complete=mark,
        confirm=False,
        commands=("danhdau", "important"),
        action=Action.READ_TIP,
    )
