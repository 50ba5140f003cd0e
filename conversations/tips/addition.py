"""A tipster adds to their tip: ``/bosung MÃ`` (``/add``, ``/themtin``), then a text, photos or
both. The code is checked as ``/status`` checks it (the same stored lockout, the same "not
found"), before anything is asked, so nothing written is lost to a mistyped code. What is
added goes into the tip's thread without who wrote it; the bot tells the tip's officers.
"""

from __future__ import annotations

from typing import Any

from conversations.fields import (
    FINISH_WORDS,
    Attachments,
    ChoiceOption,
    OptionalText,
    TipCode,
    format_tip_code,
)
from conversations.flow import FINISHED, Answers, Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.policy import Action
from conversations.replies import Text
from conversations.secret_codes import CodeKind
from conversations.tips import FINAL, MAX_THREAD_FILES, MAX_THREAD_TEXT, AddToTip
from conversations.tips.status import check_tip_code

SKIP_TEXT = ChoiceOption("skip", N_("common.skip"), FINISH_WORDS)


async def refuse_unusable_code(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    """A code that is wrong, or typed while locked out, ends the flow at once; the completion
    answers it as ``/status`` would (and counts the failure)."""
    code = answers["code"]
    attempts = await ctx.records.people.code_attempts(ctx.member.id, CodeKind.TIP)
    if attempts.minutes_to_wait(ctx.now) is None and code:
        found = await ctx.records.tips.tip_status(code)
        if found is not None and found.status not in FINAL:
            return None
    return Redirect(answers={"refused": True}, step=FINISHED)


def writing(answers: Answers) -> bool:
    return not answers.get("refused")


async def add_to_tip(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    check = await check_tip_code(answers["code"], ctx)
    if check.tip is None:
        assert check.refusal is not None
        return check.refusal
    code = format_tip_code(check.tip.code)
    if check.tip.status in FINAL:
        closed = Text(ctx.t(N_("addition.closed"), code=code))
        return Completion(replies=[closed], effects=check.effects)
    text = (answers.get("text") or "").strip() or None
    files = tuple(answers.get("attachments") or ())
    if text is None and not files:
        empty = Text(ctx.t(N_("addition.empty")))
        return Completion(redirect=Redirect(replies=[empty], step="text"))
    sent = Text(ctx.t(N_("addition.sent"), code=code))
    return Completion(
        replies=[sent], effects=[*check.effects, AddToTip(check.tip.code, text, files)]
    )


def addition_flow() -> Flow:
    return Flow(
        "tip_add",
        title=N_("menu.tip_add"),
        steps=[
            Step(
                "code",
                N_("status.ask_code"),
                TipCode(),
                title=N_("status.code"),
                after=refuse_unusable_code,
            ),
            Step(
                "text",
                N_("addition.ask_text"),
                OptionalText(SKIP_TEXT, max_length=MAX_THREAD_TEXT),
                title=N_("addition.text"),
                applies=writing,
            ),
            Step(
                "attachments",
                N_("addition.ask_attachments"),
                Attachments(max_items=MAX_THREAD_FILES),
                title=N_("tip.title.attachments"),
                applies=writing,
            ),
        ],
        complete=add_to_tip,
        confirm=False,
        commands=("bosung", "add", "themtin"),
        action=Action.FOLLOW_OWN_TIP,
    )
