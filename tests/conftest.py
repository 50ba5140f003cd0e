"""Fixtures shared by the whole suite: databases to run against (SQLite and PostgreSQL).

PostgreSQL tests run when a server answers at 127.0.0.1:5432 (trust auth, user postgres) or
at ANTQ_TEST_POSTGRES_URL; otherwise they are skipped with the reason shown by ``-ra``.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.harness import plain_postgres_url, postgres_location

if TYPE_CHECKING:
    import asyncpg

    from storage.database import Database

POSTGRES_ADMIN_URL = os.environ.get(
    "ANTQ_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
_POSTGRES_TIMEOUT_SECONDS = 2.0

# Reachability is probed once per session; None until probed, then "" or the error text.
_postgres_error: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Every bot a test runs, in this process or as an ``antq`` it starts, serves its web
    console on a free port of 127.0.0.1: tests running side by side (and another test run on
    the same machine) never fight over the default 8080."""
    os.environ.setdefault("ANTQ_WEB_HOST", "127.0.0.1")
    os.environ.setdefault("ANTQ_WEB_PORT", "0")


async def _postgres_unreachable() -> str:
    """The reason PostgreSQL cannot be used, or "" when it can (probed once per session)."""
    global _postgres_error
    if _postgres_error is None:
        import asyncpg

        try:
            connection = await asyncpg.connect(
                plain_postgres_url(POSTGRES_ADMIN_URL), timeout=_POSTGRES_TIMEOUT_SECONDS
            )
        except Exception as error:  # any failure means "skip", with the reason shown
            _postgres_error = f"{type(error).__name__}: {error}"
        else:
            await connection.close()
            _postgres_error = ""
    return _postgres_error


async def _connect(database: str | None = None) -> asyncpg.Connection:
    """A plain connection to the server's admin database, or to ``database``."""
    import asyncpg

    return await asyncpg.connect(
        plain_postgres_url(POSTGRES_ADMIN_URL, database), timeout=_POSTGRES_TIMEOUT_SECONDS
    )


async def _admin_execute(sql: str) -> None:
    connection = await _connect()
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def _create_postgres(name: str, template: str = "template1") -> None:
    """Create the database ``name``, a copy of ``template``. Its commits do not wait for the
    disk: a test database never outlives a crash of the server, and on a busy machine the
    flushes were most of a PostgreSQL test's time."""
    await _admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    await _admin_execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')


def _sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'antq-test.sqlite3'}"


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """URL of a new, empty database: an SQLite file, or a throwaway PostgreSQL database."""
    if request.param == "sqlite":
        yield _sqlite_url(tmp_path)
        return
    error = await _postgres_unreachable()
    if error:
        pytest.skip(f"PostgreSQL not reachable at {postgres_location(POSTGRES_ADMIN_URL)}: {error}")
    if "database" in request.fixturenames:
        # The test migrates it anyway: lend it a migrated one (see _migrated_database).
        name = await _lend_migrated_postgres()
    else:
        name = f"antq_test_{secrets.token_hex(6)}"
        await _create_postgres(name)
    try:
        url = plain_postgres_url(POSTGRES_ADMIN_URL, name)
        yield url.replace("postgresql://", "postgresql+asyncpg://", 1)
    finally:
        if name in _migrated_postgres:
            await _take_back(name)
        else:
            await _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _migrated_database(url: str) -> Database:
    """A ``Database`` on ``url``, migrated by copying a template migrated once per session.

    Running every migration for each of some two thousand tests took most of the suite's time;
    the migrations themselves are tested from an empty database in tests/storage."""
    from sqlalchemy.engine import make_url

    from storage.database import Database

    parsed = make_url(url)
    template = await _migrated_template(parsed.get_backend_name())
    if parsed.get_backend_name() == "sqlite":
        shutil.copyfile(template, str(parsed.database))
    elif parsed.database not in _migrated_postgres:
        await _admin_execute(f'DROP DATABASE "{parsed.database}"')
        await _create_postgres(str(parsed.database), template)
    return Database(url)


# One migrated database per backend and session (per xdist worker): a file for SQLite, a
# database for PostgreSQL.
_templates: dict[str, str] = {}
# PostgreSQL databases copied from the template, lent to one test at a time: creating and
# dropping one costs a second or two on a busy machine, emptying it a few milliseconds.
_migrated_postgres: set[str] = set()
_spare_postgres: list[str] = []
# What the template's schema looks like (see _SHAPE); a lent database that no longer looks
# like it (a test altered its schema) is dropped instead of emptied.
_template_shape: str | None = None

# One line per column, constraint, trigger and function of the public schema, and the
# migration the database is at.
_SHAPE = """
select md5(coalesce(string_agg(line, ',' order by line), '')) from (
    select c.relname || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod)
           || ':' || a.attnotnull || ':' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
    union all
    select conrelid::regclass::text || ':' || conname || ':' || pg_get_constraintdef(oid)
    from pg_constraint where connamespace = 'public'::regnamespace
    union all
    select tgrelid::regclass::text || ':' || tgname from pg_trigger where not tgisinternal
    union all
    select proname || ':' || prosrc from pg_proc where pronamespace = 'public'::regnamespace
    union all
    select 'at:' || version_num from alembic_version
) as shape(line)
"""


async def _lend_migrated_postgres() -> str:
    """The name of a migrated PostgreSQL database holding no rows, for one test."""
    global _template_shape
    if _spare_postgres:
        return _spare_postgres.pop()
    template = await _migrated_template("postgresql")
    name = f"antq_test_{secrets.token_hex(6)}"
    await _create_postgres(name, template)
    _migrated_postgres.add(name)
    if _template_shape is None:
        connection = await _connect(name)
        try:
            _template_shape = await connection.fetchval(_SHAPE)
        finally:
            await connection.close()
    return name


async def _take_back(name: str) -> None:
    """Empty the database a test is done with for the next one, or drop it if that fails."""
    try:
        emptied = await _emptied(name)
    except Exception:  # whatever the test left behind, a new database is the safe way on
        emptied = False
    if emptied:
        _spare_postgres.append(name)
    else:
        _migrated_postgres.discard(name)
        await _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _emptied(name: str) -> bool:
    """Delete every row the test wrote and restart the sequences it used; False when the
    schema is not the template's any more."""
    # Connections the test left open (a process it started, an engine not disposed) go, as
    # DROP DATABASE ... WITH (FORCE) would end them.
    await _admin_execute(
        "select pg_terminate_backend(pid) from pg_stat_activity "
        f"where datname = '{name}' and pid <> pg_backend_pid()"
    )
    connection = await _connect(name)
    try:
        if await connection.fetchval(_SHAPE) != _template_shape:
            return False
        tables = [
            row[0]
            for row in await connection.fetch(
                "select tablename from pg_tables "
                "where schemaname = 'public' and tablename <> 'alembic_version'"
            )
        ]
        written = " union all ".join(
            f"select '{table}' where exists (select from \"{table}\")" for table in tables
        )
        sequences = await connection.fetch(
            "select sequencename from pg_sequences "
            "where schemaname = 'public' and last_value is not null"
        )
        async with connection.transaction():
            # Rows go in any order: foreign keys are not checked in this transaction.
            await connection.execute("set local session_replication_role = replica")
            for (table,) in await connection.fetch(written) if tables else []:
                await connection.execute(f'delete from "{table}"')
            for (sequence,) in sequences:
                await connection.execute(f'alter sequence "{sequence}" restart')
        return True
    finally:
        await connection.close()


async def _migrated_template(backend: str) -> str:
    from storage.migrate import upgrade

    if backend not in _templates:
        if backend == "sqlite":
            folder = Path(tempfile.mkdtemp(prefix="antq-template-"))
            name = str(folder / "template.sqlite3")
            url = f"sqlite+aiosqlite:///{name}"
        else:
            name = f"antq_template_{secrets.token_hex(6)}"
            await _create_postgres(name)
            url = plain_postgres_url(POSTGRES_ADMIN_URL, name).replace(
                "postgresql://", "postgresql+asyncpg://", 1
            )
        # Alembic's env.py runs its own event loop, so it must run outside this one.
        await asyncio.to_thread(upgrade, url)
        _templates[backend] = name
    return _templates[backend]


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop this session's PostgreSQL databases (the SQLite ones live in temporary folders)."""
    names = [*_migrated_postgres, _templates.pop("postgresql", "")]
    _migrated_postgres.clear()
    _spare_postgres.clear()
    for name in filter(None, names):
        asyncio.run(_admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A migrated database on each backend (SQLite, and PostgreSQL when reachable)."""
    db = await _migrated_database(database_url)
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
async def sqlite_database(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated SQLite database, for tests that need only one backend."""
    db = await _migrated_database(_sqlite_url(tmp_path))
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
def migrated_sqlite_url(tmp_path: Path) -> str:
    """URL of a migrated SQLite file, for a test that runs the command line on it itself."""
    template = asyncio.run(_migrated_template("sqlite"))
    url = _sqlite_url(tmp_path)
    shutil.copyfile(template, tmp_path / "antq-test.sqlite3")
    return url
