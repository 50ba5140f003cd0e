"""A tipster answers an officer's question in place: ``/traloi MÃ`` (``/reply``), which the
"Trả lời" button under a question sends, then the answer itself, the next message, which goes
into the tip's thread with a short confirmation.

The code is checked as ``/status`` checks it (the same stored lockout, the same "not found")
before the answer is asked for, and so is the hourly limit, so nothing written is lost to
either. A sticker, a photo, an empty or too long answer is explained and asked again; a
command in the middle of an answer is run as it is anywhere (``/huy`` leaves the answer).
"""

from __future__ import annotations

from typing import Any

from conversations.fields import FreeText, format_tip_code
from conversations.flow import Complete, Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.policy import Action
from conversations.replies import Text
from conversations.tips import (
    KEPT_AFTER_CLOSING_DAYS,
    MAX_THREAD_TEXT,
    THREAD_MESSAGES_PER_HOUR,
    AddToTip,
)
from conversations.tips.status import tipster_code_step, writable_tip


def answering(per_hour: int) -> Complete:
    async def answer(answers: dict[str, Any], ctx: FlowContext) -> Completion:
        tip = await writable_tip(answers["code"], ctx, per_hour)
        if isinstance(tip, Completion):
            return tip
        sent = Text(ctx.t(N_("answering.sent"), code=format_tip_code(tip.code)))
        text = answers["text"].strip()
        return Completion(
            replies=[sent], effects=[*tip.effects, AddToTip(tip.code, text, answer=True)]
        )

    return answer


def answering_flow(
    per_hour: int = THREAD_MESSAGES_PER_HOUR, route_days: int = KEPT_AFTER_CLOSING_DAYS
) -> Flow:
    """``route_days``: how many days after the tip is closed its sealed route back is erased."""
    return Flow(
        "tip_reply",
        title=N_("menu.tip_reply"),
        steps=[
            tipster_code_step(per_hour),
            Step(
                "text",
                N_("answering.ask_text"),
                FreeText(min_length=1, max_length=MAX_THREAD_TEXT),
                title=N_("answering.text"),
                applies=lambda answers: not answers.get("refused"),
                params=(("days", route_days),),
            ),
        ],
        complete=answering(per_hour),
        confirm=False,
        commands=("traloi", "reply"),
        action=Action.FOLLOW_OWN_TIP,
    )
