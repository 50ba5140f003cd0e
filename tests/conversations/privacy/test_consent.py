"""Consent to the privacy notice: asked before what keeps data, refused, given, withdrawn."""

from __future__ import annotations

from dataclasses import replace

from conversations.menu import build_engine
from conversations.privacy import NOTICE_VERSION, ConsentDecision, PrivacyTerms
from tests.conversations.harness import (
    ANONYMOUS_PATH,
    CATALOGUES,
    CONTACT_PATH,
    new_chat,
    start_tip,
    t,
    user_at_menu,
    walk,
)


async def test_registering_for_events_asks_for_consent_first_and_then_goes_on() -> None:
    chat = new_chat()
    user = await user_at_menu(chat, consented=False)
    await user.say("/sukien")
    assert user.asked("privacy.ask")
    assert user.said(
        "privacy.notice",
        version=NOTICE_VERSION,
        controller=PrivacyTerms().controller,
        inactive=t("privacy.period.years", years=3),
    )
    await user.say("Đồng ý")
    assert user.said("privacy.given")
    assert user.asked("events.ask.home")  # the events flow the member asked for
    assert chat.records.consents == [(1, ConsentDecision.GIVEN)]


async def test_refusing_is_stored_and_still_lets_the_person_send_an_anonymous_tip() -> None:
    chat = new_chat()
    user = await user_at_menu(chat, consented=False)
    await user.say("/sukien")
    await user.say("Không đồng ý")
    assert user.said("privacy.refused")
    assert chat.records.consents == [(1, ConsentDecision.REFUSED)]
    assert user.question.ref == "menu"

    await start_tip(user)  # no notice before an anonymous tip
    await walk(user, ANONYMOUS_PATH)
    await user.say("1")
    assert user.said("tip.safety")
    (tip,) = chat.records.tips.values()
    assert tip.anonymous

    await user.say("/sukien")  # the person may change their mind: asked again
    assert user.asked("privacy.ask")


async def test_withdrawing_is_answered_at_once_and_the_next_registration_asks_again() -> None:
    chat = new_chat()
    user = await user_at_menu(chat)  # agreed
    await user.say("/rutdongy")
    assert user.said("privacy.withdrawn")
    assert chat.records.consents[-1] == (1, ConsentDecision.WITHDRAWN)
    assert chat.members["1001"].consent_version is None
    await user.say("/sukien")
    assert user.asked("privacy.ask")


async def test_withdrawing_without_consent_says_there_is_nothing_to_withdraw() -> None:
    user = await user_at_menu(new_chat(), consented=False)
    await user.say("/rutdongy")
    assert user.said("privacy.nothing_to_withdraw")


async def test_a_new_notice_version_asks_again() -> None:
    chat = new_chat()
    user = await user_at_menu(chat)
    chat.members["1001"] = replace(chat.members["1001"], consent_version=NOTICE_VERSION - 1)
    await user.say("/sukien")
    assert user.asked("privacy.ask")


async def test_a_deep_link_code_survives_the_notice(  # the code typed after /join is kept
) -> None:
    chat = new_chat()
    user = await user_at_menu(chat, consented=False)
    await user.say("/join ABCD-EFGH-23")
    assert user.asked("privacy.ask")
    await user.say("1")
    assert user.said("join.not_found")  # the code was tried, not lost


async def test_leaving_a_phone_asks_for_that_phone_and_refusing_sends_the_tip_anonymously() -> None:
    chat = new_chat()
    user = await user_at_menu(chat, consented=False)
    await start_tip(user)
    await walk(user, CONTACT_PATH[:-2])
    assert user.asked("tip.ask.phone_consent")
    await user.say("2")  # no: send it anonymously
    assert user.said("tip.phone_consent.went_anonymous")
    assert user.said("summary.question")
    assert t("tip.title.phone") not in user.text
    await user.say("1")
    (tip,) = chat.records.tips.values()
    assert tip.anonymous and tip.contact_phone is None


async def test_the_notice_is_in_english_for_english_speakers() -> None:
    user = await user_at_menu(new_chat(), locale_choice="English", consented=False)
    await user.say("/consent")
    assert user.asked("privacy.ask", locale="en")
    assert "PERSONAL DATA NOTICE" in user.text
    await user.say("I agree")
    assert user.said("privacy.given", locale="en")


SHORT_NOTICE_LIMIT = 600  # about 16 lines on a cheap phone


async def test_the_notice_asked_under_is_short_and_says_what_a_person_must_know() -> None:
    user = await user_at_menu(new_chat(), consented=False)
    await user.say("/sukien")
    assert user.asked("privacy.ask")
    notice = t(
        "privacy.notice",
        version=NOTICE_VERSION,
        controller=PrivacyTerms().controller,
        inactive=t("privacy.period.years", years=3),
    )
    assert notice in user.text
    assert len(notice) <= SHORT_NOTICE_LIMIT
    for needed in (
        "/dulieucuatoi",
        "/xoadulieu",
        "/rutdongy",
        "/quyenriengtu",
        "113",
        "114",
        "115",
    ):
        assert needed in notice, needed
    assert "ẩn danh không cần đồng ý" in notice  # anonymous tips need no consent
    assert "Mục đích" in notice and "tin báo" in notice  # why: tips have a purpose


async def test_the_whole_notice_is_behind_its_command_with_the_periods_of_the_settings() -> None:
    terms = PrivacyTerms(
        controller="Công an xã Đô Lương", inactive_days=1000, phone_days=45, route_days=30
    )
    chat = new_chat(build_engine(CATALOGUES, privacy_terms=terms))
    user = await user_at_menu(chat, consented=False)
    await user.say("/quyenriengtu")
    whole = user.text
    assert "Công an xã Đô Lương" in whole
    assert "45 ngày" in whole and "30 ngày" in whole and "1.000 ngày" in whole
    assert not user.asked("privacy.ask")  # reading it asks nothing
    assert chat.records.consents == []
    await user.say("/privacy")
    assert "PERSONAL DATA NOTICE" in user.text or "THÔNG BÁO" in user.text
