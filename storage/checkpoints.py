"""WAL checkpoints of an SQLite file on a thread of their own, never in a writer's commit.

In WAL mode a commit appends the pages it changed to the write-ahead log; a *checkpoint*
copies them back into the database file and syncs both files. SQLite does it by itself in the
commit that takes the log past 1,000 pages, and that commit then waits for the copy and two
fsyncs: 50–120 ms on a virtual disk, a few times a second when the bot is busy. Every message
waiting for the process's one writer (``storage.group_commit``) waits with it: that was the
tip flow's p99 at 70 % load (issue 28).

Here the connections of the bot's engine turn that off (``PRAGMA wal_autocheckpoint=0``), and
after a commit, at most every ``every`` seconds, a short-lived thread with a connection of its
own runs a PASSIVE checkpoint: it copies what is in the log while writers go on appending to
it (WAL lets them), and waits for nobody. The log starts again from its beginning at the next
write after a checkpoint that copied everything, as before. Should the writers keep it from
ever copying everything (the log past ``limit`` pages), the thread runs a TRUNCATE checkpoint,
which waits for the writer lock, like SQLite's own: rare, and short, as most pages were copied
already. Durability does not change: a commit is in the log (synchronous=NORMAL, as before),
and the log is read after a crash whether or not it was copied.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable

__all__ = ["CHECKPOINT_EVERY", "LOG_LIMIT", "Checkpointer"]

log = logging.getLogger(__name__)

# About SQLite's own pace at a few hundred commits a second (its default is every 1,000
# pages), without waiting for the log to grow that far when the bot is quiet.
CHECKPOINT_EVERY = 0.25
# Pages (4 KiB) the log may hold before the checkpoint waits for the writers: ~80 MiB.
LOG_LIMIT = 20_000


class Checkpointer:
    """Checkpoints one SQLite file's log off the writers' path (see the module)."""

    def __init__(
        self,
        connect: Callable[[], sqlite3.Connection],
        *,
        every: float = CHECKPOINT_EVERY,
        limit: int = LOG_LIMIT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._connect = connect
        self.every = every
        self.limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self._running = False
        self._thread: threading.Thread | None = None
        self._last = clock()
        # Checkpoints run and the ones that waited for the writers, for the tests and the bench.
        self.runs = 0
        self.truncations = 0

    def committed(self) -> None:
        """A writer committed: start a checkpoint if none runs and the last is old enough.
        Costs a clock read on the committing thread; never waits."""
        now = self._clock()
        if self._running or now - self._last < self.every:
            return
        with self._lock:
            if self._running:
                return
            self._running = True
            self._last = now
            # A daemon thread of its own: nothing to stop at exit (a checkpoint cut short is
            # harmless), no thread left waiting between checkpoints.
            self._thread = threading.Thread(
                target=self._checkpoint, name="sqlite-checkpoint", daemon=True
            )
            self._thread.start()

    def wait(self) -> None:
        """Until the checkpoint under way (if any) is done: before the engine is disposed."""
        thread = self._thread
        if thread is not None:
            thread.join()

    def checkpoint(self) -> None:
        """Run one checkpoint now, on this thread (the tests; ``committed`` in the thread)."""
        connection = self._connect()
        try:
            passive = connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            (_busy, pages, _copied) = passive.fetchone()
            self.runs += 1
            if pages > self.limit:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                self.truncations += 1
        finally:
            connection.close()

    def _checkpoint(self) -> None:
        try:
            self.checkpoint()
        except sqlite3.Error as error:
            # The next commit's checkpoint tries again; the log is only longer meanwhile.
            log.warning("sqlite checkpoint failed: %s", error)
        finally:
            with self._lock:
                self._running = False
