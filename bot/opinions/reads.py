"""The engine's reads of opinions: the commune's queue, one opinion with its answers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.opinions import OpinionView
from storage.opinions import OpinionRecord, answers_of, find_opinion_by_code, opinion_queue


def opinion_view(record: OpinionRecord, answers: tuple[str, ...] = ()) -> OpinionView:
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
        answers=answers,
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
        return opinion_view(record, tuple(await answers_of(self.session, record.id)))
