"""Start, language, menu and following a tip up by its code."""

from __future__ import annotations

from conversations.fields import format_tip_code
from conversations.secret_codes import LOCKOUTS, CodeKind
from conversations.tips.report import new_tip_code
from tests.conversations.harness import (
    ANONYMOUS_PATH,
    Clock,
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
    user = await user_at_menu(chat, consented=False)
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


async def test_the_code_is_the_secret_whoever_holds_it_follows_the_tip_up() -> None:
    # A tipster who lost their phone follows the tip up from a new account with the code.
    chat = new_chat()
    sender = await user_at_menu(chat, user_id="1")
    code = await _tip_code(sender)
    new_phone = await user_at_menu(chat, user_id="2")

    await new_phone.say(f"/status {code}")

    assert new_phone.said("tip.status.received")


async def test_a_wrong_code_and_a_malformed_one_get_the_same_answer() -> None:
    user = await user_at_menu(new_chat())
    await user.say("/status ZZZZZZZZ")
    unknown = user.text
    await user.say("/status xin chao")
    malformed = user.text

    assert user.said("status.not_found")
    assert unknown == malformed


async def test_wrong_tip_codes_in_a_row_lock_the_guesser_out_even_from_a_real_code() -> None:
    clock = Clock()
    chat = new_chat(clock=clock)
    sender = await user_at_menu(chat, user_id="1")
    code = await _tip_code(sender)
    guesser = await user_at_menu(chat, user_id="2")
    lockout = LOCKOUTS[CodeKind.TIP]
    for _ in range(lockout.max_wrong):
        await guesser.say(f"/status {new_tip_code()}")
        assert guesser.said("status.not_found")

    await guesser.say(f"/status {code}")
    minutes = int(lockout.wait.total_seconds() // 60)
    assert guesser.said("status.slow_down", minutes=minutes)
    assert not guesser.said("tip.status.received")

    clock.advance(seconds=lockout.wait.total_seconds() + 1)
    await guesser.say(f"/status {code}")
    assert guesser.said("tip.status.received")
    # The sender was never slowed down by somebody else's guesses.
    await sender.say(f"/status {code}")
    assert sender.said("tip.status.received")
