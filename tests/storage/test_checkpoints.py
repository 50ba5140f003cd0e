"""SQLite's log is checkpointed on a thread of its own, never inside a writer's COMMIT."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storage._sql import members
from storage.checkpoints import Checkpoints
from storage.database import Database, _checkpoints
from storage.tables import utcnow
from tests.harness import wait_until


async def _write_members(database: Database, count: int) -> None:
    for index in range(count):
        async with database.transaction() as session:
            await session.execute(
                members.insert().values(display_name=f"member {index}", created_at=utcnow())
            )


def _stored_count(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as reader:
        return int(reader.execute("SELECT count(*) FROM members").fetchone()[0])


async def test_commits_leave_the_log_to_the_checkpoint_thread(
    sqlite_database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "antq-test.sqlite3"
    checkpoints = _checkpoints_of(sqlite_database)
    # Automatic checkpoints are off on the bot's connections: a commit only appends.
    async with sqlite_database.transaction() as session:
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        autocheckpoint = raw.driver_connection._conn.execute(  # type: ignore[union-attr]
            "PRAGMA wal_autocheckpoint"
        ).fetchone()[0]
    assert autocheckpoint == 0
    before = checkpoints.done
    await _write_members(sqlite_database, 40)
    # The thread checkpoints what the commits wrote, by itself, within about a second.
    await wait_until(lambda: checkpoints.done > before, what="a checkpoint")
    assert _stored_count(path) == 40


async def test_closing_the_database_checkpoints_what_is_left_and_ends_the_thread(
    sqlite_database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "antq-test.sqlite3"
    checkpoints = _checkpoints_of(sqlite_database)
    await _write_members(sqlite_database, 5)
    await sqlite_database.dispose()
    assert checkpoints.done >= 1
    assert not checkpoints.running
    assert _stored_count(path) == 5


async def test_no_thread_is_left_once_writes_stop(tmp_path: Path) -> None:
    path = tmp_path / "quiet.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (x)")
    checkpoints = Checkpoints(path, interval=0.01, idle_seconds=0.05)
    checkpoints.note_commit()
    await wait_until(lambda: checkpoints.done == 1, what="a checkpoint")
    await wait_until(lambda: not checkpoints.running, what="the thread's end")
    # A later commit starts one again.
    checkpoints.note_commit()
    await wait_until(lambda: checkpoints.done == 2, what="a second checkpoint")
    checkpoints.close()


async def test_a_deleted_database_file_is_not_created_again(tmp_path: Path) -> None:
    path = tmp_path / "gone.sqlite3"
    checkpoints = Checkpoints(path, interval=0.01)
    checkpoints.note_commit()
    await wait_until(lambda: not checkpoints.running, what="the thread's end")
    checkpoints.note_commit()  # no new thread, no new file
    assert not checkpoints.running
    assert not path.exists()
    checkpoints.close()


def _checkpoints_of(database: Database) -> Checkpoints:
    return _checkpoints[database.engine.sync_engine]
