"""Users an officer is talking to from the OA's own manager, whom the bot leaves alone.

An officer may answer a user directly in the OA manager (oa.zalo.me). Zalo tells us with an
``oa_send_*`` event naming the admin. The bot does not answer that user's messages over the
officer for ``pause`` after the officer's latest message; then it answers again. Kept in the
database (``storage.zalo_oa_officers``): every process on it keeps quiet, whichever received
the officer's event, and a restart forgets nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from storage.database import Database
from storage.zalo_oa_officers import officer_pause_until, pause_for_officer


class OfficerConversations:
    """Who an officer wrote to lately, and whether the bot keeps quiet to them."""

    def __init__(self, database: Database, pause: timedelta, clock: Callable[[], datetime]) -> None:
        self.database = database
        self.pause = pause
        self.clock = clock

    async def wrote_to(self, user_id: str) -> None:
        """An officer's message to ``user_id`` from the OA manager: quiet from now on."""
        if self.pause > timedelta(0):
            now = self.clock()
            async with self.database.transaction() as session:
                await pause_for_officer(session, user_id, until=now + self.pause, now=now)

    async def talking_to(self, user_id: str) -> bool:
        """Is an officer talking to ``user_id`` (their latest message within the pause)?"""
        async with self.database.session() as session:
            until = await officer_pause_until(session, user_id)
        return until is not None and self.clock() < until
