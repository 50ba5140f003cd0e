"""A tip's thread in memory: the tipster adds by code, an officer asks, /xemtin shows both
sides as "Người báo tin" / "Cán bộ", never who wrote."""

from __future__ import annotations

from conversations.fields import format_tip_code
from conversations.policy import Grant, Role
from conversations.secret_codes import LOCKOUTS, CodeKind
from conversations.tips import OFFICER, TIPSTER
from conversations.tips.report import new_tip_code
from tests.conversations.harness import (
    ANONYMOUS_PATH,
    new_chat,
    places,
    t,
    user_at_menu,
    walk,
)
from tests.memory import MemoryChat


async def _placed_tip(chat: MemoryChat) -> str:
    """An anonymous tip from user 1, placed in a residential area of commune 17662."""
    tipster = await user_at_menu(chat, user_id="1")
    await tipster.say("1")
    await walk(tipster, ANONYMOUS_PATH)
    await tipster.say("1")
    (code,) = chat.records.tips
    chat.records.tip_places[code] = places(chat)["17662-001"]
    return code


async def test_a_tipster_adds_text_and_photos_by_code() -> None:
    chat = new_chat()
    code = await _placed_tip(chat)
    tipster = await user_at_menu(chat, user_id="1")
    await tipster.say(f"/bosung {code}")
    assert tipster.said("addition.ask_text")
    await tipster.say("Xe biển số 37A-123.45, màu trắng")
    assert tipster.said("addition.ask_attachments")
    await tipster.send_file("photo")
    await tipster.say("xong")
    assert tipster.said("addition.sent", code=format_tip_code(code))
    (line,) = chat.records.threads[code]
    assert (line.direction, line.text, line.files) == (
        TIPSTER,
        "Xe biển số 37A-123.45, màu trắng",
        1,
    )


async def test_an_empty_addition_is_asked_again_and_photos_alone_do() -> None:
    chat = new_chat()
    code = await _placed_tip(chat)
    tipster = await user_at_menu(chat, user_id="1")
    await tipster.say(f"/add {code}")
    await tipster.say("bỏ qua")
    await tipster.say("xong")
    assert tipster.said("addition.empty") and tipster.said("addition.ask_text")
    assert code not in chat.records.threads
    await tipster.say("bỏ qua")
    await tipster.send_file("photo")
    await tipster.say("xong")
    assert tipster.said("addition.sent", code=format_tip_code(code))
    assert [line.files for line in chat.records.threads[code]] == [1]


async def test_a_wrong_code_is_not_found_at_once_and_counts_toward_the_lockout() -> None:
    chat = new_chat()
    code = await _placed_tip(chat)
    guesser = await user_at_menu(chat, user_id="2")
    lockout = LOCKOUTS[CodeKind.TIP]
    for _ in range(lockout.max_wrong):
        await guesser.say(f"/bosung {new_tip_code()}")
        assert guesser.replies[0].text == t("status.not_found")
        assert not guesser.said("addition.ask_text")
    await guesser.say(f"/themtin {code}")
    minutes = int(lockout.wait.total_seconds() // 60)
    assert guesser.said("status.slow_down", minutes=minutes)
    assert not guesser.said("addition.ask_text")
    # /status shares the lockout: guessing through /bosung does not reset it.
    await guesser.say(f"/status {code}")
    assert guesser.said("status.slow_down", minutes=minutes)
    assert code not in chat.records.threads


async def test_an_officer_asks_and_reads_the_thread_without_names() -> None:
    chat = new_chat()
    code = await _placed_tip(chat)
    chat.grant("7", Grant(0, Role.OFFICER, places(chat)["17662"]))
    officer = await user_at_menu(chat, user_id="7")
    await officer.say(f"/hoi {code}")
    assert officer.said("asking.ask_question")
    await officer.say("Xe thường đỗ ở đâu?")
    assert officer.said("asking.ask_attachments")
    await officer.say("xong")
    assert officer.said("asking.sent", code=format_tip_code(code))
    tipster = await user_at_menu(chat, user_id="1")
    await tipster.say(f"/bosung {code}")
    await tipster.say("Trước cổng chợ")
    await tipster.say("xong")

    await officer.say(f"/xemtin {code}")
    shown = officer.text
    assert t("thread.title") in shown
    asked = shown.index(f"{t('thread.officer')}: Xe thường đỗ ở đâu?")
    answered = shown.index(f"{t('thread.tipster')}: Trước cổng chợ")
    assert asked < answered
    assert [line.direction for line in chat.records.threads[code]] == [OFFICER, TIPSTER]


async def test_an_officer_not_handling_the_tip_cannot_ask() -> None:
    chat = new_chat()
    code = await _placed_tip(chat)
    commune = places(chat)["17662"]
    chat.grant("7", Grant(0, Role.OFFICER, commune))
    chat.grant("8", Grant(0, Role.OFFICER, commune))
    handler = await user_at_menu(chat, user_id="7")
    await handler.say(f"/xuly {code}")
    await handler.tap("take")
    other = await user_at_menu(chat, user_id="8")
    await other.say(f"/hoi {code}")
    assert other.said("asking.not_yours", code=format_tip_code(code))
    assert not other.said("asking.ask_question")
    resident = await user_at_menu(chat, user_id="9")
    await resident.say(f"/hoi {code}")
    assert resident.said("policy.denied")
    assert code not in chat.records.threads


async def test_status_shows_the_threads_last_messages_to_whoever_holds_the_code() -> None:
    chat = new_chat()
    code = await _placed_tip(chat)
    chat.grant("7", Grant(0, Role.OFFICER, places(chat)["17662"]))
    officer = await user_at_menu(chat, user_id="7")
    for question in ("Câu hỏi một?", "Câu hỏi hai?", "Câu hỏi ba?", "Câu hỏi bốn?"):
        await officer.say(f"/hoi {code}")
        await officer.say(question)
        await officer.say("xong")
    tipster = await user_at_menu(chat, user_id="1")
    await tipster.say(f"/status {code}")
    assert tipster.said("status.thread_title")
    shown = tipster.text
    # The last three, oldest first; the officer is "Cán bộ", never a name.
    assert "Câu hỏi một?" not in shown
    assert shown.index("Câu hỏi hai?") < shown.index("Câu hỏi ba?") < shown.index("Câu hỏi bốn?")
    assert f"{t('thread.officer')}: Câu hỏi bốn?" in shown
    assert "user 7" not in shown
