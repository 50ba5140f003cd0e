"""A tip names its commune, typed without accents, so the commune's officers can read it."""

from __future__ import annotations

import pytest

from conversations.replies import Choices
from storage._sql import tips
from storage.areas import insert_areas
from storage.database import Database
from tests.bot.harness import (
    TREE,
    Phone,
    area_id,
    member_with_roles,
    phone_at_menu,
    rows,
    walk,
)
from tests.bot.tips.harness import UP_TO_COMMUNE, tip_naming
from tests.conversations.harness import ANONYMOUS_PATH, DESCRIPTION, Clock, t


@pytest.fixture
async def places(database: Database) -> Database:
    async with database.transaction() as session:
        await insert_areas(session, TREE)
    return database


async def test_a_commune_typed_without_accents_is_stored_with_the_tip(places: Database) -> None:
    tipster = await tip_naming(places, Clock(), {"text": "do luong"})
    assert "Mã tin báo" in tipster.text
    (tip,) = await rows(places, tips)
    assert tip["area_id"] == await area_id(places, "17662")


async def test_not_sure_leaves_the_tip_without_a_commune(places: Database) -> None:
    await tip_naming(places, Clock(), {"text": "không rõ"})
    (tip,) = await rows(places, tips)
    assert tip["area_id"] is None


async def test_namesakes_are_offered_as_choices(places: Database) -> None:
    clock = Clock()
    tipster = await phone_at_menu(places, clock, "77")
    await tipster.send(text="1")
    await walk(tipster, ANONYMOUS_PATH, upto=UP_TO_COMMUNE)
    await tipster.send(text="luong")  # Đô Lương and Lương Sơn
    question = tipster.replies[-1]
    assert isinstance(question, Choices)
    assert t("tip.commune.ambiguous") in question.text
    luong_son = await area_id(places, "17641")
    assert [option.id for option in question.options] == [
        f"area:{await area_id(places, '17662')}",
        f"area:{luong_son}",
        "unknown",
    ]
    await tipster.send(option=f"area:{luong_son}", option_ref="commune")
    assert tipster.asked("tip.ask.time")
    await walk(tipster, ANONYMOUS_PATH[UP_TO_COMMUNE + 1 :])
    assert "Xã Lương Sơn" in tipster.text  # the summary shows the commune
    await tipster.send(text="1")
    (tip,) = await rows(places, tips)
    assert tip["area_id"] == luong_son


async def test_an_unknown_commune_is_asked_again(places: Database) -> None:
    tipster = await phone_at_menu(places, Clock(), "77")
    await tipster.send(text="1")
    await walk(tipster, ANONYMOUS_PATH, upto=UP_TO_COMMUNE)
    await tipster.send(text="xa khong co that")
    assert t("tip.commune.not_found", query="xa khong co that") in tipster.text
    assert tipster.asked("tip.ask.commune")


async def a_tip_and_two_officers(places: Database) -> tuple[str, Phone, Phone]:
    """A tip filed in Xã Đô Lương; its code, and at the menu an officer of that commune and
    one of Xã Lương Sơn."""
    clock = Clock()
    await tip_naming(places, clock, {"text": "do luong"})
    (tip,) = await rows(places, tips)
    officers = []
    for user_id, commune in (("88", "17662"), ("99", "17641")):
        await member_with_roles(places, user_id, [("officer", commune)])
        officers.append(await phone_at_menu(places, clock, user_id))
    return str(tip["code"]), officers[0], officers[1]


async def test_only_officers_of_the_tips_commune_can_read_it(places: Database) -> None:
    code, ours, theirs = await a_tip_and_two_officers(places)
    await ours.send(text=f"/xemtin {code}")
    assert DESCRIPTION in ours.text
    await theirs.send(text=f"/xemtin {code}")
    assert DESCRIPTION not in theirs.text
    assert t("tip_read.not_found") in theirs.text


async def test_officers_list_the_newest_tips_of_their_commune_only(places: Database) -> None:
    code, ours, theirs = await a_tip_and_two_officers(places)
    await ours.send(text="/xemtin moi")
    assert f"{code[:4]}-{code[4:]}" in ours.text
    assert DESCRIPTION not in ours.text
    await theirs.send(text="/xemtin moi")
    assert code[:4] not in theirs.text
    assert t("tip_read.list_empty") in theirs.text
