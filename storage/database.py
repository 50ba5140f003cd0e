"""The bot's database connection: one async engine and session factory per process.

SQLite (the default) and PostgreSQL are both supported; SQLite connections get the pragmas
and transaction handling that make concurrent async use safe (see ``configure_sqlite``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, pool, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

__all__ = [
    "DEFAULT_SQLITE_URL",
    "Database",
    "async_url",
    "configure_sqlite",
    "create_engine",
    "ensure_sqlite_directory",
    "is_file_sqlite",
]

DEFAULT_SQLITE_URL = "sqlite+aiosqlite:///./data/antq.sqlite3"

log = logging.getLogger(__name__)

_POSTGRES_NAMES = {"postgres", "postgresql"}
_SQLITE_BUSY_TIMEOUT_MS = 10_000


def async_url(url: str) -> str:
    """Return ``url`` with its driver switched to the async one we use (asyncpg / aiosqlite).

    Accepts ``postgresql://``, ``postgres://``, ``postgresql+psycopg2://``, ``sqlite://`` and the
    like, so operators can paste the URL their hosting gives them.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend in _POSTGRES_NAMES:
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    else:
        raise ValueError(f"unsupported database backend {backend!r}; use sqlite or postgresql")
    return parsed.render_as_string(hide_password=False)


def is_file_sqlite(url: str) -> bool:
    """True for an SQLite database that lives in a file (not in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return False
    database = parsed.database or ""
    return database not in ("", ":memory:") and not database.startswith("file::memory:")


def ensure_sqlite_directory(url: str) -> None:
    """Create the directory an SQLite database file will live in, if it is missing."""
    if not is_file_sqlite(url):
        return
    database = make_url(url).database or ""
    if database.startswith("file:"):
        # URI filename (uri=true): strip the scheme and any query string.
        database = database[len("file:") :].split("?", 1)[0]
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _dumps(value: Any) -> str:
    # Vietnamese text stays readable and about half the size of \u escapes.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def configure_sqlite(engine: Engine, *, file_database: bool, foreign_keys: bool = True) -> None:
    """Install the per-connection pragmas and the BEGIN IMMEDIATE hook on an SQLite engine.

    The driver's own transaction handling is switched off (``isolation_level=None`` is passed
    at connect time) and every transaction starts with ``BEGIN IMMEDIATE``: it takes the write
    lock up front, so a read-then-write transaction waits on ``busy_timeout`` instead of failing
    with SQLITE_BUSY when it tries to upgrade its lock; and SELECTs run inside a real
    transaction, which Python 3.11's sqlite3 does not do on its own.
    """
    pragmas = [
        f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}",
        f"PRAGMA busy_timeout={_SQLITE_BUSY_TIMEOUT_MS}",
        "PRAGMA synchronous=NORMAL",
    ]
    if file_database:
        pragmas.append("PRAGMA journal_mode=WAL")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Belt and braces: connect_args already asks for it, a custom creator might not.
        if dbapi_connection.isolation_level is not None:
            dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in pragmas:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(
    url: str,
    *,
    echo: bool = False,
    poolclass: type[pool.Pool] | None = None,
    foreign_keys: bool = True,
) -> AsyncEngine:
    """Build an async engine for ``url`` with our SQLite/PostgreSQL settings applied.

    ``poolclass`` lets migrations use a NullPool; ``foreign_keys`` lets them turn SQLite's
    foreign key enforcement off while tables are rebuilt.
    """
    resolved = async_url(url)
    parsed = make_url(resolved)
    # hide_parameters: an error message never carries bound values (tip text, phone numbers).
    kwargs: dict[str, Any] = {"echo": echo, "json_serializer": _dumps, "hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        ensure_sqlite_directory(resolved)
        file_database = is_file_sqlite(resolved)
        kwargs["connect_args"] = {"isolation_level": None}
        if poolclass is not None:
            kwargs["poolclass"] = poolclass
        elif file_database:
            # Writers serialise on the database lock anyway; a few connections let readers
            # and the next writer's preparation overlap without piling up file handles.
            kwargs.update(poolclass=pool.AsyncAdaptedQueuePool, pool_size=5, max_overflow=5)
        else:
            kwargs["poolclass"] = pool.StaticPool
        engine = create_async_engine(resolved, **kwargs)
        configure_sqlite(engine.sync_engine, file_database=file_database, foreign_keys=foreign_keys)
        return engine
    if poolclass is not None:
        kwargs["poolclass"] = poolclass
    else:
        kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True, pool_recycle=1800)
    return create_async_engine(resolved, **kwargs)


class Database:
    """One async engine + session factory for the bot's process."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url: str = async_url(url)
        self.engine: AsyncEngine = create_engine(self.url, echo=echo)
        self._sessions = async_sessionmaker(
            self.engine, expire_on_commit=False, class_=AsyncSession
        )

    def __repr__(self) -> str:
        # Never show the password (repr ends up in logs and tracebacks).
        return f"Database({make_url(self.url).render_as_string(hide_password=True)!r})"

    @property
    def is_sqlite(self) -> bool:
        """True when the backend is SQLite (no FOR UPDATE, one writer at a time)."""
        return self.engine.dialect.name == "sqlite"

    def session(self) -> AsyncSession:
        """A new session; use ``async with db.session() as s, s.begin(): ...``."""
        return self._sessions()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: commits on success, rolls back on error."""
        async with self._sessions() as session, session.begin():
            yield session

    async def ping(self) -> bool:
        """True when the database answers ``SELECT 1`` (for /healthz); never raises."""
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:  # health checks report, they do not crash
            log.warning("database ping failed", exc_info=True)
            return False
        return True

    async def dispose(self) -> None:
        """Close all pooled connections (at shutdown)."""
        await self.engine.dispose()
