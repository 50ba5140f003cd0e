"""The bot's files are readable by its own user only, whatever the umask it was started with.

The data folder holds the SQLite database (tips, drafts, phone numbers), the development key
and exports; a shared machine's other accounts must not read them. ``keep_private`` sets the
process umask to 077, so that every file made from now on (WAL files, exports, the key) is
0600 and every folder 0700, and tightens what an earlier run left more open.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from bot.settings import Settings
from storage.database import async_url, sqlite_path

PRIVATE_UMASK = 0o077
# What SQLite keeps beside the database file.
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def keep_private(settings: Settings) -> None:
    os.umask(PRIVATE_UMASK)
    data_dir = settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    _tighten(data_dir)
    database = sqlite_path(async_url(settings.database_url))
    if database is not None:
        for suffix in SQLITE_COMPANIONS:
            companion = database.with_name(database.name + suffix)
            if companion.exists():
                companion.chmod(0o600)


def open_private(path: Path) -> BinaryIO:
    """``path`` opened to be written anew, readable by the bot's user only (0600) whatever the
    umask, also when a more open file of that name was there before."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
    except BaseException:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "wb")


def _tighten(folder: Path) -> None:
    folder.chmod(0o700)
    for path in folder.rglob("*"):
        if path.is_symlink():
            continue
        path.chmod(0o700 if path.is_dir() else 0o600)
