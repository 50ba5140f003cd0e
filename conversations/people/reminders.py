"""Turning reminders off and on (monthly update reminders, event reminders)."""

from __future__ import annotations

from typing import Any

from conversations.fields import Choice, ChoiceOption
from conversations.flow import Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.people import SetReminders
from conversations.policy import Action
from conversations.replies import Text

SWITCH = Choice(
    ChoiceOption("on", N_("reminders.on"), ("bat", "on", "co", "nhan")),
    ChoiceOption("off", N_("reminders.off"), ("tat", "off", "khong", "dung")),
)


async def say_how_they_are(answers: dict[str, Any], ctx: FlowContext) -> Redirect:
    """Whether reminders are on now, before asking whether the member wants them."""
    on = await ctx.records.people.reminders_enabled(ctx.member.id)
    now = N_("reminders.now_on") if on else N_("reminders.now_off")
    return Redirect(replies=[Text(ctx.t(now))])


async def switch_reminders(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    on = answers["switch"] == "on"
    said = N_("reminders.turned_on") if on else N_("reminders.turned_off")
    return Completion(replies=[Text(ctx.t(said))], effects=[SetReminders(on)])


def reminders_flow() -> Flow:
    return Flow(
        "reminders",
        title=N_("menu.reminders"),
        commands=("nhacnho", "reminders"),
        action=Action.CHOOSE_MESSAGES,
        complete=switch_reminders,
        confirm=False,
        begin=say_how_they_are,
        steps=[Step("switch", N_("reminders.ask"), SWITCH, title=N_("reminders.title"))],
    )
