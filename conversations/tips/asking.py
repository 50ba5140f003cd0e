"""An officer asks the sender of a tip: ``/hoi MÃ`` (``/ask``), then the question.

Only an officer who may handle the tip now asks (its handler, any officer of its place while
nobody has taken it, or one who oversees the place). The bot stores the question in the tip's
thread and sends it through the tip's own sealed route, never to whoever typed its code; the
tipster is never told who asked. A tip outside the officer's places looks like an unknown code.
Up to 5 photos may go with the question. Once the tipster ended the dialogue, or when the
officers' side wrote the hourly limit about the tip, or when nothing reaches its sender any
more (they erased their data), the question is refused politely before it is written.
"""

from __future__ import annotations

from typing import Any

from conversations.fields import Attachments, FreeText, format_tip_code
from conversations.flow import Complete, Completion, Flow, FlowContext, Hook, Redirect, Step
from conversations.i18n import N_
from conversations.policy import Action, may
from conversations.replies import Text
from conversations.tips import (
    MAX_THREAD_FILES,
    MAX_THREAD_TEXT,
    OFFICER,
    THREAD_MESSAGES_PER_HOUR,
    AskTipster,
    may_ask,
    thread_full,
)
from conversations.tips.status import code_step, limit_reply


async def _refusal(code: str, ctx: FlowContext, per_hour: int) -> Text | None:
    """Why this member may not ask about ``code`` now; None when they may."""
    tip = await ctx.records.tips.inbox_tip(code) if code else None
    if tip is None or not may(ctx.member.roles, Action.READ_TIP, tip.place_path):
        return Text(ctx.t(N_("tip_read.not_found")))
    if not may_ask(ctx.member.roles, tip):
        return Text(ctx.t(N_("asking.not_yours"), code=format_tip_code(code)))
    if tip.thread_ended_at is not None:
        return Text(ctx.t(N_("asking.ended"), code=format_tip_code(code)))
    if not tip.reachable:
        # Said before the question is written, and instead of "sent", never after it.
        return Text(ctx.t(N_("asking.undeliverable"), code=format_tip_code(code)))
    if await thread_full(ctx.records.tips, code, OFFICER, ctx.now, per_hour):
        return limit_reply(code, ctx, per_hour)
    return None


def refuse_early(per_hour: int) -> Hook:
    async def refuse(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
        """Say at once, before the question is written, that it could not be sent."""
        refusal = await _refusal(answers["code"], ctx, per_hour)
        return None if refusal is None else Redirect(replies=[refusal], stop=True)

    return refuse


def asking(per_hour: int) -> Complete:
    async def ask_tipster(answers: dict[str, Any], ctx: FlowContext) -> Completion:
        code = answers["code"]
        # Checked again: the tip may have been taken, closed or ended while it was written.
        refusal = await _refusal(code, ctx, per_hour)
        if refusal is not None:
            return Completion(replies=[refusal])
        sent = Text(ctx.t(N_("asking.sent"), code=format_tip_code(code)))
        files = tuple(answers.get("attachments") or ())
        question = AskTipster(code, answers["question"].strip(), files)
        return Completion(replies=[sent], effects=[question])

    return ask_tipster


def asking_flow(per_hour: int = THREAD_MESSAGES_PER_HOUR) -> Flow:
    return Flow(
        "tip_ask",
        title=N_("menu.tip_ask"),
        steps=[
            code_step(N_("inbox.ask_code"), refuse_early(per_hour)),
            Step(
                "question",
                N_("asking.ask_question"),
                FreeText(min_length=1, max_length=MAX_THREAD_TEXT),
                title=N_("asking.question"),
            ),
            Step(
                "attachments",
                N_("asking.ask_attachments"),
                Attachments(max_items=MAX_THREAD_FILES, more=N_("asking.ask_attachments_more")),
                title=N_("tip.title.attachments"),
            ),
        ],
        complete=asking(per_hour),
        confirm=False,
        commands=("hoi", "ask"),
        action=Action.HANDLE_TIP,
    )
