"""`antq admin add` and `antq invite create`: the operator's roles from the command line, each
audited with no actor (the command line needs no role)."""

from __future__ import annotations

import asyncio

import pytest
from click.testing import Result
from typer.testing import CliRunner

from bot.cli import cli
from storage._sql import audit_log
from storage.areas import area_by_code, insert_areas
from storage.audit import INVITATION_CREATED, ROLE_GRANTED
from storage.database import Database
from tests.bot.harness import TREE, rows


@pytest.fixture
async def places(sqlite_database: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    async with sqlite_database.transaction() as session:
        await insert_areas(session, TREE)
    monkeypatch.setenv("ANTQ_DATABASE_URL", sqlite_database.url)
    return sqlite_database


async def antq(*args: str) -> Result:
    return await asyncio.to_thread(CliRunner().invoke, cli, list(args))


async def area_id(database: Database, code: str) -> int:
    async with database.transaction() as session:
        area = await area_by_code(session, code)
    assert area is not None
    return area.id


async def test_the_first_admin_is_made_once_and_audited_without_an_actor(places: Database) -> None:
    made = await antq("admin", "add", "--user-id", "42", "--area", "17662")
    assert made.exit_code == 0, made.output
    assert "is now an admin of" in made.output
    again = await antq("admin", "add", "--user-id", "42", "--area", "17662")
    assert "already an admin" in again.output
    (granted,) = [row for row in await rows(places, audit_log) if row["action"] == ROLE_GRANTED]
    assert granted["actor_member_id"] is None and granted["subject_kind"] == "member"
    assert granted["role"] == "admin" and granted["area_id"] == await area_id(places, "17662")


async def test_an_invitation_is_made_for_a_role_in_a_place_and_audited(places: Database) -> None:
    made = await antq("invite", "create", "--role", "leader", "--area", "17662-001")
    assert made.exit_code == 0, made.output
    assert "code:" in made.output and "leader in" in made.output
    (created,) = [
        row for row in await rows(places, audit_log) if row["action"] == INVITATION_CREATED
    ]
    assert created["actor_member_id"] is None and created["subject_kind"] == "invitation"
    assert created["role"] == "leader" and created["area_id"] == await area_id(places, "17662-001")
