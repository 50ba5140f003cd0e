"""The data folder and its files are the bot's own, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.private_files import keep_private
from bot.settings import Settings


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0o022)  # a usual default: folders 0755, files 0644
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_folder_and_every_file_in_it_are_private(tmp_path: Path, open_umask: None) -> None:
    data = tmp_path / "data"
    (data / "exports").mkdir(parents=True)
    database = data / "antq.sqlite3"
    for made in (database, data / "antq.sqlite3-wal", data / "exports" / "tips.csv"):
        made.write_bytes(b"...")
    assert mode(data) == 0o755 and mode(database) == 0o644
    settings = Settings(_env_file=None, data_dir=data, database_url=f"sqlite:///{database}")  # type: ignore[call-arg]

    keep_private(settings)

    assert mode(data) == mode(data / "exports") == 0o700
    assert {mode(p) for p in data.rglob("*") if p.is_file()} == {0o600}
    # What the bot writes afterwards (an export, a WAL file) is private from the start.
    (data / "exports" / "later.xlsx").write_bytes(b"...")
    (data / "new").mkdir()
    assert mode(data / "exports" / "later.xlsx") == 0o600
    assert mode(data / "new") == 0o700
