"""The engine's reads of self-managed security models and their activities."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.places import place_of_record
from bot.rows import from_row
from conversations.parsing import fold
from conversations.security_models import (
    ModelView,
)
from storage.security_models import (
    SecurityModelRecord,
    security_model_by_id,
    security_models_within,
)

# Names are matched in Python (accents optional), among at most this many models of a place.
MAX_SCANNED = 2000


def model_view(record: SecurityModelRecord) -> ModelView:
    return from_row(ModelView, record, place=place_of_record(record))


@dataclass(frozen=True)
class SecurityModelRecords:
    """Reads of self-managed security models and their activity logs."""

    session: AsyncSession

    async def models_within(
        self, path: str, *, query: str | None, limit: int, include_ended: bool = False
    ) -> list[ModelView]:
        found = await security_models_within(
            self.session, path, include_ended=include_ended, limit=MAX_SCANNED
        )
        if query:
            folded = fold(query)
            found = [record for record in found if folded in fold(record.name)]
        return [model_view(record) for record in found[:limit]]

    async def model_by_id(self, model_id: int) -> ModelView | None:
        record = await security_model_by_id(self.session, model_id)
        return None if record is None else model_view(record)
