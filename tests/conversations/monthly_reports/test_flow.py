"""A leader's monthly update by chat, in memory: page by page, a summary edited by number,
one update per area and month corrected until the deadline (tests/bot/monthly_reports runs
the same flow on the database)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from conversations.monthly_reports import FiledReport
from conversations.places import Place
from conversations.policy import Grant, Role
from tests.conversations.harness import START, Clock, User, new_chat, places, t, user_at_menu
from tests.memory import MemoryChat

LEADER = "6100001"
SECOND_LEADER = "6100002"
PAGES = ["2 150 1", "120 100", "3 2", "0", "4 3 8", "1 0 0 2 0", "12 2 5 3 1 1"]
REST = ["1,5 trieu", "khong", "Đề nghị lắp thêm đèn ở ngõ 3"]
EAST = "Thôn Đông, Xã Đô Lương"


def tree(clock: Clock | None = None) -> tuple[MemoryChat, dict[str, Place]]:
    chat = new_chat(clock=clock)
    where = places(chat)
    chat.grant(LEADER, Grant(0, Role.LEADER, where["17662-001"]))
    return chat, where


async def reporting(chat: MemoryChat, user_id: str = LEADER) -> User:
    user = await user_at_menu(chat, user_id=user_id)
    await user.say("/baocao")
    return user


async def fill(user: User, pages: list[str] = PAGES, rest: list[str] = REST) -> None:
    for answer in [*pages, *rest]:
        await user.say(answer)


def stored(chat: MemoryChat) -> list[FiledReport]:
    return list(chat.records.monthly_reports.filed.values())


async def test_a_leader_files_the_update_page_by_page() -> None:
    chat, where = tree()
    user = await reporting(chat)
    assert "11/2026" in user.text and "Thôn Đông" in user.text
    assert t("report.field.propaganda_sessions") in user.text
    await fill(user)
    summary = user.question.text
    assert f"{EAST} — tháng 11/2026" in summary
    assert f"5. {t('report.field.households_pledged')}: 100" in summary
    assert "1.500.000 đồng" in summary
    assert stored(chat) == []  # nothing filed before the confirmation
    await user.say("1")
    assert user.said("report.filed", area=EAST, period="11/2026")
    (report,) = stored(chat)
    assert (report.area_id, report.period, report.version, report.late) == (
        where["17662-001"].id,
        "2026-11",
        1,
        False,
    )
    values = report.values
    assert (values["households"], values["households_pledged"]) == (120, 100)
    assert (values["cameras_total"], values["cameras_new"], values["models_active"]) == (12, 2, 1)
    assert values["incidents_crime"] == 0 and values["patrol_shifts"] == 8
    assert values["money_mobilised"] == 1_500_000
    assert values["notable_events"] is None
    assert values["proposals"] == "Đề nghị lắp thêm đèn ở ngõ 3"
    assert report.filed_by_name == f"user {LEADER}"


async def test_in_english_amounts_and_counts_are_written_the_english_way() -> None:
    chat, _ = tree()
    user = await user_at_menu(chat, user_id=LEADER, locale_choice="2")
    await user.say("/report")
    await fill(user, ["2 1500 1", *PAGES[1:]])
    summary = user.question.text
    assert "1,500,000 VND" in summary and "đồng" not in summary
    assert f"2. {t('report.field.propaganda_attendees', 'en')}: 1,500" in summary


async def test_wrong_numbers_are_explained_and_nothing_given_is_lost() -> None:
    chat, _ = tree()
    user = await reporting(chat)
    await user.say("2 150")
    assert user.said("report.figures.wrong_count", expected=3, given=2)
    await user.say("2 -150 1")
    assert user.said("report.figures.negative", position=2, value="-150")
    await user.say("2 150 1")
    await user.say("120 130")
    assert user.said(
        "report.figures.too_many",
        smaller=t("report.field.households_pledged"),
        smaller_value=130,
        larger=t("report.field.households"),
        larger_value=120,
    )
    await user.say("120 100")
    await fill(user, PAGES[2:], ["-5", "abc", "500k", *REST[1:]])
    summary = user.question.text
    assert f"1. {t('report.field.propaganda_sessions')}: 2" in summary
    assert f"4. {t('report.field.households')}: 120" in summary
    assert "500.000 đồng" in summary


async def test_any_line_of_the_summary_is_changed_by_its_number() -> None:
    chat, _ = tree()
    user = await reporting(chat)
    await fill(user)
    await user.say("2")  # edit
    assert user.said("summary.which_item", count=29)
    await user.say("5 130")  # pledged above households: refused, asked again
    assert "không thể lớn hơn" in user.text
    assert t("report.field.households_pledged") in user.question.text
    await user.say("110")
    assert f"5. {t('report.field.households_pledged')}: 110" in user.question.text
    await user.say("sua")
    await user.say("27")  # the money has a question of its own
    assert user.asked("report.ask.money")
    await user.say("2tr")
    assert "2.000.000 đồng" in user.question.text
    await user.say("1")
    (report,) = stored(chat)
    assert report.values["households_pledged"] == 110
    assert report.values["money_mobilised"] == 2_000_000


async def test_the_line_number_may_be_typed_again_with_the_new_value() -> None:
    chat, _ = tree()
    user = await reporting(chat)
    await fill(user)
    await user.say("2")  # edit
    await user.say("5 500")  # pledged above households: refused, line 5 asked alone
    assert t("report.field.households_pledged") in user.question.text
    await user.say("5 110")  # the leader repeats the line's number, as before
    assert f"5. {t('report.field.households_pledged')}: 110" in user.question.text
    await user.say("1")
    (report,) = stored(chat)
    assert report.values["households_pledged"] == 110


async def test_cancel_asks_before_a_months_draft_is_discarded() -> None:
    chat, _ = tree()
    user = await reporting(chat)
    await fill(user, PAGES[:3], [])
    await user.say("/huy")
    assert user.said("draft.discard_question", flow=t("menu.monthly_report"))
    await user.say("2")  # keep it: the page where the leader stopped is asked again
    assert user.asked("report.ask.incidents")
    await user.say("/huy")
    await user.say("1")
    assert user.said("flow.cancelled")
    await user.say("/baocao")  # nothing was kept: the update starts again
    assert user.asked("report.ask.propaganda")


async def test_the_households_added_with_the_area_are_offered_as_the_default() -> None:
    chat, where = tree()
    admin = await user_at_menu(chat, user_id="6100009")
    chat.grant("6100009", Grant(0, Role.ADMIN, where["17662"]))
    for answer in ("/themdiaban", "do luong", "thôn", "Thôn Nam", "135", "1"):
        await admin.say(answer)
    (south,) = [p for p in chat.records.places.values() if p.name == "Thôn Nam"]
    chat.grant(LEADER, Grant(0, Role.LEADER, south))
    user = await reporting(chat)
    await user.say("thon nam")
    await user.say(PAGES[0])
    assert user.asked("report.ask.households")
    assert t("report.figures.known", value="135") in user.question.text
    await user.say("100")  # only the pledged households: the list's 135 stays
    await fill(user, PAGES[2:])
    assert f"4. {t('report.field.households')}: 135" in user.question.text
    assert f"5. {t('report.field.households_pledged')}: 100" in user.question.text


async def test_the_registered_models_are_offered_for_the_models_figure() -> None:
    chat, where = tree()
    chat.records.security_models.add("Tổ liên gia xóm 3", where["17662-001"], now=START)
    chat.records.security_models.add("Camera thôn Đông", where["17662-001"], now=START)
    user = await reporting(chat)
    await fill(user, PAGES[:6], [])
    assert t("report.figures.known", value="2") in user.question.text
    await user.say("12 2 5 3 1")  # the two registered models are kept
    await fill(user, [], REST)
    await user.say("1")
    (report,) = stored(chat)
    assert report.values["models_active"] == 2 and report.values["fire_points"] == 1


async def test_last_months_figures_are_shown_and_a_page_may_repeat_them() -> None:
    clock = Clock(datetime(2026, 11, 3, 3, 0, tzinfo=UTC))  # leaders file October
    chat, _ = tree(clock)
    user = await reporting(chat)
    await user.say("như tháng trước")  # there is no September to copy
    assert user.said("report.figures.no_last_month")
    await fill(user)
    await user.say("1")
    clock.now = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # now November
    await user.say("/baocao")
    assert t("report.figures.last_month", value="150") in user.question.text
    assert t("report.figures.same_hint") in user.question.text
    await user.say("nhu thang truoc")  # the propaganda page as in October
    await fill(user, ["5 4", *PAGES[2:]])
    await user.say("1")
    november = chat.records.monthly_reports.filed[(chat.records.places["17662-001"].id, "2026-11")]
    assert (november.values["propaganda_attendees"], november.values["households"]) == (150, 5)


async def test_the_draft_waits_through_days_of_silence() -> None:
    clock = Clock()
    chat, _ = tree(clock)
    user = await reporting(chat)
    await fill(user, PAGES[:3], [])
    clock.advance(days=3)
    await user.say("0")  # the incidents page, where the leader stopped
    assert user.asked("report.ask.mediation")
    await fill(user, PAGES[4:], REST)
    await user.say("1")
    (report,) = stored(chat)
    assert report.values["tips_received"] == 3 and report.values["propaganda_attendees"] == 150


async def test_a_second_leader_sees_the_update_filed_and_corrects_it() -> None:
    clock = Clock()
    chat, where = tree(clock)
    chat.grant(SECOND_LEADER, Grant(0, Role.LEADER, where["17662-001"]))
    first = await reporting(chat)
    await fill(first)
    await first.say("1")
    clock.advance(hours=2)
    second = await reporting(chat, SECOND_LEADER)
    assert f"user {LEADER}" in second.text  # who filed it
    assert "05/12/2026" in second.text  # until when it may be corrected
    assert f"4. {t('report.field.households')}: 120" in second.question.text
    await second.say("2")
    await second.say("1 3")
    await second.say("1")
    assert second.said("report.corrected", area=EAST, period="11/2026")
    (report,) = stored(chat)
    assert report.values["propaganda_sessions"] == 3 and report.version == 2
    assert report.filed_by_name == f"user {LEADER}"  # the filer stays the first leader


async def test_the_leader_who_filed_is_told_they_did() -> None:
    chat, _ = tree()
    user = await reporting(chat)
    await fill(user)
    await user.say("1")
    await user.say("/baocao")
    assert "anh/chị đã gửi" in user.text
    assert t("report.someone") not in user.text and f"user {LEADER}" not in user.text


async def test_two_leaders_filing_at_once_keep_one_update() -> None:
    chat, where = tree()
    chat.grant(SECOND_LEADER, Grant(0, Role.LEADER, where["17662-001"]))
    first = await reporting(chat)
    second = await reporting(chat, SECOND_LEADER)
    await fill(first)
    await fill(second, ["9 9 9", *PAGES[1:]])
    await first.say("1")
    await second.say("1")
    assert f"user {LEADER}" in second.text  # told who filed meanwhile, shown their figures
    assert f"1. {t('report.field.propaganda_sessions')}: 2" in second.question.text
    (report,) = stored(chat)
    assert report.values["propaganda_sessions"] == 2 and report.version == 1


async def test_an_update_filed_after_the_deadline_is_marked_late() -> None:
    chat, where = tree(Clock(datetime(2026, 12, 7, 3, 0, tzinfo=UTC)))  # November's is due
    user = await reporting(chat)
    assert "11/2026" in user.text and "05/12/2026" in user.text
    await fill(user)
    await user.say("1")
    assert user.said("report.filed_late", area=EAST, period="11/2026")
    (report,) = stored(chat)
    assert report.late is True
    deadline = chat.records.monthly_reports.deadlines[(where["17662-001"].id, "2026-11")]
    assert deadline == date(2026, 12, 5)


async def test_an_update_can_be_corrected_until_the_deadline_only() -> None:
    clock = Clock()
    chat, _ = tree(clock)
    user = await reporting(chat)
    await fill(user)
    await user.say("1")
    clock.now = datetime(2026, 12, 5, 16, 0, tzinfo=UTC)  # 23:00 on the due day
    await user.say("/baocao")
    assert "05/12/2026" in user.text and t("summary.question") in user.question.text
    await user.say("/huy")
    await user.say("1")  # yes, discard what was being corrected
    clock.now = datetime(2026, 12, 5, 17, 30, tzinfo=UTC)  # 00:30 on 6 December
    await user.say("/baocao")
    assert "không thể sửa" in user.text
    assert f"{t('report.field.households')}: 120" in user.text
    assert t("summary.question") not in user.question.text
    (report,) = stored(chat)
    assert report.version == 1


async def test_a_leader_of_two_areas_chooses_which() -> None:
    chat, where = tree()
    west = chat.records.add_place("17662-002", "Thôn Tây", "thon", where["17662"])
    chat.grant(LEADER, Grant(0, Role.LEADER, west))
    user = await reporting(chat)
    assert user.asked("report.ask.area")
    await user.say("thon tay")
    assert "Thôn Tây" in user.text and t("report.field.propaganda_sessions") in user.text
    await fill(user)
    await user.say("1")
    (report,) = stored(chat)
    assert report.area_id == west.id


async def test_residents_are_not_offered_the_monthly_update() -> None:
    chat, _ = tree()
    user = await user_at_menu(chat, user_id="999")
    assert "monthly_report" not in user.options
    await user.say("/baocao")
    assert user.said("policy.denied")
    assert stored(chat) == []


@pytest.mark.parametrize(("locale_choice", "locale"), [("1", "vi"), ("2", "en")])
async def test_the_update_of_a_leaders_only_area_starts_at_step_one(
    locale_choice: str, locale: str
) -> None:
    chat, _ = tree()
    user = await user_at_menu(chat, user_id=LEADER, locale_choice=locale_choice)
    await user.say("/report")
    # The area is known, not asked: the seven pages, the money and two texts are ten steps.
    assert user.question.text.startswith(t("flow.progress", locale, position=1, total=10))
    await user.say(PAGES[0])
    assert user.question.text.startswith(t("flow.progress", locale, position=2, total=10))
