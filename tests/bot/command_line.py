"""The command line on a migrated SQLite database, as ``antq`` sees it: the runner, the
database's settings, the commands' clock fixed, and the records a test seeds first."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import TypeVar

import pytest
from typer.testing import CliRunner

from bot.cli import cli
from storage.database import Database
from tests.bot.movement_year.harness import NOW, seed_year
from tests.harness import SECRET_KEY

T = TypeVar("T")


def seeded_command_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    clocked: Iterable[ModuleType],
    seed: Callable[[Database], Awaitable[T]],
) -> tuple[CliRunner, T]:
    """A runner on a new migrated database that ``seed`` filled (what it returned, too); the
    ``clocked`` command modules read ``NOW`` (10 December 2026) as the time."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("ANTQ_DATABASE_URL", url)
    # A decision opens sealed references with the server key (without one, a local set-up
    # would make a key file in the checkout).
    monkeypatch.setenv("ANTQ_SECRET_KEY", SECRET_KEY)
    monkeypatch.delenv("ANTQ_TARGETS", raising=False)
    for module in clocked:
        monkeypatch.setattr(module, "utcnow", lambda: NOW)
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0

    async def seeded() -> T:
        database = Database(url)
        try:
            return await seed(database)
        finally:
            await database.dispose()

    return runner, asyncio.run(seeded())


def year_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clocked: Iterable[ModuleType]
) -> CliRunner:
    """The movement's year harness (``seed_year``) behind the command line."""
    return seeded_command_line(tmp_path, monkeypatch, clocked, seed_year)[0]
