"""The urgent incident report in memory: what, where, how serious, and the commune's officers
are told (tests/bot/incidents runs the same flow on the database)."""

from __future__ import annotations

import pytest

from conversations.incidents import ReportIncident
from conversations.places import Place
from conversations.policy import Grant, PolicyViolation, Role
from conversations.replies import AskLocation, Choices
from tests.conversations.harness import User, new_chat, places, t, user_at_menu
from tests.memory import MemoryChat

LEADER = "6100001"
OFFICERS = ("6200001", "6200002")
OTHER_OFFICER = "6200009"  # an officer of another commune: never told
WHAT = "Hai nhóm thanh niên đánh nhau trước nhà văn hoá, có hung khí."
WHERE = "Nhà văn hoá thôn Đông"


def commune() -> tuple[MemoryChat, dict[str, Place]]:
    chat = new_chat()
    where = places(chat)
    chat.grant(LEADER, Grant(0, Role.LEADER, where["17662-001"]))
    for officer in OFFICERS:
        chat.grant(officer, Grant(0, Role.OFFICER, where["17662"]))
    chat.grant(OTHER_OFFICER, Grant(0, Role.OFFICER, where["17641"]))
    return chat, where


async def reporter(chat: MemoryChat, user_id: str = LEADER) -> User:
    user = await user_at_menu(chat, user_id=user_id)
    await user.say("/khancap")
    assert user.asked("incidents.ask.what"), user.text
    return user


def member_ids(chat: MemoryChat, *user_ids: str) -> list[int]:
    return sorted(chat.member(user_id).id for user_id in user_ids)


async def test_a_leaders_urgent_report_names_and_tells_the_communes_officers() -> None:
    chat, _ = commune()
    user = await reporter(chat)
    assert t("incidents.intro") in user.text
    await user.say(WHAT)
    assert user.asked("incidents.ask.where") and isinstance(user.question, AskLocation)
    await user.say(WHERE)
    assert user.asked("incidents.ask.severity")
    await user.say("rat nghiem trong")
    assert isinstance(user.question, Choices) and user.question.ref == "summary"
    await user.say("1")

    assert user.said("incidents.sent", count=2, commune="Xã Đô Lương")
    assert user.said("incidents.emergency_lines")
    (incident,) = chat.records.incidents.reported
    assert (incident.what, incident.place_text, incident.severity) == (WHAT, WHERE, "critical")
    queued = chat.records.incidents.queued
    assert sorted(notice.member_id for notice in queued) == member_ids(chat, *OFFICERS)
    for notice in queued:
        assert notice.message_key == "incidents.notice.leader.critical"
        assert notice.params == {
            "what": WHAT,
            "where": WHERE,
            "area": "Thôn Đông, Xã Đô Lương",
            "time": "10:00 23/11/2026",
        }
    rendered = t(queued[0].message_key, **queued[0].params)
    assert "Trưởng thôn" in rendered and "RẤT NGHIÊM TRỌNG" in rendered


async def test_wrong_answers_are_explained_and_a_shared_location_becomes_a_map_link() -> None:
    chat, _ = commune()
    user = await reporter(chat)
    await user.say("ab")
    assert user.said("input.too_short", minimum=5) and user.asked("incidents.ask.what")
    await user.say(WHAT)
    await user.say("khong nho")
    assert user.said("incidents.where.needed") and user.asked("incidents.ask.where")
    await user.share_location(18.9001, 105.3402)
    await user.say("hơi nặng")
    assert user.said("input.choose_option", count=3) and user.asked("incidents.ask.severity")
    await user.say("binh thuong")
    await user.say("gui")

    (incident,) = chat.records.incidents.reported
    assert incident.place_text == "https://maps.google.com/?q=18.900100,105.340200"
    assert incident.severity == "low"
    assert {n.message_key for n in chat.records.incidents.queued} == {"incidents.notice.leader.low"}


async def test_the_place_can_be_corrected_before_sending() -> None:
    chat, _ = commune()
    user = await reporter(chat)
    for answer in (WHAT, "Cổng chợ", "1"):
        await user.say(answer)
    await user.say("sua")
    assert user.question_ref == "edit"
    await user.say("2")  # the second item of the summary: where
    assert user.asked("incidents.ask.where")
    await user.say(WHERE)
    assert WHERE in user.text and "Cổng chợ" not in user.text  # the summary again
    assert chat.records.incidents.reported == []  # nothing stored before the confirmation
    await user.say("1")
    (incident,) = chat.records.incidents.reported
    assert (incident.place_text, incident.what) == (WHERE, WHAT)


async def test_an_officer_with_two_places_says_which_and_is_not_told_themself() -> None:
    chat, where = commune()
    both = "6300001"
    chat.grant(both, Grant(0, Role.LEADER, where["17641-001"]))
    chat.grant(both, Grant(0, Role.OFFICER, where["17662"]))
    user = await reporter(chat, both)
    await user.say(WHAT)
    assert user.asked("incidents.ask.place")
    assert isinstance(user.question, Choices)
    assert [option.label for option in user.question.options] == [
        f"{t('role.leader')} — Thôn Bắc, Xã Lương Sơn",
        f"{t('role.officer')} — Xã Đô Lương, Nghệ An",
    ]
    await user.say("2")
    for answer in (WHERE, "2", "1"):
        await user.say(answer)
    assert user.said("incidents.sent", count=2, commune="Xã Đô Lương")
    queued = chat.records.incidents.queued
    assert sorted(n.member_id for n in queued) == member_ids(chat, *OFFICERS)
    assert {n.message_key for n in queued} == {"incidents.notice.officer.serious"}


async def test_a_commune_without_officers_is_told_to_call_113() -> None:
    chat, where = commune()
    hien_son = chat.records.add_place("17650", "Xã Hiến Sơn", "commune", where["40"])
    thon_nam = chat.records.add_place("17650-001", "Thôn Nam", "thon", hien_son)
    lonely = "6400001"
    chat.grant(lonely, Grant(0, Role.LEADER, thon_nam))
    user = await reporter(chat, lonely)
    for answer in (WHAT, WHERE, "1", "1"):
        await user.say(answer)
    assert user.said("incidents.no_officer", commune="Xã Hiến Sơn")
    assert user.said("incidents.emergency_lines")
    assert len(chat.records.incidents.reported) == 1
    assert chat.records.incidents.queued == []


async def test_a_cancelled_report_tells_nobody() -> None:
    chat, _ = commune()
    user = await reporter(chat)
    for answer in (WHAT, WHERE, "3"):
        await user.say(answer)
    await user.say("/huy")
    await user.say("1")  # yes, discard the draft
    assert user.said("flow.cancelled")
    assert chat.records.incidents.reported == [] and chat.records.incidents.queued == []


async def test_residents_cannot_report_urgent_incidents() -> None:
    chat, _ = commune()
    user = await user_at_menu(chat, user_id="6999999")
    assert "incident" not in user.options
    await user.say("/khancap")
    assert user.said("policy.denied")
    assert chat.records.incidents.reported == []


async def test_an_incident_from_a_place_the_member_holds_no_role_in_is_refused() -> None:
    chat, where = commune()
    effect = ReportIncident(where["17662-001"].id, Role.LEADER, WHAT, WHERE, None, None, "low")
    stranger = chat.member("6999999")
    with pytest.raises(PolicyViolation):
        chat._apply("6999999", stranger, effect, chat.clock())
    assert chat.records.incidents.reported == []
