"""A tip's thread in memory: the tipster adds by code, an officer asks, /xemtin shows both
sides as "Người báo tin" / "Cán bộ", never who wrote."""

from __future__ import annotations

from conversations.commands import COMMAND_TAP
from conversations.fields import format_tip_code
from conversations.localtime import shown
from conversations.menu import build_engine
from conversations.policy import Grant, Role
from conversations.replies import AskLocation
from conversations.secret_codes import LOCKOUTS, CodeKind
from conversations.tips import OFFICER, TIPSTER
from conversations.tips.report import new_tip_code
from tests.conversations.harness import (
    ANONYMOUS_PATH,
    CATALOGUES,
    START,
    Clock,
    User,
    new_chat,
    places,
    t,
    user_at_menu,
    user_with_role,
    walk,
)
from tests.memory import MemoryChat


async def _placed_tip(chat: MemoryChat | None = None) -> tuple[MemoryChat, str]:
    """A chat (a new one by default) with an anonymous tip from user 1, placed in a
    residential area of commune 17662: the chat and the tip's code."""
    chat = chat if chat is not None else new_chat()
    tipster = await user_at_menu(chat, user_id="1")
    await tipster.say("1")
    await walk(tipster, ANONYMOUS_PATH)
    await tipster.say("1")
    (code,) = chat.records.tips
    chat.records.tip_places[code] = places(chat)["17662-001"]
    return chat, code


async def test_a_tipster_adds_text_and_photos_by_code() -> None:
    chat, code = await _placed_tip()
    tipster = await user_at_menu(chat, user_id="1")
    await tipster.say(f"/bosung {code}")
    assert tipster.said("addition.ask_text")
    await tipster.say("Xe biển số 37A-123.45, màu trắng")
    assert tipster.asked("addition.ask_attachments")
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
    chat, code = await _placed_tip()
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
    chat, code = await _placed_tip()
    guesser = await user_at_menu(chat, user_id="2")
    lockout = LOCKOUTS[CodeKind.TIP]
    for _ in range(lockout.max_wrong):
        await guesser.say(f"/bosung {new_tip_code()}")
        assert guesser.replies[0].text == t("status.not_found")
        assert not guesser.said("addition.ask_text")
    await guesser.say(f"/themtin {code}")
    until = shown(START + lockout.wait)
    assert guesser.said("status.slow_down", count=lockout.max_wrong, until=until)
    assert not guesser.said("addition.ask_text")
    # /status shares the lockout: guessing through /bosung does not reset it.
    await guesser.say(f"/status {code}")
    assert guesser.said("status.slow_down", count=lockout.max_wrong, until=until)
    assert code not in chat.records.threads


async def test_an_officer_asks_and_reads_the_thread_without_names() -> None:
    chat, code = await _placed_tip()
    officer = await user_with_role(chat, Role.OFFICER, "17662", user_id="7")
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
    chat, code = await _placed_tip()
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
    chat, code = await _placed_tip()
    officer = await user_with_role(chat, Role.OFFICER, "17662", user_id="7")
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


# -- answering in place, ending the dialogue, limits, marks ----------------------------------


async def _asked(chat: MemoryChat, code: str, question: str = "Xe đỗ ở đâu?") -> User:
    """Officer 7 of the commune asks the tipster ``question``; the officer."""
    if not any(user == "7" for user in chat.members):
        chat.grant("7", Grant(0, Role.OFFICER, places(chat)["17662"]))
    officer = await user_at_menu(chat, user_id="7")
    await officer.say(f"/hoi {code}")
    await officer.say(question)
    await officer.say("xong")
    assert officer.said("asking.sent", code=format_tip_code(code))
    return officer


async def test_the_tipster_answers_in_place_by_the_reply_button_or_by_typing() -> None:
    chat, code = await _placed_tip()
    await _asked(chat, code)
    tipster = await user_at_menu(chat, user_id="1")
    # "Trả lời" under the question is a command button: its tap is the command typed.
    await tipster.send(option=f"/traloi {code}", option_ref=COMMAND_TAP)
    assert tipster.asked("answering.ask_text")
    await tipster.say("Trước cổng chợ, tối thứ Bảy")
    assert tipster.said("answering.sent", code=format_tip_code(code))
    await tipster.say(f"/reply {code}")
    await tipster.say("Thêm: xe màu trắng")
    assert [(line.direction, line.text) for line in chat.records.threads[code]] == [
        (OFFICER, "Xe đỗ ở đâu?"),
        (TIPSTER, "Trước cổng chợ, tối thứ Bảy"),
        (TIPSTER, "Thêm: xe màu trắng"),
    ]


async def test_a_bad_answer_is_explained_and_asked_again_with_nothing_lost() -> None:
    chat, code = await _placed_tip()
    await _asked(chat, code)
    tipster = await user_at_menu(chat, user_id="1")
    await tipster.say(f"/traloi {code}")
    await tipster.send(unsupported="sticker")
    assert tipster.said("input.unsupported") and tipster.asked("answering.ask_text")
    await tipster.say("   ")
    assert tipster.said("input.empty") and tipster.asked("answering.ask_text")
    await tipster.say("x" * 2001)
    assert tipster.said("input.too_long", maximum=2000, length=2001)
    await tipster.say("/trogiup")  # a command in the middle of the answer
    assert tipster.asked("answering.ask_text")
    await tipster.say("/khongcolenhnay")
    assert tipster.said("input.unknown_command", command="khongcolenhnay")
    assert tipster.asked("answering.ask_text")
    assert [line.direction for line in chat.records.threads[code]] == [OFFICER]
    await tipster.say("x" * 2000)  # exactly the most allowed
    assert tipster.said("answering.sent", code=format_tip_code(code))
    assert chat.records.threads[code][-1].text == "x" * 2000


async def test_a_wrong_code_to_answer_is_not_found_before_the_answer_is_asked() -> None:
    chat, code = await _placed_tip()
    guesser = await user_at_menu(chat, user_id="2")
    wrong = next(c for c in (new_tip_code() for _ in range(9)) if c != code)
    await guesser.say(f"/traloi {wrong}")
    assert guesser.replies[0].text == t("status.not_found")
    assert not guesser.said("answering.ask_text")
    assert chat.records.attempts[chat.member("2").id, CodeKind.TIP].failures == 1


async def test_the_tipster_ends_the_dialogue_and_no_question_is_relayed_after() -> None:
    chat, code = await _placed_tip()
    officer = await _asked(chat, code)
    tipster = await user_at_menu(chat, user_id="1")
    await tipster.send(option=f"/ketthuc {code}", option_ref=COMMAND_TAP)
    assert tipster.said("ending.done", code=format_tip_code(code))
    await tipster.say(f"/endthread {code}")
    assert tipster.said("ending.already", code=format_tip_code(code))
    await tipster.say(f"/status {code}")
    assert tipster.said("status.thread_ended")

    await officer.say(f"/hoi {code}")
    assert officer.said("asking.ended", code=format_tip_code(code))
    assert not officer.said("asking.ask_question")
    await officer.say(f"/xemtin {code}")
    ended = chat.records.thread_ended[code]
    assert officer.said("thread.ended", at=shown(ended))
    assert [line.direction for line in chat.records.threads[code]] == [OFFICER]


async def test_each_side_writes_at_most_the_hourly_limit_and_is_told_politely() -> None:
    clock = Clock()
    chat = new_chat(build_engine(CATALOGUES, thread_messages_per_hour=2), clock)
    _, code = await _placed_tip(chat)
    await _asked(chat, code, "Một?")
    officer = await _asked(chat, code, "Hai?")
    await officer.say(f"/hoi {code}")
    assert officer.said("thread.limit", code=format_tip_code(code), count=2)
    assert not officer.said("asking.ask_question")
    tipster = await user_at_menu(chat, user_id="1")
    for answer in ("Trả lời một", "Trả lời hai"):
        await tipster.say(f"/traloi {code}")
        await tipster.say(answer)
    await tipster.say(f"/bosung {code}")
    assert tipster.said("thread.limit", code=format_tip_code(code), count=2)
    assert not tipster.said("addition.ask_text")
    assert len(chat.records.threads[code]) == 4
    clock.advance(hours=1, minutes=1)  # the hour has passed: both may write again
    await tipster.say(f"/traloi {code}")
    assert tipster.asked("answering.ask_text")
    await _asked(chat, code, "Ba?")


async def test_an_officer_marks_a_message_important_and_the_tipster_never_sees_it() -> None:
    chat, code = await _placed_tip()
    officer = await _asked(chat, code)
    tipster = await user_at_menu(chat, user_id="1")
    await tipster.say(f"/traloi {code}")
    await tipster.say("Biển số 37A-123.45")
    await officer.say(f"/danhdau {code}")
    assert officer.asked("marking.ask_number")
    await officer.say("5")
    assert officer.said("marking.no_such_message", code=format_tip_code(code), number=5)
    assert officer.asked("marking.ask_number")
    await officer.say("2")
    assert officer.said("marking.marked", code=format_tip_code(code), number=2)
    await officer.say(f"/xemtin {code}")
    marked = f"{t('thread.tipster')}: Biển số 37A-123.45 {t('thread.important')}"
    assert f"2. {shown(chat.clock())} — {marked}" in officer.text
    await tipster.say(f"/status {code}")
    assert "Biển số 37A-123.45" in tipster.text
    assert t("thread.important") not in tipster.text
    await officer.say(f"/important {code}")
    await officer.say("2")  # again: the mark comes off
    assert officer.said("marking.unmarked", code=format_tip_code(code), number=2)
    assert not chat.records.threads[code][1].important


async def test_officers_see_the_first_answer_and_how_long_the_tipster_has_waited() -> None:
    clock = Clock()
    chat = new_chat(clock=clock)
    _, code = await _placed_tip(chat)
    tipster = await user_at_menu(chat, user_id="1")
    await tipster.say(f"/bosung {code}")
    await tipster.say("Họ lại đến tối nay")
    await tipster.say("xong")
    written = clock.now
    clock.advance(hours=3, minutes=20, seconds=40)
    officer = await user_with_role(chat, Role.OFFICER, "17662", user_id="7")
    await officer.say(f"/xemtin {code}")
    waited = t("thread.waited_hours", hours=3, minutes=20)
    assert officer.said("thread.waiting", at=shown(written), waited=waited)
    assert not officer.said("inbox.first_answer_at", at=shown(clock.now))
    await _asked(chat, code)
    await officer.say(f"/xemtin {code}")
    assert officer.said("inbox.first_answer_at", at=shown(clock.now))
    assert t("thread.waiting").split("{")[0] not in officer.text


async def test_an_officer_sends_photos_with_a_question() -> None:
    chat, code = await _placed_tip()
    officer = await user_with_role(chat, Role.OFFICER, "17662", user_id="7")
    await officer.say(f"/ask {code}")
    await officer.say("Có phải chiếc xe này?")
    await officer.send_file("photo", n=1)
    await officer.send_file("photo", n=2)
    await officer.say("xong")
    assert officer.said("asking.sent", code=format_tip_code(code))
    (line,) = chat.records.threads[code]
    assert (line.direction, line.text, line.files) == (OFFICER, "Có phải chiếc xe này?", 2)


async def test_a_tipster_adds_a_location_shared_or_typed_and_officers_see_it() -> None:
    chat, code = await _placed_tip()
    tipster = await user_at_menu(chat, user_id="1")
    await tipster.say(f"/bosung {code}")
    await tipster.say("bỏ qua")
    assert isinstance(tipster.question, AskLocation)  # the "share location" button, where any
    await tipster.share_location(21.0245, 105.8412)
    assert t("addition.location_received", lat=21.0245, lon=105.8412) in tipster.text
    await tipster.say("21.03, 105.85")  # typed again: the second point replaces the first
    await tipster.send_file("photo")
    await tipster.say("xong")
    assert tipster.said("addition.sent", code=format_tip_code(code))
    (line,) = chat.records.threads[code]
    assert (line.text, line.files, line.location) == (None, 1, (21.03, 105.85))
    officer = await user_with_role(chat, Role.OFFICER, "17662", user_id="7")
    await officer.say(f"/xemtin {code}")
    assert t("common.shared_location", lat=21.03, lon=105.85) in officer.text


async def test_answering_in_the_middle_of_a_new_tip_keeps_that_tips_draft() -> None:
    chat, code = await _placed_tip()
    await _asked(chat, code)
    tipster = await user_at_menu(chat, user_id="1")
    await tipster.say("1")  # a new tip, two answers in
    await walk(tipster, ANONYMOUS_PATH, upto=2)
    await tipster.send(option=f"/traloi {code}", option_ref=COMMAND_TAP)
    await tipster.say("Trước cổng chợ")
    assert tipster.said("answering.sent", code=format_tip_code(code))
    assert tipster.options[0] == "resume"  # the unfinished tip, as 0 above the menu
    await tipster.say("0")
    assert tipster.said("draft.resumed") and tipster.asked("tip.ask.place")
