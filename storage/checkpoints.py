"""SQLite's WAL checkpoints on a thread of their own, never inside a writer's COMMIT.

In WAL mode a commit appends the transaction's pages to the log; a checkpoint copies them back
into the database file and syncs it. SQLite's automatic checkpoint runs inside the COMMIT
that takes the log past 1,000 pages: 5–120 ms, a few times a second under load, and every
message of the process waited for it (one writer, ``storage.group_commit``). So automatic
checkpoints are off on the bot's connections (``storage.database.configure_sqlite``) and a
writing transaction's COMMIT runs on the event loop's thread, as its statements do; this
module checkpoints instead, on a thread with a connection of its own, while writers go on (a
PASSIVE checkpoint waits for nobody, and WAL lets a writer append meanwhile).

The thread starts with the first commit after a quiet spell and ends after ``IDLE_SECONDS``
without one, so a process (or a test) that stops writing keeps no thread. It checkpoints
about once a ``INTERVAL_SECONDS`` while commits come, sooner after ``COMMITS_PER_CHECKPOINT``
of them (the log stays a few MB at most); ``close`` checkpoints what is left.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

__all__ = ["COMMITS_PER_CHECKPOINT", "IDLE_SECONDS", "INTERVAL_SECONDS", "Checkpoints"]

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 1.0
COMMITS_PER_CHECKPOINT = 500
IDLE_SECONDS = 30.0
# As the bot's connections: a checkpoint may wait this long for SQLite's locks it needs.
_BUSY_TIMEOUT_MS = 10_000


class Checkpoints:
    """Checkpoints of one SQLite database file (see the module)."""

    def __init__(
        self,
        path: Path,
        *,
        interval: float = INTERVAL_SECONDS,
        commits_per_checkpoint: int = COMMITS_PER_CHECKPOINT,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        self.path = path
        self.interval = interval
        self.commits_per_checkpoint = commits_per_checkpoint
        self.idle_seconds = idle_seconds
        self._lock = threading.Lock()
        self._due = threading.Event()
        self._closed = False
        self._commits = 0
        self._thread: threading.Thread | None = None
        # Checkpoints done, for the tests.
        self.done = 0

    @property
    def running(self) -> bool:
        """A thread checkpoints (or waits for commits to checkpoint)."""
        with self._lock:
            return self._thread is not None

    def note_commit(self) -> None:
        """A writing transaction committed: its pages wait in the log."""
        with self._lock:
            if self._closed:
                return
            self._commits += 1
            if self._commits >= self.commits_per_checkpoint:
                self._due.set()
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="antq-sqlite-checkpoints", daemon=True
                )
                self._thread.start()

    def close(self) -> None:
        """Stop the thread, after a last checkpoint of what is in the log."""
        with self._lock:
            self._closed = True
            thread = self._thread
        self._due.set()
        if thread is not None:
            thread.join()
        with self._lock:
            self._thread = None

    def _run(self) -> None:
        connection: sqlite3.Connection | None = None
        quiet_since = time.monotonic()
        try:
            while True:
                self._due.wait(self.interval)
                self._due.clear()
                with self._lock:
                    commits, self._commits = self._commits, 0
                    closed = self._closed
                    if not commits and not closed:
                        if time.monotonic() - quiet_since < self.idle_seconds:
                            continue
                        self._thread = None  # the next commit starts another
                        return
                quiet_since = time.monotonic()
                if commits:
                    connection = connection or self._connect()
                    if connection is None:
                        return
                    if not self._checkpoint(connection):
                        return
                if closed:
                    return
        finally:
            if connection is not None:
                connection.close()

    def _connect(self) -> sqlite3.Connection | None:
        try:
            # mode=rw: a file deleted meanwhile (a test's) is not created anew.
            connection = sqlite3.connect(
                f"file:{self.path}?mode=rw", uri=True, isolation_level=None
            )
            connection.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
        except sqlite3.Error:
            # Gone (a test's database, deleted while a connection still wrote to it): no
            # thread is started again for it.
            log.debug("no sqlite checkpoint: the database file cannot be opened")
            with self._lock:
                self._closed = True
                self._thread = None
            return None
        return connection

    def _checkpoint(self, connection: sqlite3.Connection) -> bool:
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as error:
            # The next commits try again with a new connection; the log only grows meanwhile.
            log.warning("sqlite checkpoint failed: %s", error)
            with self._lock:
                self._thread = None
            return False
        self.done += 1
        return True
