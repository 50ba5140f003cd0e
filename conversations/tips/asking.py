"""An officer asks the sender of a tip: ``/hoi MÃ`` (``/ask``), then the question.

Only an officer who may handle the tip now asks (its handler, any officer of its place while
nobody has taken it, or one who oversees the place). The bot stores the question in the tip's
thread and sends it through the tip's own sealed route, never to whoever typed its code; the
tipster is never told who asked. A tip outside the officer's places looks like an unknown code.
"""

from __future__ import annotations

from typing import Any

from conversations.fields import FreeText, TipCode, format_tip_code
from conversations.flow import Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.policy import Action, may
from conversations.replies import Text
from conversations.tips import MAX_THREAD_TEXT, AskTipster, may_ask


async def _refusal(code: str, ctx: FlowContext) -> Text | None:
    """Why this member may not ask about ``code`` now; None when they may."""
    tip = await ctx.records.tips.inbox_tip(code) if code else None
    if tip is None or not may(ctx.member.roles, Action.READ_TIP, tip.place_path):
        return Text(ctx.t(N_("tip_read.not_found")))
    if not may_ask(ctx.member.roles, tip):
        return Text(ctx.t(N_("asking.not_yours"), code=format_tip_code(code)))
    return None


async def refuse_early(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    """Say at once, before the question is written, that it could not be sent."""
    refusal = await _refusal(answers["code"], ctx)
    return None if refusal is None else Redirect(replies=[refusal], stop=True)


async def ask_tipster(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    code = answers["code"]
    # Checked again: the tip may have been taken or closed while the question was written.
    refusal = await _refusal(code, ctx)
    if refusal is not None:
        return Completion(replies=[refusal])
    sent = Text(ctx.t(N_("asking.sent"), code=format_tip_code(code)))
    return Completion(replies=[sent], effects=[AskTipster(code, answers["question"].strip())])


def asking_flow() -> Flow:
    return Flow(
        "tip_ask",
        title=N_("menu.tip_ask"),
        steps=[
            Step(
                "code", N_("inbox.ask_code"), TipCode(), title=N_("status.code"), after=refuse_early
            ),
            Step(
                "question",
                N_("asking.ask_question"),
                FreeText(min_length=1, max_length=MAX_THREAD_TEXT),
                title=N_("asking.question"),
            ),
        ],
        complete=ask_tipster,
        confirm=False,
        commands=("hoi", "ask"),
        action=Action.HANDLE_TIP,
    )
