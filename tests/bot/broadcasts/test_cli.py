"""`antq broadcast create|list|show|cancel` against a seeded SQLite database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import cli
from storage.areas import area_by_code
from storage.database import Database
from storage.members import find_or_create_member
from storage.roles import grant_role
from tests.bot.broadcasts.harness import seed


def test_an_operator_creates_lists_shows_and_cancels_a_broadcast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("ANTQ_DATABASE_URL", url)
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0

    async def seeded() -> None:
        database = Database(url)
        try:
            await seed(database)
        finally:
            await database.dispose()

    asyncio.run(seeded())
    assert runner.invoke(cli, ["broadcast", "list"]).output.strip() == "no broadcasts"

    outside = runner.invoke(
        cli, ["broadcast", "create", "--area", "17662", "--to", "17641", "--text", "Họp"]
    )
    assert outside.exit_code == 1 and "not a place inside" in outside.output

    created = runner.invoke(
        cli,
        [
            "broadcast", "create", "--area", "17662", "--to", "17662-001",
            "--roles", "resident,leader", "--channels", "telegram",
            "--text", "Mời bà con dự họp thôn", "--at", "20:00 25/11/2099",
        ],
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    assert "broadcast #1: 3 recipients" in created.output

    listed = runner.invoke(cli, ["broadcast", "list", "--area", "17662"])
    assert "#1 scheduled — Xã Đô Lương — 20:00 25/11/2099" in listed.output
    shown = runner.invoke(cli, ["broadcast", "show", "1"])
    assert "Mời bà con dự họp thôn" in shown.output
    assert "  places: Thôn Đông (17662-001)\n  roles: resident, leader\n" in shown.output
    assert "  channels: telegram\n" in shown.output and "{" not in shown.output

    assert runner.invoke(cli, ["broadcast", "cancel", "1"]).exit_code == 0
    again = runner.invoke(cli, ["broadcast", "cancel", "1"])
    assert again.exit_code == 1 and "cancelled and cannot be cancelled" in again.output
    assert "#1 cancelled" in runner.invoke(cli, ["broadcast", "list"]).output
    assert runner.invoke(cli, ["broadcast", "show", "9"]).exit_code == 1


def test_a_broadcast_to_the_console_counts_the_terminals_users(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("ANTQ_DATABASE_URL", url)
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0

    async def seeded() -> None:
        database = Database(url)
        try:
            await seed(database)
            async with database.transaction() as session:  # as `antq admin add --channel console`
                member = await find_or_create_member(
                    session, channel="console", platform_user_id="1", chat_id="1", display_name=None
                )
                commune = await area_by_code(session, "17662")
                assert commune is not None
                await grant_role(
                    session, member_id=member.id, role="admin", area_id=commune.id, granted_by=None
                )
        finally:
            await database.dispose()

    asyncio.run(seeded())
    created = runner.invoke(
        cli,
        [
            "broadcast", "create", "--area", "17662", "--roles", "admin",
            "--channels", "console", "--text", "Mời bà con dự họp thôn",
        ],
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    assert "broadcast #1: 1 recipients" in created.output
