"""Officers and admins read tips of their places only; each look is recorded."""

from __future__ import annotations

from conversations.fields import format_tip_code
from conversations.memory import MemoryChat
from conversations.policy import Grant, Role
from tests.conversations.scripted import ANONYMOUS_PATH, DESCRIPTION, new_chat, user_at_menu, walk
from tests.conversations.test_join_and_roles import places


async def _tip(chat: MemoryChat, user_id: str = "1") -> str:
    """A new anonymous tip's code (sent by ``user_id``)."""
    before = set(chat.records.tips)
    tipster = await user_at_menu(chat, user_id=user_id)
    await tipster.say("1")
    await walk(tipster, ANONYMOUS_PATH)
    await tipster.say("1")
    (code,) = set(chat.records.tips) - before
    return code


async def test_an_officer_reads_a_tip_of_their_commune_and_it_is_recorded() -> None:
    chat = new_chat()
    where = places(chat)
    code = await _tip(chat)
    chat.records.tip_places[code] = where["17662-001"]
    chat.grant("7", Grant(0, Role.OFFICER, where["17662"]))
    officer = await user_at_menu(chat, user_id="7")
    assert "tip_read" in officer.options
    await officer.say(f"/xemtin {format_tip_code(code)}")
    assert DESCRIPTION in officer.text
    assert chat.records.tip_views == [(chat.members["7"].id, code)]


async def test_outside_the_place_a_tip_looks_like_an_unknown_code() -> None:
    chat = new_chat()
    where = places(chat)
    code = await _tip(chat)
    chat.records.tip_places[code] = where["17662-001"]
    unplaced = await _tip(chat, user_id="2")
    chat.grant("8", Grant(0, Role.OFFICER, where["17641"]))
    officer = await user_at_menu(chat, user_id="8")
    answers = []
    for typed in (code, unplaced, "ZZZZZZZZ"):
        await officer.say(f"/xemtin {typed}")
        answers.append(officer.text)
    assert len(set(answers)) == 1 and DESCRIPTION not in answers[0]
    assert chat.records.tip_views == []


async def test_leaders_and_residents_cannot_read_tips() -> None:
    chat = new_chat()
    where = places(chat)
    code = await _tip(chat)
    chat.records.tip_places[code] = where["17662-001"]
    chat.grant("9", Grant(0, Role.LEADER, where["17662-001"]))
    for user_id in ("9", "10"):
        user = await user_at_menu(chat, user_id=user_id)
        assert "tip_read" not in user.options
        await user.say(f"/xemtin {code}")
        assert user.said("policy.denied") and DESCRIPTION not in user.text
