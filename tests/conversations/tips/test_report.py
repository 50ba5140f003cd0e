"""The resident's tip flow as scripted conversations through the engine."""

from __future__ import annotations

from datetime import date

import pytest

from conversations.engine import DISCARD, FEW_ANSWERS
from conversations.fields import TIP_CODE_ALPHABET, format_tip_code
from conversations.replies import AskLocation, Choices
from tests.conversations.harness import (
    ANONYMOUS_PATH,
    CONTACT_PATH,
    DESCRIPTION,
    Clock,
    User,
    new_chat,
    start_tip,
    t,
    user_at_menu,
    walk,
)


async def send_tip(user: User, path: list[tuple[str, dict[str, object]]] = ANONYMOUS_PATH) -> str:
    await start_tip(user)
    await walk(user, path)
    assert user.said("summary.question")
    await user.say("1")  # confirm
    (code,) = [c for c in user.chat.records.tips if format_tip_code(c) in user.text]
    return code


async def test_anonymous_tip_is_stored_with_a_code_and_safety_notes() -> None:
    user = await user_at_menu(new_chat())
    code = await send_tip(user)

    tip = user.chat.records.tips[code]
    assert tip.anonymous and tip.contact_phone is None
    assert tip.category == "drugs"
    assert tip.description == DESCRIPTION
    assert tip.place_text == "Đầu ngõ 5, phố Kim Liên"
    assert (tip.occurred_date, tip.occurred_time) == (date(2026, 11, 22), "21:00")
    assert user.said("tip.stored", code=format_tip_code(code))
    assert "113" in user.text and "114" in user.text and "115" in user.text
    assert user.said("tip.safety")
    assert user.said("tip.stored_anonymous")  # the code is the only way back to this tip
    assert f"/tracuu {format_tip_code(code)}" in user.text
    assert len(code) == 8 and set(code) <= set(TIP_CODE_ALPHABET)
    assert user.question.ref == "menu"  # back at the menu afterwards


async def test_tip_with_contact_keeps_the_phone_in_international_form() -> None:
    user = await user_at_menu(new_chat())
    code = await send_tip(user, CONTACT_PATH)
    tip = user.chat.records.tips[code]
    assert not tip.anonymous
    assert tip.contact_phone == "+84912345678"
    assert user.said("tip.stored", code=format_tip_code(code))
    assert not user.said("tip.stored_anonymous")  # officers may call back: not the only way


async def test_codes_differ_from_tip_to_tip() -> None:
    user = await user_at_menu(new_chat())
    codes = {await send_tip(user) for _ in range(20)}
    assert len(codes) == 20


@pytest.mark.parametrize(("locale_choice", "locale"), [("1", "vi"), ("2", "en")])
async def test_the_step_count_counts_the_phone_steps_from_the_start_and_never_grows(
    locale_choice: str, locale: str
) -> None:
    user = await user_at_menu(new_chat(), locale_choice=locale_choice)
    await user.say("/tip")
    assert t("flow.progress", locale, position=1, total=9) in user.question.text
    for answer in ("1", DESCRIPTION, "1", "1", "1", "1"):
        await user.say(answer)
    assert t("flow.progress", locale, position=7, total=9) in user.question.text
    await user.say("2")  # leave a phone: the consent and the phone are steps 8 and 9
    assert user.question.text.startswith(t("flow.progress", locale, position=8, total=9) + "\n")
    await user.say("1")
    assert user.question.text.startswith(t("flow.progress", locale, position=9, total=9) + "\n")


async def test_choices_match_words_without_diacritics_and_numbers() -> None:
    for answer, expected in [
        ("lua dao", "online_fraud"),
        ("Lừa đảo", "online_fraud"),
        ("4", "online_fraud"),
        ("MA TUY", "drugs"),
        ("khac", "other"),
    ]:
        user = await user_at_menu(new_chat())
        await start_tip(user)
        await user.say(answer)
        assert user.asked("tip.ask.description"), answer
        await walk(user, ANONYMOUS_PATH[1:])
        await user.say("xac nhan")
        (tip,) = user.chat.records.tips.values()
        assert tip.category == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"location": None}, None),
        ({"text": "không nhớ rõ"}, {"place_unknown": True}),
        ({"text": "khong nho ro"}, {"place_unknown": True}),
        ({"option": "unknown"}, {"place_unknown": True}),
        (
            {"text": "https://maps.google.com/?q=21.0285,105.8542"},
            {"latitude": 21.0285, "longitude": 105.8542},
        ),
        ({"text": "Chợ Đồng Xuân"}, {"place_text": "Chợ Đồng Xuân"}),
    ],
)
async def test_place_as_location_link_text_or_unknown(
    answer: dict[str, object], expected: dict[str, object] | None
) -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await walk(user, ANONYMOUS_PATH, upto=2)
    assert isinstance(user.question, AskLocation)
    if "location" in answer:
        await user.share_location(10.7769, 106.7009)
        expected = {"latitude": 10.7769, "longitude": 106.7009}
    elif "option" in answer:
        await user.tap("unknown")
    else:
        await user.send(**answer)
    assert user.asked("tip.ask.commune")
    await walk(user, ANONYMOUS_PATH[3:])
    await user.say("1")
    (tip,) = user.chat.records.tips.values()
    for name, value in (expected or {}).items():
        assert getattr(tip, name) == value


@pytest.mark.parametrize(
    ("answer", "expected_date", "expected_time", "unknown"),
    [
        ("không rõ", None, None, True),
        ("ko ro", None, None, True),
        ("14h30 hôm qua", date(2026, 11, 22), "14:30", False),
        ("20/11/2026", date(2026, 11, 20), None, False),
        ("hom nay", date(2026, 11, 23), None, False),
        ("8h sáng", None, "08:00", False),
    ],
)
async def test_time_as_date_time_or_unknown(
    answer: str, expected_date: date | None, expected_time: str | None, unknown: bool
) -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await walk(user, ANONYMOUS_PATH, upto=4)
    await user.say(answer)
    assert user.asked("tip.ask.attachments")
    await walk(user, ANONYMOUS_PATH[5:])
    await user.say("1")
    (tip,) = user.chat.records.tips.values()
    assert (tip.occurred_date, tip.occurred_time, tip.occurred_unknown) == (
        expected_date,
        expected_time,
        unknown,
    )


async def test_a_future_date_is_refused_politely() -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await walk(user, ANONYMOUS_PATH, upto=4)
    await user.say("25/12/2026")
    assert user.said("input.date_future")
    assert user.asked("tip.ask.time")


async def test_up_to_five_attachments_of_every_kind_are_kept_as_file_ids() -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await walk(user, ANONYMOUS_PATH, upto=5)
    for n, kind in enumerate(["photo", "video", "voice", "document"], start=1):
        await user.send_file(kind, n=n)
        assert user.said("input.attachment_received", count=n, maximum=5)
    await user.send_file("photo", n=5)
    # The fifth file fills the list and moves on by itself.
    assert user.said("input.attachments_full", count=5)
    assert user.asked("tip.ask.identity")
    await user.say("1")
    await user.say("1")
    (tip,) = user.chat.records.tips.values()
    assert [item["kind"] for item in tip.attachments] == [
        "photo",
        "video",
        "voice",
        "document",
        "photo",
    ]
    assert tip.attachments[0]["file_id"] == "file-photo-1"


async def test_an_oversized_file_is_refused_and_the_others_are_kept() -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await walk(user, ANONYMOUS_PATH, upto=5)
    await user.send_file("photo", n=1)
    await user.send_file("video", size=500 * 1024 * 1024, n=2)
    assert user.said("input.file_too_large", max_mb=50)
    await user.say("xong")
    await user.say("1")
    await user.say("1")
    (tip,) = user.chat.records.tips.values()
    assert [item["file_id"] for item in tip.attachments] == ["file-photo-1"]


BAD_INPUTS: list[tuple[str, dict[str, object]]] = [
    ("empty", {"text": "   "}),
    ("emoji", {"text": "😀👍"}),
    ("sticker", {"unsupported": "sticker"}),
    ("unknown command", {"text": "/xyz"}),
    ("too long", {"text": "a" * 4001}),
]


@pytest.mark.parametrize("step", range(len(CONTACT_PATH)))
@pytest.mark.parametrize(("label", "bad"), BAD_INPUTS, ids=[label for label, _ in BAD_INPUTS])
async def test_wrong_input_at_every_step_is_explained_and_asked_again(
    step: int, label: str, bad: dict[str, object]
) -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await walk(user, CONTACT_PATH, upto=step)
    key = CONTACT_PATH[step][0]
    await user.send(**bad)
    assert len(user.replies) >= 2, label  # an explanation, then the question again
    assert user.asked(key), f"{label} at {key}: {user.text}"
    # Nothing given earlier is lost: finishing from here stores every earlier answer.
    await walk(user, CONTACT_PATH[step:])
    await user.say("1")
    (tip,) = user.chat.records.tips.values()
    assert tip.description == DESCRIPTION
    assert tip.contact_phone == "+84912345678"


@pytest.mark.parametrize("step", range(len(CONTACT_PATH)))
async def test_wrong_kind_of_message_at_every_step(step: int) -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await walk(user, CONTACT_PATH, upto=step)
    key = CONTACT_PATH[step][0]
    wrong = {"text": "ok"} if key in ("tip.ask.attachments",) else {"location": None}
    if "location" in wrong:
        if key == "tip.ask.place":
            await user.send_file("photo")
        else:
            await user.share_location(21.0, 105.8)
    else:
        await user.send(**wrong)
    assert user.asked(key), f"{key}: {user.text}"


@pytest.mark.parametrize("step", range(1, len(CONTACT_PATH)))
async def test_back_at_every_step_returns_to_the_previous_question(step: int) -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await walk(user, CONTACT_PATH, upto=step)
    await user.say("/back")
    assert user.asked(CONTACT_PATH[step - 1][0])
    await user.say("quay lại")
    if step >= 2:
        assert user.asked(CONTACT_PATH[step - 2][0])
    # Answers survive going back: walking forward again reaches the summary with them.
    await walk(user, CONTACT_PATH[max(step - 2, 0) :])
    assert DESCRIPTION[:40] in user.text


async def test_back_at_the_first_step_says_so_and_asks_again() -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await user.say("/back")
    assert user.said("flow.first_step")
    assert user.asked("tip.ask.category")


@pytest.mark.parametrize("step", range(len(CONTACT_PATH) + 1))
@pytest.mark.parametrize("command", ["/cancel", "/huy", "huỷ"])
async def test_cancel_at_every_step_stores_nothing_and_shows_the_menu(
    step: int, command: str
) -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await walk(user, CONTACT_PATH, upto=step)
    await user.say(command)
    if step > FEW_ANSWERS:  # a longer draft is discarded only when the tipster says so
        assert user.question.ref == DISCARD
        await user.say("1")
    assert user.said("flow.cancelled")
    assert user.question.ref == "menu"
    assert not user.chat.records.tips
    assert "resume" not in user.options


async def test_a_longer_draft_is_kept_when_the_tipster_does_not_want_it_discarded() -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await walk(user, CONTACT_PATH, upto=4)
    await user.say("/huy")
    assert user.said("draft.discard_question", flow=t("menu.tip"))
    assert user.options == ["discard", "keep"]
    await user.say("2")  # keep it
    assert user.said("draft.resumed") and user.asked("tip.ask.time")
    await walk(user, CONTACT_PATH[4:])
    await user.say("1")
    assert len(user.chat.records.tips) == 1


async def test_cancel_at_the_menu_asks_before_discarding_a_draft_put_aside() -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await walk(user, CONTACT_PATH, upto=4)
    await user.say("/menu")
    await user.say("/huy")
    assert user.said("draft.discard_question", flow=t("menu.tip"))
    await user.say("tiep tuc")
    assert user.asked("tip.ask.time")
    await user.say("/menu")
    await user.say("/huy")
    await user.say("huỷ bản nháp")
    assert user.said("flow.cancelled") and "resume" not in user.options


@pytest.mark.parametrize("step", range(len(CONTACT_PATH)))
async def test_help_at_every_step_explains_and_asks_again(step: int) -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await walk(user, CONTACT_PATH, upto=step)
    await user.say("/help")
    assert len(user.replies) == 2
    assert user.asked(CONTACT_PATH[step][0])


async def test_menu_mid_flow_keeps_the_draft_and_resume_continues_at_the_same_step() -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await walk(user, ANONYMOUS_PATH, upto=4)
    await user.say("/menu")
    assert user.said("draft.kept")
    assert user.options[0] == "resume"
    await user.say("0")  # above the menu's items, which keep their numbers
    assert user.said("draft.resumed")
    assert user.asked("tip.ask.time")
    await walk(user, ANONYMOUS_PATH[4:])
    await user.say("1")
    (tip,) = user.chat.records.tips.values()
    assert tip.description == DESCRIPTION


async def test_status_mid_flow_answers_and_the_draft_can_be_resumed() -> None:
    user = await user_at_menu(new_chat())
    code = await send_tip(user)
    await start_tip(user)
    await walk(user, ANONYMOUS_PATH, upto=2)
    await user.say(f"/status {code}")
    assert user.said(
        "status.found",
        code=format_tip_code(code),
        status=t("tip.status.received"),
        received="10:00 23/11/2026",
    )
    await user.tap("resume")
    assert user.asked("tip.ask.place")


async def test_summary_edit_changes_one_answer_and_returns_to_the_summary() -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await walk(user, ANONYMOUS_PATH)
    await user.say("sửa")
    assert user.said("summary.which_field")
    await user.say("2")  # description
    assert user.asked("tip.ask.description")
    await user.say("Nội dung đã sửa lại cho rõ ràng hơn.")
    assert user.said("summary.question")
    assert "Nội dung đã sửa lại" in user.text
    await user.say("1")
    (tip,) = user.chat.records.tips.values()
    assert tip.description == "Nội dung đã sửa lại cho rõ ràng hơn."


async def test_switching_to_contact_in_edit_asks_the_phone_then_summary() -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await walk(user, ANONYMOUS_PATH)
    await user.say("2")
    await user.say("7")  # identity
    await user.say("2")  # leave a phone
    assert user.asked("tip.ask.phone_consent")
    await user.say("1")
    assert user.asked("tip.ask.phone")
    await user.say("0912345678")
    assert user.said("summary.question")
    await user.say("1")
    (tip,) = user.chat.records.tips.values()
    assert tip.contact_phone == "+84912345678"


async def test_switching_to_anonymous_in_edit_forgets_the_phone() -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await walk(user, CONTACT_PATH)
    await user.say("2")
    await user.say("7")
    await user.say("1")  # anonymous after all
    assert user.said("summary.question")
    assert "0912345678" not in user.text
    await user.say("1")
    (tip,) = user.chat.records.tips.values()
    assert tip.anonymous and tip.contact_phone is None


async def test_a_tap_on_an_old_keyboard_cannot_change_an_answer() -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await user.tap("drugs")
    assert user.asked("tip.ask.description")
    await user.tap("theft", ref="category")  # the old category keyboard
    assert user.said("input.stale_button")
    assert user.asked("tip.ask.description")
    await walk(user, ANONYMOUS_PATH[1:])
    await user.say("1")
    (tip,) = user.chat.records.tips.values()
    assert tip.category == "drugs"


async def test_a_draft_expires_after_a_day_and_the_user_is_told() -> None:
    clock = Clock()
    user = await user_at_menu(new_chat(clock=clock))
    await start_tip(user)
    await walk(user, ANONYMOUS_PATH, upto=4)
    clock.advance(hours=24, minutes=1)
    await user.say("hôm qua")
    assert user.said("draft.expired", flow=t("menu.tip"), hours=24)
    assert user.question.ref == "menu"
    await start_tip(user)
    assert t("flow.progress", position=1, total=9) in user.question.text


async def test_a_draft_within_a_day_is_kept() -> None:
    clock = Clock()
    user = await user_at_menu(new_chat(clock=clock))
    await start_tip(user)
    await walk(user, ANONYMOUS_PATH, upto=4)
    clock.advance(hours=23)
    await user.say("hôm qua")
    assert user.asked("tip.ask.attachments")


async def test_english_speakers_get_english_questions() -> None:
    user = await user_at_menu(new_chat(), locale_choice="English", consented=False)
    assert user.said("language.saved", locale="en")
    await user.say("Send a tip")
    assert user.asked("tip.ask.category", locale="en")
    assert isinstance(user.question, Choices)
    assert user.question.options[0].label == "Drugs"


async def test_the_english_summary_says_how_the_tip_is_sent() -> None:
    user = await user_at_menu(new_chat(), locale_choice="2")
    await user.say("/tip")
    for _, answer in ANONYMOUS_PATH:  # the answers read the same in English
        await user.send(**answer)
    assert f"{t('tip.title.identity', 'en')}: Anonymous" in user.question.text


@pytest.mark.parametrize(
    ("answer", "problem"),
    [("...........", "input.words_expected"), ("!!! ??? ...", "input.words_expected")],
)
async def test_a_description_must_have_words_not_dots(answer: str, problem: str) -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await user.say("1")
    await user.say(answer)
    assert user.said(problem) and user.asked("tip.ask.description")
    await user.say("Ma tuý . . . . . .")  # a few letters among the dots are still too few
    assert user.said("input.too_short", minimum=10) and user.asked("tip.ask.description")
    await user.say(DESCRIPTION)
    assert user.asked("tip.ask.place")


@pytest.mark.parametrize("locale_choice", ["Tiếng Việt", "English"])
async def test_the_number_of_the_listed_option_answers_the_free_text_steps(
    locale_choice: str,
) -> None:
    user = await user_at_menu(new_chat(), locale_choice=locale_choice)
    locale = "vi" if locale_choice == "Tiếng Việt" else "en"
    await user.say("/tip")
    await user.say("1")
    await user.say(DESCRIPTION)
    for asked in ("tip.ask.place", "tip.ask.commune", "tip.ask.time", "tip.ask.attachments"):
        assert user.asked(asked, locale), user.question.text
        await user.say("1")  # "Không nhớ rõ", "Không rõ", "Không rõ", "Bỏ qua"
    assert user.asked("tip.ask.identity", locale)
    await user.say("1")
    await user.say("1")  # confirm
    (tip,) = user.chat.records.tips.values()
    assert (tip.place_unknown, tip.area_id, tip.occurred_unknown) == (True, None, True)
    assert tip.attachments == ()
