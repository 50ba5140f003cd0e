"""A tipster ends the dialogue about their tip: ``/ketthuc MÃ`` (``/endthread``), which the
"Kết thúc trao đổi" button under an officer's question sends. (``/dunglai`` already stops
campaign messages.)

The code is checked as ``/status`` checks it. Once ended, officers see that the tipster ended
it and no officer's message is relayed any more; the tipster may still add to the tip with
``/bosung`` (they chose to write).
"""

from __future__ import annotations

from typing import Any

from conversations.fields import format_tip_code
from conversations.flow import Completion, Flow, FlowContext
from conversations.i18n import N_
from conversations.policy import Action
from conversations.replies import Text
from conversations.tips import EndThread
from conversations.tips.status import check_tip_code, tip_code_question


async def end_thread(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    check = await check_tip_code(answers["code"], ctx)
    if check.tip is None:
        assert check.refusal is not None
        return check.refusal
    code = format_tip_code(check.tip.code)
    if check.tip.thread_ended:
        return Completion(
            replies=[Text(ctx.t(N_("ending.already"), code=code))], effects=check.effects
        )
    return Completion(
        replies=[Text(ctx.t(N_("ending.done"), code=code))],
        effects=[*check.effects, EndThread(check.tip.code)],
    )


def ending_flow() -> Flow:
    commands = ("ketthuc", "endthread")
    return Flow.one_question(
        "tip_end_thread",
        N_("menu.tip_end_thread"),
        tip_code_question(),
        end_thread,
        commands=commands,
        action=Action.FOLLOW_OWN_TIP,
    )
