"""Alembic environment: runs the migrations on our async engines (SQLite or PostgreSQL).

The database URL comes from ``config.attributes["database_url"]`` (set by storage.migrate) or,
for command-line use, from ANTQ_DATABASE_URL; never from alembic.ini.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection

from storage.database import DEFAULT_SQLITE_URL, create_engine
from storage.migrate import lock_first_start
from storage.tables import Base

config = context.config
target_metadata = Base.metadata


def _database_url() -> str:
    url = config.attributes.get("database_url")
    if url:
        return str(url)
    return os.environ.get("ANTQ_DATABASE_URL") or DEFAULT_SQLITE_URL


def _do_run_migrations(connection: Connection) -> None:
    is_sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=is_sqlite,
        # Our SQLite connections emit their own BEGIN, so DDL is transactional there too:
        # a failed upgrade leaves the database as it was.
        transactional_ddl=True,
    )
    with context.begin_transaction():
        # Before reading the schema's revision: a process started beside another waits for
        # its migrations to commit, then finds nothing left to do.
        lock_first_start(connection)
        context.run_migrations()
        if is_sqlite:
            # Foreign keys are off during migrations (see below); make sure none were broken.
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"migration broke foreign keys: {problems[:5]}")


async def _run_async_migrations() -> None:
    # foreign_keys=False: a batch migration rebuilds a table by copy + DROP, and dropping a
    # parent table with foreign keys enforced would cascade-delete its children's rows.
    engine = create_engine(_database_url(), poolclass=pool.NullPool, foreign_keys=False)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_do_run_migrations)
            await connection.commit()
    finally:
        await engine.dispose()


def _run_offline() -> None:
    context.configure(
        url=_database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    _run_offline()
else:
    # Runs in the caller's thread; storage.migrate documents calling it via asyncio.to_thread
    # while the bot's loop runs, so this thread has no loop of its own.
    asyncio.run(_run_async_migrations())
