"""What the ``antq`` sub-commands of every feature share: one transaction on the configured
database, run from a synchronous command, the audit of what the operator did, and the server
key."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from bot.sealing import MissingSecretKey, Sealer, load_sealer
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


def configured_sealer(settings: Settings | None = None) -> Sealer:
    """The server key as ``antq run`` loads it (ANTQ_SECRET_KEY, or a local SQLite set-up's
    key file); without one, the command ends with a line saying what to set."""
    settings = settings or Settings()
    configured = settings.secret_key.get_secret_value() if settings.secret_key else None
    try:
        return load_sealer(
            configured,
            data_dir=settings.data_dir,
            allow_local_key=make_url(settings.database_url).get_backend_name() == "sqlite",
        )
    except MissingSecretKey as missing:
        typer.echo(str(missing), err=True)
        raise typer.Exit(1) from None
