"""Steps and words a tipster and an officer meet: the files step asked again names what is
attached and the option offered, a command's code is not counted as a step, and a closed tip
does not suggest answering."""

from __future__ import annotations

from conversations.fields import format_tip_code
from conversations.policy import Role
from tests.conversations.harness import (
    ANONYMOUS_PATH,
    new_chat,
    places,
    t,
    user_at_menu,
    user_with_role,
    walk,
)
from tests.memory import MemoryChat

UP_TO_FILES = [key for key, _ in ANONYMOUS_PATH].index("tip.ask.attachments")


async def placed_tip(chat: MemoryChat) -> str:
    """An anonymous tip of user 1, placed in commune 17662; its code."""
    tipster = await user_at_menu(chat, user_id="1")
    await tipster.say("1")
    await walk(tipster, ANONYMOUS_PATH)
    await tipster.say("1")
    (code,) = chat.records.tips
    chat.records.tip_places[code] = places(chat)["17662-001"]
    return code


async def test_back_at_the_files_step_the_attached_photo_and_the_done_option_are_named() -> None:
    user = await user_at_menu(new_chat())
    await user.say("1")
    await walk(user, ANONYMOUS_PATH, upto=UP_TO_FILES)
    await user.send_file("photo")
    await user.say("xong")
    assert user.asked("tip.ask.identity")
    await user.say("/quaylai")
    files = t("common.files", count=1, kinds=t("media.photo"))
    again = t("tip.ask.attachments_more", files=files, maximum=5, done=t("common.done"))
    assert again in user.question.text
    assert t("tip.ask.attachments") not in user.question.text  # "chọn «Bỏ qua»" is not offered
    assert [option.label for option in user.question.options] == [t("common.done")]  # type: ignore[union-attr]
    assert user.question.text.startswith(t("flow.progress", position=6, total=9) + "\n")


async def test_a_code_typed_after_hoi_is_not_counted_as_a_step() -> None:
    chat = new_chat()
    code = await placed_tip(chat)
    officer = await user_with_role(chat, Role.OFFICER, "17662", user_id="7")
    await officer.say(f"/hoi {code}")
    assert officer.question.text.startswith(t("flow.progress", position=1, total=2) + "\n")
    assert officer.asked("asking.ask_question")
    await officer.say("Xe thường đỗ ở đâu?")
    assert officer.question.text.startswith(t("flow.progress", position=2, total=2) + "\n")


async def test_a_closed_tip_does_not_suggest_answering() -> None:
    chat = new_chat()
    code = await placed_tip(chat)
    officer = await user_with_role(chat, Role.OFFICER, "17662", user_id="7")
    await officer.say(f"/hoi {code}")
    await officer.say("Xe thường đỗ ở đâu?")
    await officer.say("xong")
    tipster = await user_at_menu(chat, user_id="1")
    await tipster.say(f"/tracuu {code}")
    assert t("status.thread_title") in tipster.text  # open: answering is suggested
    chat.records.statuses[code] = "closed"
    await tipster.say(f"/tracuu {code}")
    assert t("status.thread_title_closed") in tipster.text
    assert "/traloi" not in tipster.text and t("status.thread_title") not in tipster.text
    assert format_tip_code(code) in tipster.text
