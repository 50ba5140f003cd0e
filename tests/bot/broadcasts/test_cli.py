"""`antq broadcast create|list|show|cancel` against a seeded SQLite database."""

from __future__ import annotations

from storage.database import Database
from tests.bot.broadcasts.harness import seed
from tests.bot.harness import CommandLine, member_with_roles


def test_an_operator_creates_lists_shows_and_cancels_a_broadcast(antq: CommandLine) -> None:
    antq.on_database(seed)
    assert antq("broadcast", "list").output.strip() == "no broadcasts"

    outside = antq("broadcast", "create", "--area", "17662", "--to", "17641", "--text", "Họp")
    assert outside.exit_code == 1 and "not a place inside" in outside.output

    created = antq(
        "broadcast", "create", "--area", "17662", "--to", "17662-001",
        "--roles", "resident,leader", "--channels", "telegram",
        "--text", "Mời bà con dự họp thôn", "--at", "20:00 25/11/2099",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    assert "broadcast #1: 3 recipients" in created.output

    listed = antq("broadcast", "list", "--area", "17662")
    assert "#1 scheduled — Xã Đô Lương — 20:00 25/11/2099" in listed.output
    assert " d " in listed.output and " min left" not in listed.output  # decades, in days
    shown = antq("broadcast", "show", "1")
    assert "Mời bà con dự họp thôn" in shown.output
    assert "  places: Thôn Đông (17662-001)\n  roles: resident, leader\n" in shown.output
    assert "  channels: telegram\n" in shown.output and "{" not in shown.output

    assert antq("broadcast", "cancel", "1").exit_code == 0
    again = antq("broadcast", "cancel", "1")
    assert again.exit_code == 1 and "cancelled and cannot be cancelled" in again.output
    assert "#1 cancelled" in antq("broadcast", "list").output
    assert antq("broadcast", "show", "9").exit_code == 1


def test_a_broadcast_to_the_console_counts_the_terminals_users(antq: CommandLine) -> None:
    async def seeded(database: Database) -> None:
        await seed(database)
        # as `antq admin add --channel console`
        await member_with_roles(database, "1", [("admin", "17662")], channel="console")

    antq.on_database(seeded)
    created = antq(
        "broadcast", "create", "--area", "17662", "--roles", "admin",
        "--channels", "console", "--text", "Mời bà con dự họp thôn",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    assert "broadcast #1: 1 recipients" in created.output
