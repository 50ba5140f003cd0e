"""Opinions in memory: none are kept here (they are tested through the database,
tests/bot/opinions); the reads answer empty so that flows reading them (an event's details
list a forum's opinions) run in the memory chat."""

from __future__ import annotations

from datetime import datetime

from conversations.opinions import ForumItem, ForumView, OpinionView


class MemoryOpinionReads:
    async def opinion_queue(self, paths: list[str], limit: int) -> list[OpinionView]:
        return []

    async def opinion(self, code: str) -> OpinionView | None:
        return None

    async def forums(self, commune_path: str, now: datetime) -> list[ForumView]:
        return []

    async def forum_opinions(self, event_id: int) -> list[ForumItem]:
        return []
