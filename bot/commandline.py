"""What the ``antq`` sub-commands of every feature share: one transaction on the configured
database, run from a synchronous command, and the audit of what the operator did."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from storage.audit import record_audit
from storage.database import Database

T = TypeVar("T")


async def audit_operator(
    session: AsyncSession,
    action: str,
    subject_kind: str,
    subject_id: int | None = None,
    *,
    role: str | None = None,
    area_id: int | None = None,
    at: datetime | None = None,
) -> None:
    """Log what the operator did from the command line: it needs no role, so it has no actor."""
    await record_audit(
        session,
        action,
        actor_member_id=None,
        subject_kind=subject_kind,
        subject_id=subject_id,
        role=role,
        area_id=area_id,
        at=at,
    )


def in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction on the configured database."""

    async def run() -> T:
        database = Database(Settings().database_url)
        try:
            async with database.transaction() as session:
                return await work(session)
        finally:
            await database.dispose()

    return asyncio.run(run())
