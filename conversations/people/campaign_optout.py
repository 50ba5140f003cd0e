"""Anybody can stop campaign messages (broadcasts) and turn them back on.

``/dunglai`` (or ``/stop``) and ``/batlai`` act at once; the menu item asks which. Reminders
for a member's role and news of their own tips are not campaign messages and keep coming.
"""

from __future__ import annotations

from typing import Any

from conversations.fields import Choice, ChoiceOption
from conversations.flow import Completion, Flow, FlowContext, Step, answered_at_once
from conversations.i18n import N_
from conversations.people import SetCampaigns
from conversations.policy import Action
from conversations.replies import Text

ON_OFF = Choice(
    ChoiceOption("off", N_("campaigns.choice.off"), ("dung", "dung lai", "tat", "stop", "off")),
    ChoiceOption("on", N_("campaigns.choice.on"), ("bat", "bat lai", "nhan", "on", "resume")),
)


async def set_campaigns(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    enabled = answers["choice"] == "on"
    said = N_("campaigns.turned_on") if enabled else N_("campaigns.turned_off")
    return Completion(replies=[Text(ctx.t(said))], effects=[SetCampaigns(enabled)])


def _flow(name: str, commands: tuple[str, ...], choice: str | None) -> Flow:
    title = N_("campaigns.menu")
    question = Step("choice", N_("campaigns.ask"), ON_OFF, title=title)
    # /dunglai and its opposite act at once with their choice; the menu item asks.
    begin = answered_at_once("choice", choice) if choice else None
    return Flow.one_question(
        name,
        title,
        question,
        set_campaigns,
        commands=commands,
        action=Action.CHOOSE_MESSAGES,
        begin=begin,
    )


def campaigns_flow() -> Flow:
    """The menu item: stop or resume, as the member chooses."""
    return _flow("campaigns", ("campaigns", "tinchiendich"), None)


def campaigns_off_flow() -> Flow:
    return _flow("campaigns_off", ("dunglai", "stop", "unsubscribe"), "off")


def campaigns_on_flow() -> Flow:
    return _flow("campaigns_on", ("batlai", "subscribe"), "on")
