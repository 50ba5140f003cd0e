"""Bring a database's schema up to date with Alembic (called at start-up and by the CLI)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from storage.database import async_url, create_engine, ensure_sqlite_directory

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "current",
    "head",
    "hold_first_start_lock",
    "lock_first_start",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# The PostgreSQL advisory lock (class, key) under which processes started together migrate
# and load the first data one after another: the second finds the work done instead of
# racing the first into a unique constraint. SQLite needs none: a transaction there takes the
# database's one write lock as it begins.
_FIRST_START_LOCK = text("SELECT pg_advisory_xact_lock(20031, 1)")


def lock_first_start(connection: Connection) -> None:
    """Hold the first-start lock until ``connection``'s transaction ends (PostgreSQL only)."""
    if connection.dialect.name == "postgresql":
        connection.execute(_FIRST_START_LOCK)


async def hold_first_start_lock(session: AsyncSession) -> None:
    """``lock_first_start`` for a session's transaction: wrap a check-then-insert of the first
    start ("no place yet: load them") in it."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(_FIRST_START_LOCK)


def alembic_config(url: str) -> Config:
    """An Alembic Config for ``url`` built in code (no ini file, no logging reconfiguration).

    The URL travels in ``config.attributes``, never in the main options, so it cannot be
    echoed by Alembic's messages.
    """
    config = Config()
    # Config options are %-interpolated: escape the path.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.attributes["database_url"] = async_url(url)
    return config


def head() -> str:
    """The newest revision the code knows."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    revision = ScriptDirectory.from_config(config).get_current_head()
    assert revision is not None
    return revision


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at ``url`` to ``revision`` (a no-op when already there).

    Synchronous, and it runs its own event loop: from async code call it with
    ``await asyncio.to_thread(upgrade, url)``.
    """
    ensure_sqlite_directory(async_url(url))
    command.upgrade(alembic_config(url), revision)


def _read_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def _current(url: str) -> str | None:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_read_revision)
    finally:
        await engine.dispose()


def current(url: str) -> str | None:
    """The revision the database at ``url`` is at, or None before the first migration.

    Synchronous like ``upgrade``; call it through ``asyncio.to_thread`` from async code.
    """
    ensure_sqlite_directory(async_url(url))
    return asyncio.run(_current(url))
