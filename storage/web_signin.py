"""Failed sign-ins to the web console, counted per client in the database, so that several
processes on one database (behind one proxy) hold one limit (``bot.web.limits``).

Only a digest of the client's address is stored; a failure out of the window is deleted when
the next one, of any client, is counted.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import WebSigninFailure

__all__ = ["count_signin_failures", "signin_failed"]

web_signin_failures: Table = WebSigninFailure.__table__  # type: ignore[assignment]


def _client_digest(client: str) -> str:
    return hashlib.sha256(client.encode()).hexdigest()


async def count_signin_failures(session: AsyncSession, client: str, *, since: datetime) -> int:
    """How many sign-ins of ``client`` failed after ``since``."""
    statement = select(func.count()).where(
        web_signin_failures.c.client == _client_digest(client),
        web_signin_failures.c.failed_at > since,
    )
    return int(await session.scalar(statement) or 0)


async def signin_failed(
    session: AsyncSession, client: str, *, now: datetime, forget_before: datetime
) -> None:
    """Count a failed sign-in of ``client`` at ``now``; every client's failures up to
    ``forget_before`` (out of the window) are deleted on the way."""
    await session.execute(
        delete(web_signin_failures).where(web_signin_failures.c.failed_at <= forget_before)
    )
    await session.execute(
        insert(web_signin_failures).values(client=_client_digest(client), failed_at=now)
    )
