"""SQLite: a writing transaction takes the write lock on the event loop's thread when it is
free, and waits for it on the worker thread when another connection holds it."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage import database as storage_database
from storage._sql import members
from storage.database import Database
from storage.tables import utcnow
from tests.harness import PATIENCE


async def _add_member(database: Database, name: str) -> None:
    async with database.transaction() as session:
        await session.execute(members.insert().values(display_name=name, created_at=utcnow()))


async def _count(database: Database) -> int:
    async with database.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(members))).scalar())


async def test_a_free_lock_is_taken_without_the_worker_thread(
    sqlite_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    trips: list[str] = []
    real_execute = storage_database._SQLiteConnection._execute

    async def counted(self: object, function: object, *args: object) -> object:
        trips.append("thread")
        return await real_execute(self, function, *args)  # type: ignore[arg-type]

    await _add_member(sqlite_database, "warm")  # the pool's connection opened meanwhile
    monkeypatch.setattr(storage_database._SQLiteConnection, "_execute", counted)
    await _add_member(sqlite_database, "An")
    assert trips == []
    assert await _count(sqlite_database) == 2


async def test_a_lock_held_elsewhere_is_waited_for_not_failed(
    sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tried = asyncio.Event()
    real_try = storage_database._SQLiteConnection._took_write_lock_at_once

    def noting(self: storage_database._SQLiteConnection) -> bool:
        taken = real_try(self)
        if not taken:
            tried.set()
        return taken

    monkeypatch.setattr(storage_database._SQLiteConnection, "_took_write_lock_at_once", noting)
    holder = sqlite3.connect(tmp_path / "antq-test.sqlite3", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        writing = asyncio.create_task(_add_member(sqlite_database, "Bình"))
        # The loop's attempt found the lock taken; the worker thread waits for it.
        await asyncio.wait_for(tried.wait(), PATIENCE)
        assert not writing.done()
        holder.execute("COMMIT")
        await asyncio.wait_for(writing, PATIENCE)
    finally:
        holder.close()
    assert await _count(sqlite_database) == 1
