"""What a tipster reads promises only what the system does: periods from the settings, the
code is the key, files can give a sender away, where other matters go."""

from __future__ import annotations

from conversations.i18n import shown_number
from conversations.menu import build_engine
from conversations.privacy import PrivacyTerms
from conversations.tips import MAX_THREAD_TEXT
from tests.conversations.harness import (
    ANONYMOUS_PATH,
    CATALOGUES,
    CONTACT_PATH,
    User,
    new_chat,
    start_tip,
    t,
    user_at_menu,
    walk,
)
from tests.conversations.tips.test_thread import _asked, _placed_tip

# Periods no default has, so a number typed in a catalogue cannot pass for them.
TERMS = PrivacyTerms(route_days=17, phone_days=23)


async def test_the_anonymity_help_says_when_the_sealed_route_is_erased_from_the_settings() -> None:
    user = await user_at_menu(new_chat(build_engine(CATALOGUES, privacy_terms=TERMS)))
    await start_tip(user)
    await walk(user, ANONYMOUS_PATH, upto=len(ANONYMOUS_PATH) - 1)
    assert user.asked("tip.ask.identity")
    await user.say("/trogiup")
    help_text = user.replies[0].text
    assert help_text == t("tip.help.identity", days=17)
    assert "17 ngày sau khi kết thúc xử lý" in help_text
    assert "không thấy họ tên hay tài khoản" in help_text  # what officers never see
    assert "không ghi họ tên" in help_text  # and what the sender should not write
    assert "không lưu thông tin nào" not in help_text  # the old promise the code did not keep


async def test_the_phone_consent_says_when_the_phone_is_erased_from_the_settings() -> None:
    user = await user_at_menu(new_chat(build_engine(CATALOGUES, privacy_terms=TERMS)))
    await start_tip(user)
    await walk(user, CONTACT_PATH, upto=len(CONTACT_PATH) - 2)
    assert user.asked("tip.ask.phone_consent")
    assert "23 ngày sau khi kết thúc xử lý" in user.question.text


async def test_answering_an_officer_says_what_officers_see_and_when_the_route_goes() -> None:
    engine = build_engine(CATALOGUES, privacy_terms=TERMS)
    chat, code = await _placed_tip(new_chat(engine))
    await _asked(chat, code)
    tipster = await user_at_menu(chat, user_id="1")
    await tipster.say(f"/traloi {code}")
    prompt = tipster.question.text
    assert t("answering.ask_text", days=17, maximum=shown_number(MAX_THREAD_TEXT, "vi")) in prompt
    assert "sẽ không biết anh/chị là ai" not in prompt  # untrue once a phone was left


async def test_the_sender_is_told_to_keep_the_code_to_themselves() -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await walk(user, ANONYMOUS_PATH)
    await user.say("1")  # send
    sent = user.text
    assert "Mã tin báo" in sent
    assert "Không cho người khác biết mã" in sent
    assert "ai có mã cũng xem được trạng thái tin báo và nội dung trao đổi" in sent
    assert "Đã gửi tin báo" in sent and "Đã tiếp nhận tin báo" not in sent


async def test_the_files_question_warns_that_voices_and_account_names_reveal_a_sender() -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await walk(user, ANONYMOUS_PATH, upto=5)
    assert user.asked("tip.ask.attachments")
    asked = user.question.text
    assert "giọng nói trong ghi âm" in asked and "tên tài khoản" in asked


async def test_help_says_where_complaints_about_officials_and_other_matters_go() -> None:
    user = await user_at_menu(new_chat())
    await user.say("/trogiup")
    for locale_text in (user.text,):
        assert "tố cáo hành vi vi phạm của cán bộ, công chức" in locale_text
        assert "Ủy ban nhân dân xã/phường" in locale_text
        assert "114 (Cứu hỏa, cứu nạn cứu hộ)" in locale_text


async def test_the_welcome_warns_against_people_posing_as_officers() -> None:
    user = User(new_chat(), "1001")
    await user.say("/start")
    await user.say("1")  # Tiếng Việt: the welcome follows
    welcome = user.text
    assert t("home.welcome") in welcome
    assert "Công an không bao giờ yêu cầu chuyển tiền, cung cấp mã OTP, mật khẩu hay gọi video" in (
        welcome
    )
    assert "114 (Cứu hỏa, cứu nạn cứu hộ)" in welcome
