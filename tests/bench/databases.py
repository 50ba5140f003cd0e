"""Throwaway, migrated databases for benchmarks: an SQLite file, or a PostgreSQL database.

PostgreSQL is reached at ``postgresql://postgres@127.0.0.1:5432/postgres`` unless
``ANTQ_BENCH_POSTGRES_URL`` says otherwise; a database ``antq_bench_<hex>`` is created there
and dropped (``WITH (FORCE)``) afterwards.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg

from storage.database import Database
from storage.migrate import upgrade
from tests.harness import plain_postgres_url, postgres_location

POSTGRES_ADMIN_URL = os.environ.get(
    "ANTQ_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
_CONNECT_TIMEOUT_SECONDS = 3.0


class DatabaseUnavailable(Exception):
    """The database server cannot be used; the message says why (no credentials in it)."""


async def _admin_execute(sql: str) -> None:
    connection = await asyncpg.connect(
        plain_postgres_url(POSTGRES_ADMIN_URL), timeout=_CONNECT_TIMEOUT_SECONDS
    )
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def _migrated(url: str) -> Database:
    # Alembic runs its own event loop, so it must run outside this one.
    await asyncio.to_thread(upgrade, url)
    return Database(url)


@asynccontextmanager
async def sqlite_database() -> AsyncIterator[Database]:
    """A migrated SQLite database in a fresh temporary directory (WAL, as in production)."""
    with tempfile.TemporaryDirectory(prefix="antq-bench-") as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.sqlite3'}"
        database = await _migrated(url)
        try:
            yield database
        finally:
            await database.dispose()


@asynccontextmanager
async def postgresql_database() -> AsyncIterator[Database]:
    """A migrated, temporary PostgreSQL database; raises DatabaseUnavailable if unreachable."""
    name = f"antq_bench_{secrets.token_hex(6)}"
    try:
        await _admin_execute(f'CREATE DATABASE "{name}"')
    except (TimeoutError, OSError, asyncpg.PostgresError) as error:
        where = postgres_location(POSTGRES_ADMIN_URL)
        raise DatabaseUnavailable(
            f"PostgreSQL not usable at {where}: {type(error).__name__}: {error}"
        ) from error
    try:
        url = plain_postgres_url(POSTGRES_ADMIN_URL, name)
        database = await _migrated(url.replace("postgresql://", "postgresql+asyncpg://", 1))
        try:
            yield database
        finally:
            await database.dispose()
    finally:
        await _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
