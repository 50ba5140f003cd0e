"""``/web`` (``/trangquanly``): a one-time link to the officers' web console."""

from __future__ import annotations

from typing import Any

from conversations.flow import Completion, Flow, FlowContext
from conversations.i18n import N_
from conversations.policy import Action
from conversations.web import SendWebLoginLink

# Where the console answers when ANTQ_WEB_BASE_URL is not set: the machine itself.
LOCAL_BASE_URL = "http://127.0.0.1:8080"


def web_login_flow(base_url: str | None = None) -> Flow:
    """The flow that answers ``/web`` with a link to the console at ``base_url``."""
    address = (base_url or LOCAL_BASE_URL).rstrip("/")

    async def send_link(answers: dict[str, Any], ctx: FlowContext) -> Completion:
        # The bot makes the link and says it (the reply carries the one-time token).
        return Completion(effects=[SendWebLoginLink(address)])

    commands = ("web", "trangquanly")
    return Flow.at_once(
        "web_login",
        N_("web.menu"),
        send_link,
        step="link",
        commands=commands,
        action=Action.WEB_CONSOLE,
    )
