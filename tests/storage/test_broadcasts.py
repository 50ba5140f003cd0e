"""Audiences of broadcasts against a seeded tree: roles × areas × channels, opt-outs, paging."""

from __future__ import annotations

from typing import Any

import pytest

from storage.broadcasts import audience_size, recipients_page
from storage.database import Database
from tests.bot.broadcasts.harness import seed
from tests.bot.harness import area_id

ALL_ROLES = ["resident", "leader", "model_lead", "officer", "admin"]
BOTH = ["telegram", "zalo"]


async def audience(
    database: Database, codes: list[str], roles: list[str], channels: list[str]
) -> dict[str, Any]:
    return {
        "area_ids": [await area_id(database, code) for code in codes],
        "roles": roles,
        "channels": channels,
    }


async def names(database: Database, people: dict[str, int], chosen: dict[str, Any]) -> set[str]:
    by_id = {member_id: name for name, member_id in people.items()}
    async with database.session() as session:
        page = await recipients_page(session, chosen, after_member_id=0, limit=1000)
        size = await audience_size(session, chosen)
    assert size == len(page)
    return {by_id[recipient.member_id] for recipient in page}


@pytest.mark.parametrize(
    ("codes", "roles", "channels", "expected"),
    [
        (
            ["17662"],
            ALL_ROLES,
            BOTH,
            {
                "admin",
                "officer",
                "leader_dong",
                "leader_tay",
                "dan_dong",
                "dan_dong_en",
                "dan_dong_zalo",
                "dan_tay",
            },
        ),
        (
            ["17662"],
            ["resident"],
            BOTH,
            {"leader_dong", "dan_dong", "dan_dong_en", "dan_dong_zalo", "dan_tay"},
        ),
        (["17662"], ["leader"], BOTH, {"leader_dong", "leader_tay"}),
        (["17662"], ["leader"], ["telegram"], {"leader_dong"}),
        (["17662"], ["resident", "leader"], ["zalo"], {"leader_tay", "dan_dong_zalo"}),
        (["17662-001"], ["resident"], ["telegram"], {"leader_dong", "dan_dong", "dan_dong_en"}),
        (["17662-002"], ALL_ROLES, BOTH, {"leader_tay", "dan_tay"}),
        (["17662-001", "17662-002"], ["leader"], BOTH, {"leader_dong", "leader_tay"}),
        (["17662"], ["officer", "admin"], BOTH, {"officer", "admin"}),
        (["17641"], ALL_ROLES, BOTH, {"admin_son", "dan_son"}),
        (["17662"], [], BOTH, set()),
    ],
)
async def test_the_audience_is_roles_times_areas_times_channels(
    database: Database,
    codes: list[str],
    roles: list[str],
    channels: list[str],
    expected: set[str],
) -> None:
    people = await seed(database)
    chosen = await audience(database, codes, roles, channels)
    assert await names(database, people, chosen) == expected


async def test_opted_out_blocked_and_homeless_members_are_never_recipients(
    database: Database,
) -> None:
    people = await seed(database)
    chosen = await audience(database, ["40"], ALL_ROLES, BOTH)
    found = await names(database, people, chosen)
    assert {"dan_dong_stop", "dan_dong_blocked", "homeless"}.isdisjoint(found)
    assert {"dan_son", "dan_dong"} <= found


async def test_pages_follow_member_ids_and_carry_the_chosen_account(database: Database) -> None:
    people = await seed(database)
    chosen = await audience(database, ["17662"], ALL_ROLES, BOTH)
    async with database.session() as session:
        first = await recipients_page(session, chosen, after_member_id=0, limit=3)
        rest = await recipients_page(
            session, chosen, after_member_id=first[-1].member_id, limit=100
        )
    ids = [recipient.member_id for recipient in [*first, *rest]]
    assert ids == sorted(ids) and len(ids) == len(set(ids)) == 8
    by_member = {recipient.member_id: recipient for recipient in [*first, *rest]}
    assert by_member[people["leader_tay"]].channel == "zalo"
    assert by_member[people["dan_dong_en"]].locale == "en"
