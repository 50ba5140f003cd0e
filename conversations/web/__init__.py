"""The officers' web console as the chat knows it: the one-time login link.

An officer or admin types ``/web`` (``/trangquanly``); the bot answers with a link to the
console that works once, for ten minutes, for that member only. The link is made by the bot
(``bot.web``): a flow never holds a token.
"""

from __future__ import annotations

from dataclasses import dataclass

from conversations.effects import Effect

LOGIN_LINK_MINUTES = 10


@dataclass(frozen=True)
class SendWebLoginLink(Effect):
    """Make a one-time login link to the console at ``base_url`` for the member and send it."""

    base_url: str
