"""Start, language, menu and following a tip up by its code."""

from __future__ import annotations

from conversations.fields import format_tip_code
from tests.conversations.harness import (
    ANONYMOUS_PATH,
    User,
    new_chat,
    start_tip,
    t,
    user_at_menu,
    walk,
)


async def test_the_first_message_asks_the_language_in_both_languages() -> None:
    user = User(new_chat())
    await user.say("xin chào")
    assert user.question.ref == "locale"
    assert "Xin chọn ngôn ngữ" in user.question.text and "Please choose" in user.question.text


async def test_the_language_is_asked_once_and_remembered() -> None:
    chat = new_chat()
    user = await user_at_menu(chat)
    assert user.said("home.welcome")
    await user.say("/start")
    assert user.question.ref == "menu"  # not the language question again


async def test_the_language_can_be_changed_from_the_menu() -> None:
    user = await user_at_menu(new_chat())
    await user.say("/language")
    await user.say("2")
    assert user.said("language.saved", locale="en")
    assert user.question.text == t("menu.prompt", locale="en")


async def test_text_the_menu_does_not_know_is_answered_with_the_menu() -> None:
    user = await user_at_menu(new_chat())
    await user.say("alo alo")
    assert user.said("menu.not_understood")
    assert user.question.ref == "menu"
    await user.say("/khongcolenhnay")
    assert user.said("input.unknown_command", command="khongcolenhnay")


async def _tip_code(user: User) -> str:
    await start_tip(user)
    await walk(user, ANONYMOUS_PATH)
    await user.say("1")
    (code,) = user.chat.records.tips
    return code


async def test_the_sender_sees_the_status_by_code_in_any_spelling() -> None:
    user = await user_at_menu(new_chat())
    code = await _tip_code(user)
    for typed in (code, code.lower(), format_tip_code(code), f" {format_tip_code(code).lower()} "):
        await user.say(f"/status {typed}")
        assert user.said("tip.status.received"), typed


async def test_the_status_menu_item_asks_for_the_code() -> None:
    user = await user_at_menu(new_chat())
    code = await _tip_code(user)
    await user.say("2")
    assert user.asked("status.ask_code")
    await user.say(code)
    assert user.said("tip.status.received")


async def test_someone_elses_code_gets_the_same_answer_as_a_wrong_one() -> None:
    chat = new_chat()
    sender = await user_at_menu(chat, user_id="1")
    code = await _tip_code(sender)
    other = await user_at_menu(chat, user_id="2")

    await other.say(f"/status {code}")
    foreign = other.text
    await other.say("/status ZZZZZZZZ")
    unknown = other.text
    await other.say("/status xin chao")
    malformed = other.text

    assert other.said("status.not_found")
    assert foreign == unknown == malformed
    assert t("tip.status.received") not in foreign
