"""The engine's reads of the compliance overview."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.exports.compliance import tally_compliance
from conversations.exports import ComplianceTally
from conversations.places import Place
from storage.exports import Sessions


def same_session(session: AsyncSession) -> Sessions:
    """Pages read in the caller's transaction (a chat export is capped, so it stays short)."""

    @asynccontextmanager
    async def opened() -> AsyncIterator[AsyncSession]:
        yield session

    return opened


@dataclass(frozen=True)
class OverviewRecords:
    """Reads of the compliance overview."""

    session: AsyncSession

    async def compliance(
        self, place: Place, period: str, today: date, deadline: date
    ) -> ComplianceTally:
        return await tally_compliance(same_session(self.session), place, period, today, deadline)
