"""Officers and admins read tips of their places only; each look is recorded."""

from __future__ import annotations

from conversations.fields import format_tip_code
from conversations.policy import Grant, Role
from tests.conversations.harness import (
    ANONYMOUS_PATH,
    DESCRIPTION,
    menu_items,
    new_chat,
    places,
    t,
    user_at_menu,
    user_with_role,
    walk,
)
from tests.memory import MemoryChat


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
    officer = await user_with_role(chat, Role.OFFICER, "17662", user_id="7")
    assert "tip_read" in await menu_items(officer)
    await officer.say(f"/xemtin {format_tip_code(code)}")
    assert DESCRIPTION in officer.text
    assert chat.records.tip_views == [(chat.members["7"].id, code)]


async def test_outside_the_place_a_tip_looks_like_an_unknown_code() -> None:
    chat = new_chat()
    where = places(chat)
    code = await _tip(chat)
    chat.records.tip_places[code] = where["17662-001"]
    unplaced = await _tip(chat, user_id="2")
    officer = await user_with_role(chat, Role.OFFICER, "17641", user_id="8")
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
        assert "tip_read" not in await menu_items(user)
        await user.say(f"/xemtin {code}")
        assert user.said("policy.denied") and DESCRIPTION not in user.text


COMMUNE_STEP = [key for key, _ in ANONYMOUS_PATH].index("tip.ask.commune")


async def _tip_in(chat: MemoryChat, *commune_answers: dict[str, object]) -> str:
    """A new anonymous tip whose commune question gets ``commune_answers``."""
    tipster = await user_at_menu(chat, user_id="1")
    await tipster.say("1")
    await walk(tipster, ANONYMOUS_PATH, upto=COMMUNE_STEP)
    for answer in commune_answers:
        await tipster.send(**answer)
    await walk(tipster, ANONYMOUS_PATH[COMMUNE_STEP + 1 :])
    await tipster.say("1")
    (code,) = chat.records.tips
    return code


async def test_a_commune_named_without_accents_places_the_tip_for_its_officers() -> None:
    chat = new_chat()
    where = places(chat)
    code = await _tip_in(chat, {"text": "do luong"})
    assert chat.records.tips[code].area_id == where["17662"].id
    chat.grant("7", Grant(0, Role.OFFICER, where["17662"]))
    chat.grant("8", Grant(0, Role.OFFICER, where["17641"]))
    ours = await user_at_menu(chat, user_id="7")
    await ours.say(f"/xemtin {code}")
    assert DESCRIPTION in ours.text
    theirs = await user_at_menu(chat, user_id="8")
    await theirs.say(f"/xemtin {code}")
    assert DESCRIPTION not in theirs.text


async def test_namesakes_are_offered_and_skipping_leaves_the_tip_unplaced() -> None:
    chat = new_chat()
    where = places(chat)
    luong_son = {"option": f"area:{where['17641'].id}", "option_ref": "commune"}
    code = await _tip_in(chat, {"text": "luong"}, luong_son)
    assert chat.records.tips[code].area_id == where["17641"].id
    other = new_chat()
    places(other)
    skipped = await _tip_in(
        other, {"text": "luong"}, {"option": "unknown", "option_ref": "commune"}
    )
    assert other.records.tips[skipped].area_id is None
    assert skipped not in other.records.tip_places


async def test_an_officer_lists_the_newest_tips_of_their_commune_without_senders() -> None:
    chat = new_chat()
    places(chat)
    ours = await _tip_in(chat, {"text": "do luong"})
    tipster = await user_at_menu(chat, user_id="2")
    await tipster.say("1")
    await walk(tipster, ANONYMOUS_PATH, upto=COMMUNE_STEP)
    await tipster.say("luong son")
    await walk(tipster, ANONYMOUS_PATH[COMMUNE_STEP + 1 :])
    await tipster.say("1")
    (theirs,) = set(chat.records.tips) - {ours}
    officer = await user_with_role(chat, Role.OFFICER, "17662", user_id="7")
    await officer.say("/xemtin")
    assert "list" in officer.options
    await officer.tap("list")
    assert format_tip_code(ours) in officer.text
    assert format_tip_code(theirs) not in officer.text
    assert DESCRIPTION not in officer.text and "user 1" not in officer.text
    assert chat.records.tip_views == []  # a list shows no tip's content
    await officer.say("/xemtin moi")
    assert format_tip_code(ours) in officer.text


async def test_an_officer_with_no_placed_tips_is_told_so() -> None:
    chat = new_chat()
    places(chat)
    await _tip_in(chat, {"text": "khong ro"})
    officer = await user_with_role(chat, Role.OFFICER, "17662", user_id="7")
    await officer.say("/xemtin moi")
    assert officer.said("tip_read.list_empty")


async def test_asking_for_a_code_shows_no_step_count_of_one() -> None:
    chat = new_chat()
    officer = await user_with_role(chat, Role.OFFICER, "17662", user_id="7")
    await officer.say("/xemtin")
    assert officer.replies[-1].text.startswith(t("tip_read.ask_code").split("\n")[0])
    assert t("flow.progress", position=1, total=1) not in officer.text


async def test_help_in_a_tip_names_the_commands_of_its_thread() -> None:
    chat = new_chat()
    where = places(chat)
    code = await _tip(chat)
    chat.records.tip_places[code] = where["17662-001"]
    officer = await user_with_role(chat, Role.OFFICER, "17662", user_id="7")
    await officer.say(f"/xemtin {format_tip_code(code)}")
    await officer.say("/trogiup")
    for command in ("/hoi", "/danhdau", "/moikhenthuong"):
        assert f"{command} MÃ" in officer.text
    assert officer.asked("inbox.ask_action_opened")  # and the tip stays open

    chat.grant("8", Grant(0, Role.OFFICER, where["17662"]))
    english = await user_at_menu(chat, user_id="8", locale_choice="2")
    await english.say("/readtip")
    await english.say("/help")
    for command in ("/ask", "/important", "/invitecommend"):
        assert f"{command} CODE" in english.text
