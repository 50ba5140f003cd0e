"""The policy matrix: every action × every role × inside and outside its place.

The expectations are written out here from the issue, independently of ``RULES``, so a change
of the rules that lets anybody see more than specified fails this test.
"""

from __future__ import annotations

import pytest

from conversations.menu import MAIN_MENU, build_engine
from conversations.menu_layout import flat_items
from conversations.places import Place
from conversations.policy import RULES, Action, Grant, Role, may, may_grant, may_revoke
from tests.conversations.harness import CATALOGUES

NGHE_AN = Place(1, "40", "Nghệ An", "province", "/40/")
DO_LUONG = Place(2, "17662", "Xã Đô Lương", "commune", "/40/17662/", "Nghệ An")
THON_DONG = Place(3, "17662-001", "Thôn Đông", "thon", "/40/17662/17662-001/", "Xã Đô Lương")
LUONG_SON = Place(4, "17641", "Xã Lương Sơn", "commune", "/40/17641/", "Nghệ An")
THON_BAC = Place(5, "17641-001", "Thôn Bắc", "thon", "/40/17641/17641-001/", "Xã Lương Sơn")
BA_DINH = Place(6, "00004", "Phường Ba Đình", "commune", "/01/00004/", "Hà Nội")

RESIDENT_CAN = {
    Action.SEND_TIP,
    Action.FOLLOW_OWN_TIP,
    Action.CHOOSE_LANGUAGE,
    Action.CHOOSE_MESSAGES,
    Action.JOIN,
    Action.SEE_EVENTS,
    Action.MY_DATA,
    Action.MY_ROLES,  # README: everybody may see their roles (a resident has none other)
    Action.SEND_OPINION,  # an opinion or proposal to one's commune
}
STAFF_CAN = {
    Role.LEADER: {
        Action.MONTHLY_UPDATE,
        Action.MODEL_ACTIVITY,
        Action.EVENT_TURNOUT,
        Action.MANAGE_MODELS,
        Action.SEE_MODELS,
        Action.URGENT_INCIDENT,
        Action.REGISTER_STANDARD,
    },
    Role.MODEL_LEAD: {Action.MODEL_ACTIVITY, Action.SEE_MODELS},
    Role.OFFICER: {
        Action.LIST_TIPS,
        Action.READ_TIP,
        Action.HANDLE_TIP,
        Action.LATE_REPORTS,
        Action.SEE_MODELS,
        Action.URGENT_INCIDENT,
        Action.EXPORT,
        Action.WEB_CONSOLE,
        Action.HANDLE_OPINIONS,  # the commune's queue of opinions and proposals
        Action.OPINION_QUEUE_ITEM,  # ... on their menu (admins reach it by its command)
    },
    Role.ADMIN: {
        Action.LIST_TIPS,
        Action.READ_TIP,
        Action.HANDLE_TIP,
        Action.REASSIGN_TIP,
        Action.LATE_REPORTS,
        Action.INVITE,
        Action.REVOKE_ROLE,
        Action.MANAGE_AREAS,
        Action.MANAGE_EVENTS,
        Action.EVENT_TURNOUT,
        Action.BROADCAST,
        Action.EXPORT,
        Action.MANAGE_MODELS,
        Action.END_MODELS,
        Action.SEE_MODELS,
        Action.WEB_CONSOLE,
        Action.ASSESS_UNITS,
        Action.HANDLE_OPINIONS,  # as the officers of their place do
    },
}

# Who holds what, where.
HOLDERS = {
    "leader of Thôn Đông": Grant(1, Role.LEADER, THON_DONG),
    "model lead in Thôn Đông": Grant(2, Role.MODEL_LEAD, THON_DONG),
    "officer of Đô Lương": Grant(3, Role.OFFICER, DO_LUONG),
    "admin of Đô Lương": Grant(4, Role.ADMIN, DO_LUONG),
    "admin of Nghệ An": Grant(5, Role.ADMIN, NGHE_AN),
}
# The places acted on (or a record's place); "" is a record without a place.
TARGETS = {
    "Thôn Đông": THON_DONG.path,
    "Xã Đô Lương": DO_LUONG.path,
    "Thôn Bắc (neighbour commune)": THON_BAC.path,
    "Nghệ An (the province itself)": NGHE_AN.path,
    "Ba Đình (another province)": BA_DINH.path,
    "no place": "",
}
# Exactly these (holder, target) pairs are inside the holder's place; everything else is out.
INSIDE = {
    ("leader of Thôn Đông", "Thôn Đông"),
    ("model lead in Thôn Đông", "Thôn Đông"),
    ("officer of Đô Lương", "Thôn Đông"),
    ("officer of Đô Lương", "Xã Đô Lương"),
    ("admin of Đô Lương", "Thôn Đông"),
    ("admin of Đô Lương", "Xã Đô Lương"),
    ("admin of Nghệ An", "Thôn Đông"),
    ("admin of Nghệ An", "Xã Đô Lương"),
    ("admin of Nghệ An", "Thôn Bắc (neighbour commune)"),
    ("admin of Nghệ An", "Nghệ An (the province itself)"),
}


def test_every_action_has_a_rule() -> None:
    assert set(RULES) == set(Action)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("holder", list(HOLDERS))
@pytest.mark.parametrize("target", list(TARGETS))
def test_the_matrix(action: Action, holder: str, target: str) -> None:
    grant = HOLDERS[holder]
    expected = action in RESIDENT_CAN or (
        action in STAFF_CAN[grant.role] and (holder, target) in INSIDE
    )
    assert may([grant], action, TARGETS[target]) is expected


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("holder", list(HOLDERS))
def test_entering_a_flow_needs_the_role_somewhere(action: Action, holder: str) -> None:
    grant = HOLDERS[holder]
    expected = action in RESIDENT_CAN or action in STAFF_CAN[grant.role]
    assert may([grant], action) is expected


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("target", list(TARGETS))
def test_a_resident_has_only_the_residents_actions(action: Action, target: str) -> None:
    assert may([], action, TARGETS[target]) is (action in RESIDENT_CAN)
    assert may([], action) is (action in RESIDENT_CAN)


def test_roles_in_several_places_add_up() -> None:
    grants = [HOLDERS["leader of Thôn Đông"], Grant(9, Role.OFFICER, LUONG_SON)]
    assert may(grants, Action.READ_TIP, THON_BAC.path)
    assert not may(grants, Action.READ_TIP, THON_DONG.path)  # a leader there, not an officer
    assert may(grants, Action.MONTHLY_UPDATE, THON_DONG.path)
    assert not may(grants, Action.MONTHLY_UPDATE, THON_BAC.path)


def test_a_path_prefix_is_not_enough_to_be_inside() -> None:
    # "/40/1766/" must not contain "/40/17662/": paths end with a slash for this reason.
    officer = Grant(1, Role.OFFICER, Place(7, "1766", "Xã X", "commune", "/40/1766/"))
    assert not may([officer], Action.READ_TIP, DO_LUONG.path)


@pytest.mark.parametrize(
    ("grant", "role", "place", "expected"),
    [
        (HOLDERS["admin of Đô Lương"], Role.LEADER, THON_DONG, True),
        (HOLDERS["admin of Đô Lương"], Role.OFFICER, DO_LUONG, True),
        (HOLDERS["admin of Đô Lương"], Role.LEADER, THON_BAC, False),  # outside
        (HOLDERS["admin of Đô Lương"], Role.ADMIN, NGHE_AN, False),  # above
        (HOLDERS["admin of Đô Lương"], Role.LEADER, DO_LUONG, False),  # a leader heads a hamlet
        (HOLDERS["admin of Nghệ An"], Role.ADMIN, NGHE_AN, True),
        (HOLDERS["admin of Nghệ An"], Role.OFFICER, LUONG_SON, True),
        (HOLDERS["admin of Nghệ An"], Role.OFFICER, BA_DINH, False),
        (HOLDERS["officer of Đô Lương"], Role.LEADER, THON_DONG, False),  # not an admin
    ],
)
def test_who_may_invite_whom_where(grant: Grant, role: Role, place: Place, expected: bool) -> None:
    assert may_grant([grant], role, place) is expected


def test_revoking_is_for_the_holder_and_the_admins_of_the_place() -> None:
    leader = HOLDERS["leader of Thôn Đông"]
    assert may_revoke([leader], member_id=7, holder_id=7, target=leader)  # leaving
    assert may_revoke([HOLDERS["admin of Đô Lương"]], 1, 7, leader)
    assert may_revoke([HOLDERS["admin of Nghệ An"]], 1, 7, leader)
    assert not may_revoke([HOLDERS["officer of Đô Lương"]], 1, 7, leader)
    assert not may_revoke([Grant(8, Role.ADMIN, LUONG_SON)], 1, 7, leader)


def test_every_menu_flow_asks_the_policy_or_is_for_everybody() -> None:
    engine = build_engine(CATALOGUES)
    for name in flat_items(MAIN_MENU):
        flow = engine.flows[name]
        assert flow.action is not None, name
