"""The engine's reads of opinions: the commune's queue, one opinion with its thread, the forums
an opinion may be listed for and the opinions a forum will answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.opinions.forum import forum_item
from conversations.localtime import shown
from conversations.opinions import ForumItem, ForumView, OpinionView
from storage.opinions import (
    OpinionRecord,
    find_opinion_by_code,
    forums_for,
    opinion_queue,
    opinions_of_event,
    thread_of,
)


def opinion_view(record: OpinionRecord, thread: tuple[tuple[str, str], ...] = ()) -> OpinionView:
    """An opinion as the officers read it: the day it came (UTC midnight: the day itself)."""
    return OpinionView(
        code=record.code,
        category=record.category,
        text=record.text,
        place=record.place_text,
        commune=record.area_name or "-",
        commune_path=record.area_path or "",
        status=record.status,
        received_on=record.received_on.strftime("%d/%m/%Y"),
        anonymous=record.anonymous,
        has_photo=record.photo is not None,
        thread=thread,
    )


@dataclass(frozen=True)
class OpinionRecords:
    """Reads of opinions and proposals."""

    session: AsyncSession

    async def opinion_queue(self, paths: list[str], limit: int) -> list[OpinionView]:
        found = await opinion_queue(self.session, paths, limit=limit)
        return [opinion_view(record) for record in found]

    async def opinion(self, code: str) -> OpinionView | None:
        record = await find_opinion_by_code(self.session, code)
        if record is None:
            return None
        return opinion_view(record, tuple(await thread_of(self.session, record.id)))

    async def forums(self, commune_path: str, now: datetime) -> list[ForumView]:
        found = await forums_for(self.session, commune_path, now=now)
        return [
            ForumView(forum.id, forum.title, forum.place_text, shown(forum.starts_at))
            for forum in found
        ]

    async def forum_opinions(self, event_id: int) -> list[ForumItem]:
        found = await opinions_of_event(self.session, event_id)
        return [forum_item(opinion_view(record)) for record in found]
