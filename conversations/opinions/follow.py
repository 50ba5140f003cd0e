"""The resident's side of an opinion after sending it: its status and thread looked up by its
code (``/tracuugopy``), and a word back to the officers' answer (``/traloigopy``, which the
button under each answer sends).

The code is the secret, as for a tip: it is checked under the tips' stored lockout
(``check_secret_code``), so a wrong code here counts against guessing a tip's code too, and is
answered with the same "not found". The resident writes back once after each answer of the
officers, a few rounds, until the opinion is done: that keeps the thread a conversation and
not a channel somebody could fill.
"""

from __future__ import annotations

from typing import Any

from conversations.code_lookup import SecretCodeCheck, check_secret_code
from conversations.fields import FreeText, TipCode, format_tip_code
from conversations.flow import FINISHED, Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.opinions import (
    CATEGORIES,
    DONE_STATUS,
    MAX_ANSWER,
    OFFICER_SIDE,
    OpinionView,
    WriteBack,
)
from conversations.policy import Action
from conversations.replies import Text

STATUS_LABELS = {
    "received": N_("opinions.status.received"),
    "answered": N_("opinions.status.answered"),
    "done": N_("opinions.status.done"),
}


NOT_FOUND = N_("opinions.follow.not_found")
SLOW_DOWN = N_("opinions.follow.slow_down")


def code_step(after: Any = None) -> Step:
    return Step(
        "code", N_("opinions.follow.ask_code"), TipCode(), N_("opinions.title.code"), after=after
    )


async def _checked(code: str, ctx: FlowContext) -> SecretCodeCheck[OpinionView]:
    """The opinion ``code`` opens, under the tips' lockout."""
    find = ctx.records.opinions.opinion
    return await check_secret_code(code, ctx, find, NOT_FOUND, SLOW_DOWN)


def thread_lines(view: OpinionView, ctx: FlowContext) -> list[str]:
    """The thread as its sender reads it: who wrote each message by side, never by name."""
    lines = []
    for side, text in view.thread:
        key = N_("opinions.thread.officer") if side == OFFICER_SIDE else N_("opinions.thread.you")
        lines.append(ctx.t(key, text=text))
    return lines


async def look_up(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    check = await _checked(answers["code"], ctx)
    if check.found is None:
        assert check.refusal is not None
        return check.refusal
    view = check.found
    code = format_tip_code(view.code)
    lines = [
        ctx.t(
            N_("opinions.follow.found"),
            code=code,
            category=CATEGORIES.display(view.category, ctx),
            commune=view.commune,
            day=view.received_on,
            status=ctx.t(STATUS_LABELS.get(view.status, STATUS_LABELS["received"])),
        )
    ]
    lines.extend(thread_lines(view, ctx))
    if view.awaits_resident:
        lines.append(ctx.t(N_("opinions.follow.may_write_back"), command=f"/traloigopy {code}"))
    return Completion(replies=[Text("\n".join(lines))], effects=check.effects)


def opinion_status_flow() -> Flow:
    return Flow.one_question(
        "opinion_status",
        N_("opinions.menu.status"),
        code_step(),
        look_up,
        commands=("tracuugopy", "opinionstatus"),
        action=Action.SEND_OPINION,
    )


async def _writable(code: str, ctx: FlowContext) -> OpinionView | Completion:
    """The opinion ``code`` opens when its sender may write back now; otherwise the answer
    that says why not (a wrong code, done, nothing to answer yet)."""
    check = await _checked(code, ctx)
    if check.found is None:
        assert check.refusal is not None
        return check.refusal
    view = check.found
    shown = format_tip_code(view.code)
    if view.status == DONE_STATUS:
        done = Text(ctx.t(N_("opinions.follow.done"), code=shown))
        return Completion(replies=[done], effects=check.effects)
    if not view.awaits_resident:
        wait = Text(ctx.t(N_("opinions.follow.wait"), code=shown))
        return Completion(replies=[wait], effects=check.effects)
    return view


async def code_checked(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    """A code that opens nothing to answer ends the flow at once, before the words are asked
    for (the completion says why): nothing written is lost."""
    found = await _writable(answers["code"], ctx)
    if isinstance(found, Completion):
        return Redirect(answers={"refused": True}, step=FINISHED)
    return None


async def write_back(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    found = await _writable(answers["code"], ctx)
    if isinstance(found, Completion):
        return found
    sent = Text(ctx.t(N_("opinions.follow.sent"), code=format_tip_code(found.code)))
    return Completion(replies=[sent], effects=[WriteBack(found.code, answers["text"].strip())])


def opinion_reply_flow() -> Flow:
    return Flow(
        "opinion_reply",
        title=N_("opinions.menu.reply"),
        steps=[
            code_step(code_checked),
            Step(
                "text",
                N_("opinions.follow.ask_text"),
                FreeText(min_length=2, max_length=MAX_ANSWER),
                N_("opinions.title.reply"),
                applies=lambda answers: not answers.get("refused"),
            ),
        ],
        complete=write_back,
        confirm=False,
        commands=("traloigopy", "opinionreply"),
        action=Action.SEND_OPINION,
    )
