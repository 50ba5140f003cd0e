"""/guongtot: an admin writes a good-deed story ("gương người tốt, việc tốt") and sends it as a
campaign message: the story becomes the text of the broadcast flow (``/thongbao``), which then
asks for a photo, the audience and the time, and shows the preview, as for any message."""

from __future__ import annotations

from typing import Any

from conversations.fields import FreeText
from conversations.flow import Completion, Flow, FlowContext, NextFlow, Step
from conversations.i18n import N_
from conversations.policy import Action

# The broadcast's text holds the heading, the title and the story (broadcasts' MAX_TEXT: 4000).
MAX_TITLE = 150
MAX_STORY = 3500
BROADCAST_FLOW = "broadcast"


async def complete(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    text = ctx.t(
        N_("commendation.story.text"),
        title=" ".join(answers["title"].split()),
        story=answers["story"].strip(),
    )
    return Completion(next_flow=NextFlow(BROADCAST_FLOW, text))


def story_flow() -> Flow:
    return Flow(
        "good_deed_story",
        title=N_("menu.good_deed_story"),
        commands=("guongtot", "gooddeed"),
        action=Action.BROADCAST,
        confirm=False,
        complete=complete,
        steps=[
            Step(
                "title",
                N_("commendation.story.ask_title"),
                FreeText(min_length=3, max_length=MAX_TITLE),
                N_("commendation.story.title"),
            ),
            Step(
                "story",
                N_("commendation.story.ask_story"),
                FreeText(min_length=20, max_length=MAX_STORY),
                N_("commendation.story.story"),
            ),
        ],
    )
