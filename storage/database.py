"""The bot's database connection: one async engine and session factory per process.

SQLite (the default) and PostgreSQL are both supported; SQLite connections get the pragmas
and transaction handling that make concurrent async use safe (see ``configure_sqlite``), and
an aiosqlite connection that makes one trip to its worker thread per transaction's first
statement instead of up to four per statement, and none for the statements after it, which
run under the write lock already (see ``_SQLiteConnection``): on the per-message hot path
those trips were most of the cost.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import weakref
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import event, inspect, pool, text
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.checkpoints import Checkpoints
from storage.errors import StorageError, UnsupportedDatabase
from storage.held import HeldConnections

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
        raise UnsupportedDatabase(
            f"unsupported database backend {backend!r}; use sqlite or postgresql"
        )
    return parsed.render_as_string(hide_password=False)


def is_file_sqlite(url: str) -> bool:
    """True for an SQLite database that lives in a file (not in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return False
    database = parsed.database or ""
    return database not in ("", ":memory:") and not database.startswith("file::memory:")


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite database, or None (in memory, or not SQLite)."""
    if not is_file_sqlite(url):
        return None
    database = make_url(url).database or ""
    if database.startswith("file:"):
        # URI filename (uri=true): strip the scheme and any query string.
        database = database[len("file:") :].split("?", 1)[0]
    return Path(database).expanduser()


def ensure_sqlite_directory(url: str) -> None:
    """Create the directory an SQLite database file will live in, if it is missing."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def _dumps(value: Any) -> str:
    # Vietnamese text stays readable and about half the size of \u escapes.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _OneTripCursor:
    """An aiosqlite-compatible cursor that runs a statement and fetches its rows in one trip.

    aiosqlite runs every call on the connection's worker thread, and each trip there and back
    costs two thread switches and an event-loop wake-up (~50 µs of CPU, more under load, all
    of it on the event loop's side of the GIL). SQLAlchemy's adapter makes
    four per SELECT (open cursor, execute, fetch, close) and three per UPDATE; this cursor
    makes one: it opens, executes, fetches everything and closes on the worker thread, and
    serves the buffered rows afterwards. (No server-side streaming: our results are small.)
    """

    arraysize = 1

    def __init__(self, connection: _SQLiteConnection) -> None:
        self._connection = connection
        self._rows: deque[Any] = deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> _OneTripCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        return None

    async def execute(self, sql: str, parameters: Any = ()) -> _OneTripCursor:
        outcome = await self._connection.run(_execute_on_thread, sql, parameters or ())
        self.description, rows, self.rowcount, self.lastrowid = outcome
        self._rows = deque(rows)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> _OneTripCursor:
        outcome = await self._connection.run(_execute_many_on_thread, sql, parameters)
        self.description, _, self.rowcount, self.lastrowid = outcome
        self._rows = deque()
        return self

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = min(self.arraysize if size is None else size, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        self._rows.clear()


def _execute_on_thread(
    connection: sqlite3.Connection, sql: str, parameters: Any
) -> tuple[Any, Sequence[Any], int, int | None]:
    cursor = connection.cursor()
    try:
        cursor.execute(sql, parameters)
        description = cursor.description
        # Fetch before reading rowcount: for INSERT/UPDATE ... RETURNING sqlite3 counts rows
        # as they are stepped through.
        rows = cursor.fetchall() if description else ()
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _execute_many_on_thread(
    connection: sqlite3.Connection, sql: str, parameters: Iterable[Any]
) -> tuple[Any, list[Any], int, int | None]:
    cursor = connection.cursor()
    try:
        cursor.executemany(sql, parameters)
        return cursor.description, [], cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class _SQLiteConnection(aiosqlite.Connection):
    """aiosqlite's connection with fewer trips to its worker thread (see ``_OneTripCursor``).

    ``BEGIN IMMEDIATE`` is not a trip of its own: ``begin_immediate`` marks it pending and it
    runs on the worker thread just before the transaction's first statement (nothing else
    happens on the connection in between, so the lock is taken as before). A transaction with
    no statement at all never takes the lock. COMMIT and ROLLBACK outside a transaction are
    no-ops in sqlite3, so they are not sent to the thread either: the pool issues a ROLLBACK
    every time a connection is returned, also right after a COMMIT.
    """

    def __init__(
        self, connector: Callable[[], sqlite3.Connection], checkpoints: Checkpoints | None
    ) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._checkpoints = checkpoints
        self._begin_pending: str | None = None
        # The transaction under way holds the write lock (it began BEGIN IMMEDIATE).
        self._writing = False

    def begin_immediate(self) -> None:
        """Start a BEGIN IMMEDIATE transaction with the next statement."""
        self._begin_pending = "BEGIN IMMEDIATE"

    def begin_reading(self) -> None:
        """Start a read transaction (a plain BEGIN) with the next statement: in WAL mode it
        reads one snapshot and waits for no writer (``Database.reading``)."""
        self._begin_pending = "BEGIN"

    def cursor(self) -> _OneTripCursor:  # type: ignore[override]
        return _OneTripCursor(self)

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        """``function(sqlite3_connection, *args)`` on the worker thread; or at once, on the
        event loop's thread, inside a transaction that holds the write lock already."""
        begin, self._begin_pending = self._begin_pending, None
        if begin is not None:
            self._writing = begin == "BEGIN IMMEDIATE"
            if self._writing and self._took_write_lock_at_once():
                begin = None
        if begin is None and self._writing and self._conn.in_transaction:
            # BEGIN IMMEDIATE took the write lock: nothing this statement does waits for
            # another connection (WAL readers never block a writer), so it costs what SQLite
            # does, tens of microseconds, instead of a trip to the thread and back, which on
            # a loaded machine is milliseconds of waiting for the thread to be scheduled.
            # Only a BEGIN that has to wait for the lock still goes to the thread, and so
            # does every statement of a read transaction (one that wrote would wait).
            return function(self._conn, *args)
        return await self._execute(_run_on_thread, self._conn, begin, function, args)

    def _took_write_lock_at_once(self) -> bool:
        """BEGIN IMMEDIATE on the event loop's thread, when the write lock is free: the trip
        to the worker thread and back was the last one of a writing transaction, and on a busy
        loop the thread waits for the GIL (up to the interpreter's switch interval, 5 ms)
        before it even starts. When another connection holds the lock, nothing is begun
        (False): the worker thread waits for it with the busy timeout, as before."""
        connection = self._conn
        if connection.in_transaction:
            return False
        connection.execute("PRAGMA busy_timeout=0")
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
                raise
            return False
        finally:
            connection.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_TIMEOUT_MS}")
        return True

    async def commit(self) -> None:
        writing, self._writing = self._writing, False
        if self._begin_pending is not None:
            self._begin_pending = None
        elif writing and self._conn.in_transaction:
            # As the statements before it: under the write lock, COMMIT waits for nobody, and
            # it never checkpoints (automatic checkpoints are off, ``Checkpoints`` runs them
            # on a thread of its own): appending the transaction's pages to the WAL costs
            # less than a trip to the worker thread and back.
            self._conn.commit()
            if self._checkpoints is not None:
                self._checkpoints.note_commit()
        elif self._conn.in_transaction:
            await super().commit()

    async def rollback(self) -> None:
        self._writing = False
        if self._begin_pending is not None:
            self._begin_pending = None
        elif self._conn.in_transaction:
            await super().rollback()


def _run_on_thread(
    connection: sqlite3.Connection,
    begin: str | None,
    function: Callable[..., Any],
    args: tuple[Any, ...],
) -> Any:
    if begin is not None:
        connection.execute(begin)
    return function(connection, *args)


def _sqlite_connector(
    url: URL, checkpoints: Checkpoints | None
) -> Callable[[], Awaitable[aiosqlite.Connection]]:
    """An ``async_creator`` that opens ``url`` as a ``_SQLiteConnection``; a file database's
    commits are checkpointed by ``checkpoints``."""
    arguments, options = SQLiteDialect_aiosqlite().create_connect_args(url)
    # Our own BEGIN IMMEDIATE (see configure_sqlite) instead of sqlite3's implicit BEGIN.
    options["isolation_level"] = None

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(*arguments, **options)

    async def open_connection() -> aiosqlite.Connection:
        connection = _SQLiteConnection(connect, checkpoints)
        # As SQLAlchemy does for aiosqlite: a forgotten connection must not keep the
        # process alive.
        connection._thread.daemon = True
        return await connection

    return open_connection


# The checkpoints of each file SQLite engine (``storage.checkpoints``), closed with it.
_checkpoints: weakref.WeakKeyDictionary[Engine, Checkpoints] = weakref.WeakKeyDictionary()


# The execution option of ``Database.reading``'s connections: their SQLite transactions
# begin with a plain BEGIN.
_READING = "antq_reading"


class WriteInReadTransaction(StorageError):
    """A statement other than a SELECT was about to run in ``Database.reading``."""


def _refuse_writes(
    _connection: Any, _cursor: Any, statement: str, _parameters: Any, _context: Any, _many: bool
) -> None:
    # Only a plain SELECT: anything else (a write; a CTE, which may write) is refused before
    # it reaches the database, so a read transaction never queues for SQLite's write lock.
    if not statement.lstrip()[:6].upper() == "SELECT":
        raise WriteInReadTransaction("only SELECT statements run in a read transaction")


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
        # No automatic checkpoint inside a writer's COMMIT (it stalled every writer of the
        # process for 5-120 ms a few times a second under load): ``Checkpoints`` runs them.
        pragmas += ["PRAGMA journal_mode=WAL", "PRAGMA wal_autocheckpoint=0"]

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Belt and braces: our connector already asks for it, a custom creator might not.
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
        driver_connection = connection.connection.driver_connection
        reading = connection.get_execution_options().get(_READING, False)
        if isinstance(driver_connection, _SQLiteConnection):
            # Sent with the first statement.
            if reading:
                driver_connection.begin_reading()
            else:
                driver_connection.begin_immediate()
        else:
            connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


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
        path = sqlite_path(resolved)
        checkpoints = Checkpoints(path) if path is not None else None
        kwargs["async_creator"] = _sqlite_connector(parsed, checkpoints)
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
        if checkpoints is not None:
            _checkpoints[engine.sync_engine] = checkpoints
        return engine
    if poolclass is not None:
        kwargs["poolclass"] = poolclass
    else:
        # No pre-ping: it costs a round trip per transaction (two per message). A connection the
        # server dropped fails its statement instead, is discarded by the pool, and the
        # processor tries the message again (storage.errors.is_transient).
        kwargs.update(pool_size=10, max_overflow=10, pool_recycle=1800)
    return create_async_engine(resolved, **kwargs)


class Database:
    """One async engine + session factory for the bot's process."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url: str = async_url(url)
        self.engine: AsyncEngine = create_engine(self.url, echo=echo)
        self._sessions = async_sessionmaker(
            self.engine, expire_on_commit=False, class_=AsyncSession
        )
        reading = self.engine.execution_options(**{_READING: True})
        # Listened on the reading engine only: the other connections pay nothing for it.
        event.listen(reading.sync_engine, "before_cursor_execute", _refuse_writes)
        self._reading_sessions = async_sessionmaker(
            reading, expire_on_commit=False, class_=AsyncSession
        )
        # The hot path's transactions on PostgreSQL (``storage.group_commit``).
        self.held = HeldConnections(self.engine)

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

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session for reads only, in one transaction that waits for no writer.

        On SQLite it begins with a plain BEGIN, not BEGIN IMMEDIATE: in WAL mode it reads one
        snapshot while the writer goes on, instead of queueing for the write lock (and failing
        after the busy timeout when the bot is busy). Nothing may be written in it: a write
        would wait for the lock, or fail when the snapshot is older than the last commit, so
        a statement other than a SELECT raises ``WriteInReadTransaction`` before it runs
        (on PostgreSQL too: one behaviour on both). Elsewhere it is an ordinary transaction."""
        async with self._reading_sessions() as session, session.begin():
            yield session

    async def schema_revision(self) -> str | None:
        """The migration revision the database is at: "" when it has none (empty, or never
        migrated), None when it does not answer (for /healthz); never raises."""
        try:
            async with self.engine.connect() as connection:
                has_table = await connection.run_sync(
                    lambda sync: inspect(sync).has_table("alembic_version")
                )
                if not has_table:
                    return ""
                revision = await connection.scalar(text("SELECT version_num FROM alembic_version"))
        except Exception:  # health checks report, they do not crash
            log.warning("database health check failed", exc_info=True)
            return None
        return str(revision or "")

    async def dispose(self) -> None:
        """Close all pooled connections, the held ones too (at shutdown), after a last
        checkpoint on SQLite."""
        await self.held.close()
        checkpoints = _checkpoints.pop(self.engine.sync_engine, None)
        if checkpoints is not None:
            await asyncio.to_thread(checkpoints.close)
        await self.engine.dispose()
