"""Invitations, joining, menus by role, leaving a role and admins' area flows, in memory."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conversations.people import InvitationView
from conversations.people.invitations import INVITE_TTL, format_invite_code, new_invite_code
from conversations.places import Place
from conversations.policy import Grant, Role
from conversations.secret_codes import LOCKOUTS, CodeKind
from tests.conversations.harness import (
    START,
    Clock,
    User,
    menu_items,
    new_chat,
    places,
    t,
    user_at_menu,
    user_with_role,
)
from tests.memory import MemoryChat

# Everybody's own items close every menu.
PERSONAL_ITEMS = ["roles", "language", "reminders", "campaigns", "consent", "link", "help"]
RESIDENT_MENU = ["tip", "status", "events", "opinion", *PERSONAL_ITEMS]
LEADER_MENU = [
    "tip",
    "incident",
    "status",
    "events",
    "monthly_report",
    "model_activity",
    "model_list",
    "model_register",
    "event_turnout",
    "standard_register",
    "opinion",
    *PERSONAL_ITEMS,
]


async def admin_of(chat: MemoryChat, place: Place, user_id: str = "900") -> User:
    chat.grant(user_id, Grant(0, Role.ADMIN, place))
    return await user_at_menu(chat, user_id=user_id)


def invitation(chat: MemoryChat, place: Place, *, role: Role = Role.LEADER, **kw: object) -> str:
    code = new_invite_code()
    chat.records.invitations[code] = InvitationView(
        role, place, kw.get("expires_at", START + INVITE_TTL), used=bool(kw.get("used"))
    )  # type: ignore[arg-type]
    return code


async def invite_by_chat(admin: User, role_number: str, place_text: str) -> str:
    await admin.say("/invite")
    assert admin.asked("invite.ask_role")
    await admin.say(role_number)
    assert admin.asked("invite.ask_place")
    await admin.say(place_text)
    shown = [
        code for code in admin.chat.records.invitations if format_invite_code(code) in admin.text
    ]
    return shown[0] if shown else ""


async def test_a_resident_sees_only_the_residents_menu() -> None:
    user = await user_at_menu(new_chat())
    assert await menu_items(user) == RESIDENT_MENU


async def test_an_admin_invites_a_leader_who_then_sees_the_leader_menu() -> None:
    chat = new_chat()
    where = places(chat)
    admin = await admin_of(chat, where["17662"])
    assert {"invite", "area_add", "roles"} <= set(await menu_items(admin))
    code = await invite_by_chat(admin, "1", "thon dong")
    assert code, admin.text
    assert format_invite_code(code) in admin.text

    leader = await user_at_menu(chat, user_id="1")
    await leader.say(format_invite_code(code).lower())
    assert leader.said("join.welcome", role=t("role.leader"), place="Thôn Đông, Xã Đô Lương"), (
        leader.text
    )
    assert await menu_items(leader) == LEADER_MENU
    assert chat.notices == [(chat.members["900"].id, "notice.invitation_used")]


async def test_a_deep_link_joins_on_the_first_message_then_asks_the_language() -> None:
    chat = new_chat()
    code = invitation(chat, places(chat)["17662-001"])
    user = User(chat, "1")
    await user.say(f"/start {code}")
    assert user.said("privacy.ask")  # a role keeps a name: the notice comes first
    await user.say("Đồng ý")
    assert user.said("join.welcome", role=t("role.leader"), place="Thôn Đông, Xã Đô Lương")
    assert user.question.ref == "locale"
    await user.say("1")
    assert "roles" in await menu_items(user)


async def test_a_code_typed_at_the_language_question_joins_in_vietnamese() -> None:
    chat = new_chat()
    code = invitation(chat, places(chat)["17662-001"])
    user = User(chat, "1")
    await user.say("/start")
    assert user.question.ref == "locale"
    await user.say(format_invite_code(code).lower())
    assert user.said("language.default_for_code")
    assert user.said("privacy.ask")  # the code is kept while the notice is read
    await user.say("Đồng ý")
    assert user.said("join.welcome", role=t("role.leader"), place="Thôn Đông, Xã Đô Lương")
    assert chat.members["1"].locale == "vi"
    assert "roles" in await menu_items(user)  # the menu, not the language question again


async def test_a_code_sent_as_the_first_message_is_redeemed_not_lost() -> None:
    chat = new_chat()
    code = invitation(chat, places(chat)["17662-001"])
    user = User(chat, "1")
    await user.say(code)
    assert user.said("language.default_for_code")
    await user.say("Đồng ý")
    assert user.said("join.welcome", role=t("role.leader"), place="Thôn Đông, Xã Đô Lương")
    assert "roles" in await menu_items(user)


async def test_a_member_changing_language_who_types_a_code_joins_in_their_language() -> None:
    chat = new_chat()
    code = invitation(chat, places(chat)["17662-001"])
    user = await user_at_menu(chat, user_id="1", locale_choice="2")
    await user.say("/ngonngu")
    await user.say(code)
    assert user.said(
        "join.welcome", "en", role=t("role.leader", "en"), place="Thôn Đông, Xã Đô Lương"
    )
    assert chat.members["1"].locale == "en"


async def test_a_wrong_code_at_the_language_question_gets_the_usual_answer_once() -> None:
    chat = new_chat()
    user = User(chat, "1")
    await user.say("/start")
    await user.say(format_invite_code(new_invite_code()))
    await user.say("Đồng ý")
    assert user.said("join.not_found")
    assert not user.asked("language.prompt")


async def test_forged_reused_expired_and_malformed_codes_get_the_same_answer() -> None:
    chat = new_chat()
    where = places(chat)
    used = invitation(chat, where["17662-001"], used=True)
    expired = invitation(chat, where["17662-001"], expires_at=START - timedelta(seconds=1))
    user = await user_at_menu(chat)
    answers = []
    for typed in (new_invite_code(), used, expired, "/join abc", f"/start {used}"):
        await user.say(typed if typed.startswith("/") else f"/join {typed}")
        answers.append(user.text)
    assert user.said("join.not_found")
    assert len(set(answers)) == 1
    assert chat.members[user.user_id].roles == ()


async def test_a_code_can_be_redeemed_once() -> None:
    chat = new_chat()
    code = invitation(chat, places(chat)["17662-001"])
    first = await user_at_menu(chat, user_id="1")
    second = await user_at_menu(chat, user_id="2")
    await first.say(code)
    await second.say(code)
    assert first.said("join.welcome", role=t("role.leader"), place="Thôn Đông, Xã Đô Lương")
    assert second.said("join.not_found")


async def test_twenty_wrong_codes_in_a_row_slow_the_member_down() -> None:
    clock = Clock()
    chat = new_chat(clock=clock)
    good = invitation(chat, places(chat)["17662-001"], expires_at=START + timedelta(days=30))
    user = await user_at_menu(chat)
    lockout = LOCKOUTS[CodeKind.INVITATION]
    for _ in range(lockout.max_wrong):
        await user.say(f"/join {new_invite_code()}")
        assert user.said("join.not_found")
    await user.say(f"/join {good}")  # even a good code waits
    minutes = int(lockout.wait.total_seconds() // 60)
    assert user.said("join.slow_down", minutes=minutes)
    clock.advance(seconds=lockout.wait.total_seconds() + 1)
    await user.say(f"/join {good}")
    assert user.said("join.welcome", role=t("role.leader"), place="Thôn Đông, Xã Đô Lương")
    assert chat.records.attempts[chat.members["1001"].id, CodeKind.INVITATION].failures == 0


async def test_a_member_can_leave_a_role() -> None:
    chat = new_chat()
    places(chat)
    user = await user_with_role(chat, Role.LEADER, "17662-001", user_id="1")
    await user.say("/roles")
    assert user.asked("roles.ask_leave")
    await user.say("1")
    assert user.question.ref == "summary"
    await user.say("1")  # confirm
    assert user.said("roles.left", role=f"{t('role.leader')} — Thôn Đông, Xã Đô Lương")
    assert await menu_items(user) == RESIDENT_MENU
    assert chat.members["1"].roles == ()


async def test_a_resident_asking_for_an_admin_flow_is_refused_politely() -> None:
    user = await user_at_menu(new_chat())
    for command in ("/invite", "/themdiaban", "/canbo"):
        await user.say(command)
        assert user.said("policy.denied"), command
        assert user.question.ref == "menu"


@pytest.mark.parametrize("command", ["/vaitro", "/roles"])
async def test_a_resident_is_told_they_hold_no_other_role_and_how_to_get_one(
    command: str,
) -> None:
    user = await user_at_menu(new_chat())
    await user.say(command)
    assert user.said("roles.none") and not user.said("policy.denied")
    assert "/mamoi" in user.text and user.question.ref == "menu"


async def test_a_revoked_role_ends_the_flow_it_allowed() -> None:
    chat = new_chat()
    where = places(chat)
    admin = await admin_of(chat, where["17662"])
    await admin.say("/invite")
    chat.members["900"] = chat.members["900"].__class__(chat.members["900"].id, "vi", ())
    await admin.say("1")
    assert admin.said("policy.denied")
    assert admin.question.ref == "menu"


async def test_an_admin_cannot_invite_outside_their_commune() -> None:
    chat = new_chat()
    where = places(chat)
    admin = await admin_of(chat, where["17662"])
    await invite_by_chat(admin, "1", "17641-001")
    assert admin.said("place.outside", place="Thôn Bắc, Xã Lương Sơn")
    await invite_by_chat(admin, "1", "thon bac")  # by name: not even found outside
    assert admin.said("place.not_found", query="thon bac")
    assert all(view.place.code != "17641-001" for view in chat.records.invitations.values())


async def test_a_province_admin_invites_an_officer_of_any_commune_in_it() -> None:
    chat = new_chat()
    where = places(chat)
    admin = await admin_of(chat, where["40"])
    code = await invite_by_chat(admin, "3", "luong son")
    assert chat.records.invitations[code].place.code == "17641"
    assert chat.records.invitations[code].role == Role.OFFICER


async def test_an_admin_adds_a_khoi_as_nghe_an_towns_call_their_areas() -> None:
    chat = new_chat()
    admin = await admin_of(chat, places(chat)["17662"])
    await admin.say("/themdiaban")
    await admin.say("do luong")
    assert admin.asked("area.ask_kind") and "khoi" in admin.options
    await admin.say("khoi")
    await admin.say("Khối 5")
    await admin.say("120")  # households
    await admin.say("1")  # confirm
    assert admin.said("area.added", name="Khối 5", parent="Xã Đô Lương, Nghệ An")
    (added,) = [p for p in chat.records.places.values() if p.name == "Khối 5"]
    assert added.kind == "khoi"


async def test_an_admin_adds_and_renames_a_residential_area() -> None:
    chat = new_chat()
    where = places(chat)
    admin = await admin_of(chat, where["17662"])
    await admin.say("/themdiaban")
    await admin.say("do luong")
    await admin.say("tổ dân phố")
    await admin.say("Tổ dân phố 3")
    await admin.say("không rõ")  # households
    await admin.say("1")  # confirm
    assert admin.said("area.added", name="Tổ dân phố 3", parent="Xã Đô Lương, Nghệ An")
    added = [p for p in chat.records.places.values() if p.name == "Tổ dân phố 3"]
    assert added and added[0].kind == "to_dan_pho" and added[0].path.startswith("/40/17662/")

    await admin.say("/doiten")
    await admin.say("to dan pho 3")
    await admin.say("Tổ dân phố Bắc Sơn")
    await admin.say("1")
    assert admin.said("area.renamed", old="Tổ dân phố 3", name="Tổ dân phố Bắc Sơn")


BASE = ["tip", "status", "events"]
OWN = ["roles", "language", "reminders", "campaigns", "consent", "link", "help"]
MENUS = {
    None: RESIDENT_MENU,
    Role.LEADER: LEADER_MENU,
    Role.MODEL_LEAD: [*BASE, "model_activity", "model_list", "opinion", *OWN],
    Role.OFFICER: [
        "tip",
        "incident",
        "status",
        "events",
        "model_list",
        "opinion",
        "tip_read",
        "tip_handle",
        "opinions",
        "tip_ratings",
        "overview",
        "export",
        *OWN,
    ],
    Role.ADMIN: [
        *BASE,
        "model_list",
        "model_register",
        "model_end",
        "event_turnout",
        "unit_add",
        "area_add",
        "area_rename",
        "opinion",
        "tip_read",
        "tip_handle",
        "tip_ratings",
        "overview",
        "export",
        "report_draft",
        "event_new",
        "event_cancel",
        "broadcast",
        "broadcasts",
        "survey",
        "surveys",
        "good_deed_story",
        "invite",
        "staff",
        "standard_recognise",
        "unit_grade",
        "exemplary",
        "commendation_propose",
        "commendation_review",
        *OWN,
    ],
}
HELD_IN = {Role.LEADER: "17662-001", Role.MODEL_LEAD: "17662-001"}


@pytest.mark.parametrize("role", list(MENUS))
async def test_each_role_sees_its_menu_and_is_refused_the_rest(role: Role | None) -> None:
    chat = new_chat()
    where = places(chat)
    if role is not None:
        chat.grant("1", Grant(0, role, where[HELD_IN.get(role, "17662")]))
    user = await user_at_menu(chat, user_id="1")
    assert await menu_items(user) == MENUS[role]
    commands = {"tip_read": "/xemtin", "roles": "/roles", "invite": "/invite"}
    commands |= {"area_add": "/themdiaban", "area_rename": "/doiten", "staff": "/canbo"}
    for flow, command in commands.items():
        await user.say(command)
        assert user.said("policy.denied") is (flow not in MENUS[role]), (role, flow)
        await user.say("/menu")


async def test_an_admin_lists_and_revokes_a_role_in_their_commune_only() -> None:
    chat = new_chat()
    where = places(chat)
    leader = chat.grant("1", Grant(0, Role.LEADER, where["17662-001"]))
    neighbour = chat.grant("2", Grant(0, Role.LEADER, where["17641-001"]))
    admin = await admin_of(chat, where["17662"])
    await admin.say("/canbo")
    await admin.say("do luong")
    assert admin.said("staff.list", place="Xã Đô Lương, Nghệ An")
    assert "Thôn Đông" in admin.text and "Thôn Bắc" not in admin.text

    await admin.say(f"/thuhoi {neighbour.id}")
    assert admin.said("staff.no_such_role")
    assert chat.members["2"].roles == (neighbour,)
    await admin.say(f"/thuhoi {leader.id}")
    assert admin.said(
        "staff.revoked", role=f"{leader.id}. {t('role.leader')} — user 1 — Thôn Đông, Xã Đô Lương"
    )
    assert chat.members["1"].roles == ()


async def test_reminders_say_whether_they_are_on_before_asking() -> None:
    user = await user_at_menu(new_chat())
    await user.say("/nhacnho")
    assert user.said("reminders.now_on") and user.asked("reminders.ask")
    await user.say("tat")
    assert user.said("reminders.turned_off")
    await user.say("/nhacnho")
    assert user.said("reminders.now_off") and not user.said("reminders.now_on")


async def test_a_place_of_that_very_name_comes_before_similar_names() -> None:
    chat = new_chat()
    where = places(chat)
    for code, name in (("17001", "Phường An Bình"), ("17002", "Phường Tân Bình")):
        chat.records.add_place(code, name, "commune", where["40"])
    chat.records.add_place("17003", "Xã Xuân Bình", "commune", where["40"])
    admin = await admin_of(chat, where["40"])
    await admin.say("/canbo")
    await admin.say("an binh")  # Tân Bình and Xuân Bình only look alike: An Bình is meant
    assert admin.said("staff.none", place="Phường An Bình, Nghệ An")


async def test_staff_offers_the_places_found_as_choices() -> None:
    chat = new_chat()
    where = places(chat)
    ward = chat.records.add_place("17670", "Phường Đô Lương", "commune", where["40"])
    chat.grant(
        "7", Grant(0, Role.LEADER, chat.records.add_place("17670-1", "Khối 1", "khu_pho", ward))
    )
    chat.records.add_place("17662-009", "Thôn Đô Lương Đông", "thon", where["17662"])
    admin = await admin_of(chat, where["40"])
    await admin.say("/canbo")
    await admin.say("do luong")
    assert admin.said("place.which")
    labels = [option.label for option in admin.question.options]  # type: ignore[union-attr]
    assert set(labels[:2]) == {"Xã Đô Lương, Nghệ An", "Phường Đô Lương, Nghệ An"}
    assert labels[2:] == [t("place.similar", place="Thôn Đô Lương Đông, Xã Đô Lương")]
    await admin.say(str(labels.index("Phường Đô Lương, Nghệ An") + 1))
    assert admin.said("staff.list", place="Phường Đô Lương, Nghệ An")
    assert "Khối 1" in admin.text and admin.question.ref == "menu"
