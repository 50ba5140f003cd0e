"""A tipster adds to their tip: ``/bosung MÃ`` (``/add``, ``/themtin``), then a text, photos or
both. The code is checked as ``/status`` checks it (the same stored lockout, the same "not
found"), before anything is asked, so nothing written is lost to a mistyped code. What is
added goes into the tip's thread without who wrote it; the bot tells the tip's officers.
"""

from __future__ import annotations

from typing import Any

from conversations.fields import (
    FINISH_WORDS,
    ChoiceOption,
    OptionalText,
    format_tip_code,
)
from conversations.flow import Answers, Complete, Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.policy import Action
from conversations.replies import Text
from conversations.tips import (
    MAX_THREAD_FILES,
    MAX_THREAD_TEXT,
    THREAD_MESSAGES_PER_HOUR,
    AddToTip,
)
from conversations.tips.fields import FilesAndPlace, files_of, shared_point
from conversations.tips.status import tipster_code_step, writable_tip

SKIP_TEXT = ChoiceOption("skip", N_("common.skip"), FINISH_WORDS)


def writing(answers: Answers) -> bool:
    return not answers.get("refused")


def adding(per_hour: int) -> Complete:
    async def add(answers: dict[str, Any], ctx: FlowContext) -> Completion:
        return await add_to_tip(answers, ctx, per_hour)

    return add


async def add_to_tip(answers: dict[str, Any], ctx: FlowContext, per_hour: int) -> Completion:
    tip = await writable_tip(answers["code"], ctx, per_hour)
    if isinstance(tip, Completion):
        return tip
    text = (answers.get("text") or "").strip() or None
    files = tuple(files_of(answers.get("attachments")))
    point = shared_point(answers.get("attachments"))
    if text is None and not files and point is None:
        empty = Text(ctx.t(N_("addition.empty")))
        return Completion(redirect=Redirect(replies=[empty], step="text"))
    sent = Text(ctx.t(N_("addition.sent"), code=format_tip_code(tip.code)))
    return Completion(
        replies=[sent], effects=[*tip.effects, AddToTip(tip.code, text, files, point)]
    )


def addition_flow(per_hour: int = THREAD_MESSAGES_PER_HOUR) -> Flow:
    return Flow(
        "tip_add",
        title=N_("menu.tip_add"),
        steps=[
            tipster_code_step(per_hour),
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
                FilesAndPlace(max_items=MAX_THREAD_FILES),
                title=N_("tip.title.attachments"),
                applies=writing,
            ),
        ],
        complete=adding(per_hour),
        confirm=False,
        commands=("bosung", "add", "themtin"),
        action=Action.FOLLOW_OWN_TIP,
    )
