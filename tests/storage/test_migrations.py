"""Alembic owns the schema: migrations match the models and can be re-run safely."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, text
from sqlalchemy.engine import Connection, make_url

from storage._sql import members
from storage.database import Database
from storage.migrate import current, head, upgrade
from storage.tables import Base, utcnow


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrations_match_the_models(database: Database) -> None:
    async with database.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == []


async def test_upgrade_twice_is_a_no_op(database: Database, database_url: str) -> None:
    async with database.transaction() as session:
        await session.execute(insert(members).values(display_name="Lan", created_at=utcnow()))
    await asyncio.to_thread(upgrade, database_url)
    assert await asyncio.to_thread(current, database_url) == head()
    async with database.session() as session:
        count = (await session.execute(text("SELECT count(*) FROM members"))).scalar_one()
    assert count == 1


async def test_current_is_none_before_the_first_migration(database_url: str) -> None:
    assert await asyncio.to_thread(current, database_url) is None
    await asyncio.to_thread(upgrade, database_url)
    assert await asyncio.to_thread(current, database_url) == head()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_upgrade_never_shows_the_password(
    database_url: str, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    # The test server trusts local connections, so any password is accepted.
    url = make_url(database_url).set(password="Sup3rSecretPw").render_as_string(False)
    caplog.set_level(logging.DEBUG)
    await asyncio.to_thread(upgrade, url)
    assert await asyncio.to_thread(current, url) == head()
    captured = capsys.readouterr()
    assert "Sup3rSecretPw" not in captured.out + captured.err + caplog.text


def test_head_is_the_newest_migration_file() -> None:
    from storage.migrate import MIGRATIONS_DIR

    newest = max(path.name for path in (MIGRATIONS_DIR / "versions").glob("[0-9]*.py"))
    assert newest.startswith(head() + "_")
