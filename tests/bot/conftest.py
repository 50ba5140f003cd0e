"""Fixtures of the bot tests."""

from __future__ import annotations

import pytest

from storage.areas import area_by_code, insert_areas
from storage.database import Database
from storage.members import find_or_create_member
from storage.roles import grant_role
from tests.bot.harness import ADMIN_USER, TREE


@pytest.fixture
async def tree(database: Database) -> Database:
    async with database.transaction() as session:
        await insert_areas(session, TREE)
        admin = await find_or_create_member(
            session,
            channel="telegram",
            platform_user_id=ADMIN_USER,
            chat_id=ADMIN_USER,
            display_name="Chủ tịch xã",
        )
        commune = await area_by_code(session, "17662")
        assert commune is not None
        await grant_role(
            session, member_id=admin.id, role="admin", area_id=commune.id, granted_by=None
        )
    return database
