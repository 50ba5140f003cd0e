"""Users an officer is talking to from the OA's own manager, whom the bot leaves alone.

An officer may answer a user directly in the OA manager (oa.zalo.me). Zalo tells us with an
``oa_send_*`` event naming the admin. The bot does not answer that user's messages over the
officer for ``pause`` after the officer's latest message; then it answers again. Kept in the
process's memory: after a restart, or in another process, the bot answers at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta


class OfficerConversations:
    """Who an officer wrote to lately, and whether the bot keeps quiet to them."""

    def __init__(self, pause: timedelta, clock: Callable[[], datetime]) -> None:
        self.pause = pause
        self.clock = clock
        self._until: dict[str, datetime] = {}

    def wrote_to(self, user_id: str) -> None:
        """An officer's message to ``user_id`` from the OA manager: quiet from now on."""
        if self.pause > timedelta(0):
            self._until[user_id] = self.clock() + self.pause

    def talking_to(self, user_id: str) -> bool:
        """Is an officer talking to ``user_id`` (their latest message within the pause)?"""
        until = self._until.get(user_id)
        if until is None:
            return False
        if self.clock() >= until:
            del self._until[user_id]
            return False
        return True
