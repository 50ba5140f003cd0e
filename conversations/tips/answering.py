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

from conversations.fields import FreeText, TipCode, format_tip_code
from conversations.flow import Complete, Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.policy import Action
from conversations.replies import Text
from conversations.tips import (
    FINAL,
    MAX_THREAD_TEXT,
    THREAD_MESSAGES_PER_HOUR,
    TIPSTER,
    AddToTip,
    thread_full,
)
from conversations.tips.status import check_tip_code, limit_reply, tipster_code_check


def answering(per_hour: int) -> Complete:
    async def answer(answers: dict[str, Any], ctx: FlowContext) -> Completion:
        check = await check_tip_code(answers["code"], ctx)
        if check.tip is None:
            assert check.refusal is not None
            return check.refusal
        code = format_tip_code(check.tip.code)
        if check.tip.status in FINAL:
            closed = Text(ctx.t(N_("addition.closed"), code=code))
            return Completion(replies=[closed], effects=check.effects)
        if await thread_full(ctx.records.tips, check.tip.code, TIPSTER, ctx.now, per_hour):
            return Completion(replies=[limit_reply(check.tip.code, ctx, per_hour)])
        sent = Text(ctx.t(N_("answering.sent"), code=code))
        text = answers["text"].strip()
        return Completion(replies=[sent], effects=[*check.effects, AddToTip(check.tip.code, text)])

    return answer


def answering_flow(per_hour: int = THREAD_MESSAGES_PER_HOUR) -> Flow:
    return Flow(
        "tip_reply",
        title=N_("menu.tip_reply"),
        steps=[
            Step(
                "code",
                N_("status.ask_code"),
                TipCode(),
                title=N_("status.code"),
                after=tipster_code_check(per_hour),
            ),
            Step(
                "text",
                N_("answering.ask_text"),
                FreeText(min_length=1, max_length=MAX_THREAD_TEXT),
                title=N_("answering.text"),
                applies=lambda answers: not answers.get("refused"),
            ),
        ],
        complete=answering(per_hour),
        confirm=False,
        commands=("traloi", "reply"),
        action=Action.FOLLOW_OWN_TIP,
    )
