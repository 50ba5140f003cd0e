"""Who may do what, and where: the one place that decides.

Everybody is a resident; a member may also hold roles, each in one place of the area tree.
An action is allowed when one of the member's roles allows it and, for an action on a place or
on a record that belongs to a place, that place lies inside the role's place: an officer of
commune X sees X and its residential areas and nothing else; an admin of a province sees the
whole province. A record without a place is seen by no place-bound role.

Every entry point asks ``may``: the engine before it starts a flow or shows a menu item, flows
before they read or change a record of a place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from conversations.i18n import N_
from conversations.places import COMMUNE, PROVINCE, RESIDENTIAL, UNITS, Place, is_inside


class PolicyViolation(Exception):
    """An effect the member is not allowed to perform reached the bot (a bug, never a user's)."""


class Role(StrEnum):
    """The roles a member can hold; ``RESIDENT`` is everybody's and never stored."""

    RESIDENT = "resident"
    LEADER = "leader"
    MODEL_LEAD = "model_lead"
    OFFICER = "officer"
    ADMIN = "admin"
    # The person responsible for security work of an agency, business or school.
    UNIT_HEAD = "unit_head"


GRANTABLE = (Role.LEADER, Role.MODEL_LEAD, Role.OFFICER, Role.ADMIN, Role.UNIT_HEAD)

ROLE_LABELS = {
    Role.RESIDENT: N_("role.resident"),
    Role.LEADER: N_("role.leader"),
    Role.MODEL_LEAD: N_("role.model_lead"),
    Role.OFFICER: N_("role.officer"),
    Role.ADMIN: N_("role.admin"),
    Role.UNIT_HEAD: N_("role.unit_head"),
}

# The kinds of place each role is held in: a leader heads a residential area, an officer
# serves a commune, an admin runs a commune or a province.
ROLE_PLACES: dict[Role, frozenset[str]] = {
    Role.LEADER: RESIDENTIAL,
    Role.MODEL_LEAD: RESIDENTIAL | {COMMUNE} | UNITS,
    Role.OFFICER: frozenset({COMMUNE}),
    Role.ADMIN: frozenset({COMMUNE, PROVINCE}),
    Role.UNIT_HEAD: UNITS,
}


class Action(StrEnum):
    """Everything the policy can be asked about: flows to run and records to read."""

    SEND_TIP = "tip.send"
    FOLLOW_OWN_TIP = "tip.follow"
    CHOOSE_LANGUAGE = "language"
    CHOOSE_MESSAGES = "messages.choose"
    JOIN = "join"
    SEE_EVENTS = "event.see"
    MY_ROLES = "role.mine"
    MONTHLY_UPDATE = "report.monthly"
    MODEL_ACTIVITY = "model.activity"
    MANAGE_MODELS = "model.manage"
    END_MODELS = "model.end"
    SEE_MODELS = "model.see"
    URGENT_INCIDENT = "incident.urgent"
    EVENT_TURNOUT = "event.turnout"
    LIST_TIPS = "tip.list"
    READ_TIP = "tip.read"
    HANDLE_TIP = "tip.handle"
    REASSIGN_TIP = "tip.reassign"
    LATE_REPORTS = "report.late"
    INVITE = "invite.create"
    REVOKE_ROLE = "role.revoke"
    MANAGE_AREAS = "area.manage"
    MANAGE_EVENTS = "event.manage"
    BROADCAST = "broadcast"
    EXPORT = "export"
    MY_DATA = "privacy.mine"
    WEB_CONSOLE = "web.console"
    REGISTER_STANDARD = "year.register"
    ASSESS_UNITS = "year.assess"
    UNIT_YEAR = "unit.year"
    # Opinions and proposals: any resident sends one; the commune's officers answer it.
    SEND_OPINION = "opinion.send"
    HANDLE_OPINIONS = "opinion.handle"
    OPINION_QUEUE_ITEM = "opinion.queue_item"


EVERYBODY = frozenset(Role)

RULES: dict[Action, frozenset[Role]] = {
    Action.SEND_TIP: EVERYBODY,
    Action.MY_DATA: EVERYBODY,
    Action.FOLLOW_OWN_TIP: EVERYBODY,
    Action.CHOOSE_LANGUAGE: EVERYBODY,
    Action.CHOOSE_MESSAGES: EVERYBODY,
    Action.JOIN: EVERYBODY,
    Action.SEE_EVENTS: EVERYBODY,
    Action.MY_ROLES: EVERYBODY,  # a resident is told they hold no other role, and how to join
    Action.MONTHLY_UPDATE: frozenset({Role.LEADER}),
    # A unit's head keeps the unit's own models as a leader keeps an area's.
    Action.MODEL_ACTIVITY: frozenset({Role.LEADER, Role.MODEL_LEAD, Role.UNIT_HEAD}),
    Action.MANAGE_MODELS: frozenset({Role.ADMIN, Role.LEADER, Role.UNIT_HEAD}),
    Action.END_MODELS: frozenset({Role.ADMIN}),
    Action.SEE_MODELS: frozenset(
        {Role.LEADER, Role.MODEL_LEAD, Role.OFFICER, Role.ADMIN, Role.UNIT_HEAD}
    ),
    Action.URGENT_INCIDENT: frozenset({Role.LEADER, Role.OFFICER}),
    # Organisers (admins) too; which events each may report on: conversations.events.
    Action.EVENT_TURNOUT: frozenset({Role.LEADER, Role.ADMIN}),
    Action.LIST_TIPS: frozenset({Role.OFFICER, Role.ADMIN}),
    Action.READ_TIP: frozenset({Role.OFFICER, Role.ADMIN}),
    Action.HANDLE_TIP: frozenset({Role.OFFICER, Role.ADMIN}),
    # Admins of a place may take over a tip somebody else handles, and move any tip there.
    Action.REASSIGN_TIP: frozenset({Role.ADMIN}),
    Action.LATE_REPORTS: frozenset({Role.OFFICER, Role.ADMIN}),
    Action.INVITE: frozenset({Role.ADMIN}),
    Action.REVOKE_ROLE: frozenset({Role.ADMIN}),
    Action.MANAGE_AREAS: frozenset({Role.ADMIN}),
    Action.MANAGE_EVENTS: frozenset({Role.ADMIN}),
    Action.BROADCAST: frozenset({Role.ADMIN}),
    Action.EXPORT: frozenset({Role.OFFICER, Role.ADMIN}),
    # The officers' web console (bot/web): its pages ask the actions above again.
    Action.WEB_CONSOLE: frozenset({Role.OFFICER, Role.ADMIN}),
    # The movement's year: leaders register their area for the "An toàn về ANTT" standard;
    # admins record recognitions and grades (of the units below their place) and draft the
    # 6-month and yearly reports.
    Action.REGISTER_STANDARD: frozenset({Role.LEADER}),
    Action.ASSESS_UNITS: frozenset({Role.ADMIN}),
    # Agencies, businesses and schools: the unit's head registers it for the standard and
    # reports its propaganda reach (admins record them for a unit on the web console).
    Action.UNIT_YEAR: frozenset({Role.UNIT_HEAD}),
    # Opinions and proposals (góp ý, kiến nghị): a queue of the commune beside its tips.
    Action.SEND_OPINION: EVERYBODY,
    # Officers, and admins as the officers of their place: a commune's own admin is told of
    # its opinions; a province's sees its communes' queues.
    Action.HANDLE_OPINIONS: frozenset({Role.OFFICER, Role.ADMIN}),
    # The queue's item on the officers' menu; admins, whose menu sections are full, reach the
    # same queue by its command (/xemgopy).
    Action.OPINION_QUEUE_ITEM: frozenset({Role.OFFICER}),
}


@dataclass(frozen=True)
class Grant:
    """A role a member holds in a place (``id`` is the stored role's, for leaving it)."""

    id: int
    role: Role
    place: Place


ANYWHERE: None = None


def may(grants: Iterable[Grant], action: Action, place_path: str | None = ANYWHERE) -> bool:
    """True when ``action`` is allowed to a member holding ``grants``.

    ``place_path`` is the path of the place acted on, or of the record's place; ``ANYWHERE``
    (None) asks whether the member may do it somewhere, which is what entering a flow needs.
    An empty path (a record with no place) is inside nothing.
    """
    allowed = RULES[action]
    if Role.RESIDENT in allowed:
        return True
    return any(
        grant.role in allowed and (place_path is None or is_inside(place_path, grant.place.path))
        for grant in grants
    )


def scopes(grants: Iterable[Grant], action: Action) -> list[Place]:
    """The places (subtrees) inside which ``action`` is allowed, for queries that list records."""
    allowed = RULES[action]
    return [grant.place for grant in grants if grant.role in allowed]


def may_grant(grants: Iterable[Grant], role: Role, place: Place) -> bool:
    """May these grants invite somebody to ``role`` in ``place``?"""
    return place.kind in ROLE_PLACES[role] and may(grants, Action.INVITE, place.path)


def fits_place(role: Role, place: Place) -> bool:
    """Is ``place`` the kind of place ``role`` is held in?"""
    return place.kind in ROLE_PLACES[role]


def may_revoke(grants: Iterable[Grant], member_id: int, holder_id: int, target: Grant) -> bool:
    """A member may leave their own role; an admin may revoke a role inside their place."""
    return holder_id == member_id or may(grants, Action.REVOKE_ROLE, target.place.path)


@dataclass(frozen=True)
class Member:
    """The person writing, as the engine needs to know them."""

    id: int
    locale: str | None
    roles: tuple[Grant, ...] = ()
    # The privacy notice version the member agreed to; None: never, refused or withdrew.
    consent_version: int | None = None
