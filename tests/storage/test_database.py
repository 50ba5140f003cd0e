"""The database connection: URL handling, SQLite pragmas, transactions, health check."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from storage._sql import identities, members
from storage.database import Database, async_url
from storage.migrate import head
from storage.tables import utcnow


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@db:5432/antq", "postgresql+asyncpg://u:p@db:5432/antq"),
        ("postgres://u@db/antq", "postgresql+asyncpg://u@db/antq"),
        ("postgresql+psycopg2://u@db/antq", "postgresql+asyncpg://u@db/antq"),
        ("postgresql+asyncpg://u@db/antq", "postgresql+asyncpg://u@db/antq"),
        ("sqlite:///./data/x.sqlite3", "sqlite+aiosqlite:///./data/x.sqlite3"),
        ("sqlite+aiosqlite:////abs/x.db", "sqlite+aiosqlite:////abs/x.db"),
    ],
)
def test_async_url_switches_to_async_drivers(given: str, expected: str) -> None:
    assert async_url(given) == expected


def test_async_url_rejects_other_backends() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        async_url("mysql://u@db/antq")


def test_repr_hides_the_password() -> None:
    database = Database("postgresql://antq:hunter2secret@db/antq")
    assert "hunter2secret" not in repr(database)


async def test_sqlite_file_database_uses_wal(sqlite_database: Database) -> None:
    async with sqlite_database.transaction() as session:
        mode = (await session.execute(text("PRAGMA journal_mode"))).scalar_one()
        foreign_keys = (await session.execute(text("PRAGMA foreign_keys"))).scalar_one()
        busy = (await session.execute(text("PRAGMA busy_timeout"))).scalar_one()
    assert mode == "wal"
    assert foreign_keys == 1
    assert busy == 10_000


async def test_sqlite_creates_missing_directory(tmp_path: object) -> None:
    from pathlib import Path

    base = Path(str(tmp_path))
    database = Database(f"sqlite:///{base / 'nested' / 'dir' / 'antq.sqlite3'}")
    try:
        assert await database.schema_revision() == ""  # answers; nothing migrated yet
    finally:
        await database.dispose()
    assert (base / "nested" / "dir" / "antq.sqlite3").exists()


async def test_foreign_keys_are_enforced(database: Database) -> None:
    with pytest.raises(IntegrityError):
        async with database.transaction() as session:
            await session.execute(
                insert(identities).values(
                    member_id=424242,
                    channel="telegram",
                    platform_user_id="1",
                    chat_id="1",
                    created_at=utcnow(),
                    last_seen_at=utcnow(),
                )
            )


async def test_transaction_commits_on_success_and_rolls_back_on_error(
    database: Database,
) -> None:
    async with database.transaction() as session:
        await session.execute(insert(members).values(display_name="kept", created_at=utcnow()))

    async def fail_after_insert() -> None:
        async with database.transaction() as session:
            await session.execute(
                insert(members).values(display_name="dropped", created_at=utcnow())
            )
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await fail_after_insert()
    async with database.session() as session:
        names = (await session.execute(select(members.c.display_name))).scalars().all()
    assert names == ["kept"]


async def test_concurrent_read_then_write_transactions_do_not_fail(database: Database) -> None:
    """Many read-modify-write transactions at once: none is lost, none hits SQLITE_BUSY."""
    async with database.transaction() as session:
        member_id = (
            await session.execute(
                insert(members)
                .values(display_name="0", created_at=utcnow())
                .returning(members.c.id)
            )
        ).scalar_one()

    async def increment() -> None:
        async with database.transaction() as session:
            # FOR UPDATE on PostgreSQL; SQLite holds the write lock from BEGIN IMMEDIATE.
            statement = select(members.c.display_name).where(members.c.id == member_id)
            if not database.is_sqlite:
                statement = statement.with_for_update()
            value = int((await session.execute(statement)).scalar_one())
            await asyncio.sleep(0)  # let the others run in between
            await session.execute(
                members.update()
                .where(members.c.id == member_id)
                .values(display_name=str(value + 1))
            )

    await asyncio.gather(*(increment() for _ in range(25)))
    async with database.session() as session:
        final = (
            await session.execute(select(members.c.display_name).where(members.c.id == member_id))
        ).scalar_one()
    assert final == "25"


async def test_a_migrated_database_reports_its_schema_revision(database: Database) -> None:
    assert await database.schema_revision() == head()
    assert database.is_sqlite == database.url.startswith("sqlite")


async def test_an_unreachable_database_has_no_revision() -> None:
    database = Database("postgresql://postgres@127.0.0.1:1/none")
    try:
        assert await database.schema_revision() is None
    finally:
        await database.dispose()
