"""Start, language, menu and following a tip up by its code."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conversations.fields import format_tip_code
from conversations.policy import Grant, Role
from conversations.replies import Choices
from conversations.secret_codes import LOCKOUTS, CodeKind
from conversations.tips.report import new_tip_code
from tests.conversations.harness import (
    ANONYMOUS_PATH,
    Clock,
    User,
    menu_items,
    new_chat,
    places,
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
    clock.advance(minutes=7)  # the lock runs from the last wrong code: 10:07 in Vietnam
    for _ in range(lockout.max_wrong):
        await guesser.say(f"/status {new_tip_code()}")
        assert guesser.said("status.not_found")

    clock.advance(minutes=30)
    await guesser.say(f"/status {code}")
    # Until when, in Vietnam's time, from the lock's own end (not "in N minutes").
    assert lockout.wait == timedelta(hours=1)
    assert guesser.said("status.slow_down", count=lockout.max_wrong, until="11:07 23/11/2026")
    assert f"{lockout.max_wrong} lần" in guesser.text and "11:07 23/11/2026" in guesser.text
    assert not guesser.said("tip.status.received")

    clock.advance(seconds=lockout.wait.total_seconds() + 1)
    await guesser.say(f"/status {code}")
    assert guesser.said("tip.status.received")
    # The sender was never slowed down by somebody else's guesses.
    await sender.say(f"/status {code}")
    assert sender.said("tip.status.received")


@pytest.mark.parametrize(("locale_choice", "locale"), [("1", "vi"), ("2", "en")])
async def test_a_pending_draft_is_offered_above_the_menu_and_the_items_keep_their_numbers(
    locale_choice: str, locale: str
) -> None:
    user = await user_at_menu(new_chat(), locale_choice=locale_choice)
    before = user.question
    await user.say("/tip")
    await user.say("1")
    await user.say("/menu")
    menu = user.question
    assert isinstance(before, Choices) and isinstance(menu, Choices)
    assert menu.numbered_from == 0 and menu.options[0].id == "resume"
    assert menu.options[1:] == before.options  # every item where it was
    await user.say("2")  # item 2 is still "Tra cứu tin báo"
    assert user.asked("status.ask_code", locale)
    await user.say("/menu")
    await user.say("0")
    assert user.said("draft.resumed", locale) and user.asked("tip.ask.description", locale)


@pytest.mark.parametrize(("locale_choice", "locale"), [("1", "vi"), ("2", "en")])
async def test_a_long_menu_is_grouped_into_sections_of_a_few_items_each(
    locale_choice: str, locale: str
) -> None:
    chat = new_chat()
    chat.grant("900", Grant(0, Role.ADMIN, places(chat)["17662"]))
    admin = await user_at_menu(chat, user_id="900", locale_choice=locale_choice)
    assert len(await menu_items(admin)) > 20  # everything is still reachable
    main = admin.question
    assert isinstance(main, Choices)
    assert len([o for o in main.options if o.id != "help"]) <= 8
    sections = [option.id for option in main.options if option.id.startswith("section:")]
    assert len(sections) >= 3
    for number, option in enumerate(main.options, start=1):
        if not option.id.startswith("section:"):
            continue
        await admin.say(str(number))  # a section's screen, numbered from 1
        screen = admin.question
        assert isinstance(screen, Choices) and screen.ref == f"menu:{option.id[8:]}"
        assert t("menu.section_prompt", locale, section=option.label) == screen.text
        assert len(screen.options) <= 8 and screen.options[-1].id == "main"
        await admin.say(str(len(screen.options)))  # back to the main screen
        assert admin.question == main
    campaigns = [option.id for option in main.options].index("section:campaigns") + 1
    await admin.say(str(campaigns))
    await admin.say("3")  # the campaigns screen's third item: a broadcast
    assert admin.asked("broadcasts.ask.text", locale)


async def test_each_member_sees_the_menu_of_the_roles_they_hold_at_the_moment() -> None:
    """A screen is laid out once for each set of roles: members of one engine holding other
    roles, and a member whose roles changed, each still see their own."""
    chat = new_chat()
    commune = places(chat)["17662"]
    resident = await user_at_menu(chat, user_id="801")
    resident_menu = resident.question
    resident_items = await menu_items(resident)
    chat.grant("802", Grant(0, Role.OFFICER, commune))
    officer = await user_at_menu(chat, user_id="802")
    officer_items = await menu_items(officer)
    assert set(officer_items) > set(resident_items)
    await resident.say("/menu")
    assert resident.question == resident_menu
    chat.grant("801", Grant(1, Role.OFFICER, commune))
    await resident.say("/menu")
    assert await menu_items(resident) == officer_items
