"""Backups that restore: a consistent copy of the database while the bot runs, and the way back.

- SQLite: SQLite's online backup (``sqlite3.Connection.backup``) copies the database in one
  read transaction, so the copy is one moment's database even mid-traffic (the bot's
  database is in WAL mode: its writers go on meanwhile); restoring copies it the same way
  into a new database file.
- PostgreSQL: ``pg_dump --format=custom`` (one transaction's snapshot), restored by
  ``pg_restore`` into an empty database — the same commands deploy/README.md gives.

The copy holds no key: without ``ANTQ_SECRET_KEY`` (or the local ``secret.key``) kept apart
from it, it can answer no anonymous tipster. The backup is written readable by its owner alone.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.private_files import open_private
from storage import migrate
from storage.database import async_url, sqlite_path

__all__ = ["BackupError", "BackupMade", "backup", "pg_dump_command", "restore"]


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why, for the operator."""


@dataclass(frozen=True)
class BackupMade:
    path: Path
    size: int


def backup(url: str, destination: Path) -> BackupMade:
    """Write a consistent copy of the database at ``url`` to ``destination`` (a new file)."""
    if destination.exists():
        raise BackupError(f"{destination} exists already: name a new file")
    path = sqlite_path(async_url(url))
    if _is_sqlite(url):
        if path is None:
            raise BackupError("an in-memory database cannot be backed up")
        if not path.exists():
            raise BackupError(f"there is no database at {path}")
        _sqlite_copy(path, destination)
    else:
        with open_private(destination):
            pass  # pg_dump writes into the owner-only file
        try:
            _run(pg_dump_command(url, destination), url)
        except BackupError:
            destination.unlink(missing_ok=True)
            raise
    return BackupMade(destination, destination.stat().st_size)


def restore(url: str, source: Path) -> None:
    """Bring the backup ``source`` back as the database at ``url``, which must be new: an
    SQLite file not there yet, or an empty PostgreSQL database (``createdb``)."""
    if not source.is_file():
        raise BackupError(f"there is no backup at {source}")
    if _is_sqlite(url):
        path = sqlite_path(async_url(url))
        if path is None:
            raise BackupError("restore into a database file, not into memory")
        if path.exists():
            raise BackupError(f"{path} exists already: restore into a new database")
        path.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(source, path)
        return
    if migrate.current(url) is not None:
        raise BackupError("the database is not empty: restore into a new one (createdb)")
    _run(pg_restore_command(url, source), url)


def pg_dump_command(url: str, destination: Path) -> list[str]:
    """The README's ``pg_dump`` line for ``url`` (its password goes in the environment)."""
    return [
        _tool("pg_dump"),
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--file={destination}",
        f"--dbname={_libpq_url(url)}",
    ]


def pg_restore_command(url: str, source: Path) -> list[str]:
    return [
        _tool("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={_libpq_url(url)}",
        str(source),
    ]


def _is_sqlite(url: str) -> bool:
    return make_url(async_url(url)).get_backend_name() == "sqlite"


def _sqlite_copy(source: Path, destination: Path) -> None:
    """Copy the SQLite database ``source`` into the new file ``destination`` (owner-only)."""
    with open_private(destination):
        pass  # created empty with the owner's permissions before SQLite writes into it
    try:
        reading = sqlite3.connect(source)
        try:
            writing = sqlite3.connect(destination)
            try:
                # All pages in one step: one read transaction, never restarted by a writer.
                reading.backup(writing)
            finally:
                writing.close()
        finally:
            reading.close()
    except sqlite3.Error as error:
        destination.unlink(missing_ok=True)
        raise BackupError(f"SQLite could not copy the database: {error}") from None


def _libpq_url(url: str) -> str:
    """``url`` as pg_dump takes it: the plain scheme and no password (that goes in PGPASSWORD,
    out of the process list)."""
    parsed = make_url(async_url(url)).set(drivername="postgresql", password=None)
    return parsed.render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt install postgresql-client)")
    return found


def _run(command: list[str], url: str) -> None:
    environment = dict(os.environ)
    password = make_url(async_url(url)).password
    if password:
        environment["PGPASSWORD"] = str(password)
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        name = Path(command[0]).name
        raise BackupError(f"{name} failed: {done.stderr.strip() or done.returncode}")
