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

if TYPE_CHECKING:
    from storage.database import Database

POSTGRES_ADMIN_URL = os.environ.get(
    "ANTQ_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
_POSTGRES_TIMEOUT_SECONDS = 2.0

# Reachability is probed once per session; None until probed, then "" or the error text.
_postgres_error: str | None = None


def _plain_postgres_url(url: str, database: str | None = None) -> str:
    """``url`` as asyncpg accepts it (no +driver), optionally pointing at another database."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def _postgres_location() -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(POSTGRES_ADMIN_URL)
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}"


async def _postgres_unreachable() -> str:
    """The reason PostgreSQL cannot be used, or "" when it can (probed once per session)."""
    global _postgres_error
    if _postgres_error is None:
        import asyncpg

        try:
            connection = await asyncpg.connect(
                _plain_postgres_url(POSTGRES_ADMIN_URL), timeout=_POSTGRES_TIMEOUT_SECONDS
            )
        except Exception as error:  # any failure means "skip", with the reason shown
            _postgres_error = f"{type(error).__name__}: {error}"
        else:
            await connection.close()
            _postgres_error = ""
    return _postgres_error


async def _admin_execute(sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(
        _plain_postgres_url(POSTGRES_ADMIN_URL), timeout=_POSTGRES_TIMEOUT_SECONDS
    )
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


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
        pytest.skip(f"PostgreSQL not reachable at {_postgres_location()}: {error}")
    name = f"antq_test_{secrets.token_hex(6)}"
    if "database" in request.fixturenames:
        # The test migrates it anyway: start from the migrated template (see _migrated_database).
        template = await _migrated_template("postgresql")
        await _admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        _made_from_template.add(name)
    else:
        await _admin_execute(f'CREATE DATABASE "{name}"')
    try:
        url = _plain_postgres_url(POSTGRES_ADMIN_URL, name)
        yield url.replace("postgresql://", "postgresql+asyncpg://", 1)
    finally:
        await _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _migrated_database(url: str) -> Database:
    """Migrate the empty database at ``url`` by copying a template migrated once per session.

    Running every migration for each of some two thousand tests took most of the suite's time;
    the migrations themselves are tested from an empty database in tests/storage."""
    from sqlalchemy.engine import make_url

    from storage.database import Database

    parsed = make_url(url)
    template = await _migrated_template(parsed.get_backend_name())
    if parsed.get_backend_name() == "sqlite":
        shutil.copyfile(template, str(parsed.database))
    elif parsed.database not in _made_from_template:
        await _admin_execute(f'DROP DATABASE "{parsed.database}"')
        await _admin_execute(f'CREATE DATABASE "{parsed.database}" TEMPLATE "{template}"')
    return Database(url)


# PostgreSQL databases database_url made from the template (it knew the test would migrate).
_made_from_template: set[str] = set()
# One migrated database per backend and session: a file for SQLite, a database for PostgreSQL.
_templates: dict[str, str] = {}


async def _migrated_template(backend: str) -> str:
    from storage.migrate import upgrade

    if backend not in _templates:
        if backend == "sqlite":
            folder = Path(tempfile.mkdtemp(prefix="antq-template-"))
            name = str(folder / "template.sqlite3")
            url = f"sqlite+aiosqlite:///{name}"
        else:
            name = f"antq_template_{secrets.token_hex(6)}"
            await _admin_execute(f'CREATE DATABASE "{name}"')
            url = _plain_postgres_url(POSTGRES_ADMIN_URL, name).replace(
                "postgresql://", "postgresql+asyncpg://", 1
            )
        # Alembic's env.py runs its own event loop, so it must run outside this one.
        await asyncio.to_thread(upgrade, url)
        _templates[backend] = name
    return _templates[backend]


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the PostgreSQL template (the SQLite one lives in a temporary folder)."""
    name = _templates.pop("postgresql", None)
    if name is not None:
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
