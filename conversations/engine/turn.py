"""What one message works on: the turn's state, what the engine answers, and the fixed
questions (discard the draft?, the summary's buttons) every flow shares."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from conversations.effects import Effect
from conversations.fields import ChoiceOption
from conversations.flow import Flow
from conversations.i18n import DEFAULT_LOCALE, N_, SUPPORTED_LOCALES
from conversations.menu_layout import RESUME_ITEM
from conversations.people import AcceptInvitation, GiveUpRole, SetLocale
from conversations.ports import Member, Records
from conversations.privacy import ConsentDecision, RecordConsent
from conversations.replies import Inbound, Reply

# The question "discard the draft?" asked by /cancel, and how many answers a draft holds
# before losing it is worth that question.
DISCARD = "discard"
FEW_ANSWERS = 2

DISCARD_OPTIONS = (
    ChoiceOption("discard", N_("draft.discard"), ("huy", "co", "yes")),
    ChoiceOption("keep", N_("draft.keep"), ("tiep tuc", "khong", "no")),
)
RESUME = ChoiceOption(RESUME_ITEM, N_("menu.resume"), ("tiep tuc", "resume"))

# A channel whose buttons carry no numbers (Telegram) explains a wrong choice without them.
BUTTON_WORDING = {
    N_("input.choose_option"): N_("input.choose_button"),
    N_("menu.not_understood"): N_("menu.not_understood_button"),
}

SUMMARY_OPTIONS = (
    ChoiceOption("confirm", N_("summary.confirm"), ("gui", "xac nhan", "dong y", "ok", "yes")),
    ChoiceOption("edit", N_("summary.edit"), ("sua",)),
    ChoiceOption("cancel", N_("summary.cancel"), ("huy",)),
)


@dataclass(frozen=True)
class ConversationState:
    """What is stored for the member after this message."""

    flow: str | None
    step: str | None
    data: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """The engine's answer to one message."""

    replies: list[Reply]
    effects: list[Effect]
    state: ConversationState
    # The language the replies are written in (a language just chosen included).
    locale: str = DEFAULT_LOCALE
    # The message was a tap on a button of a question already answered: it changed nothing.
    stale_tap: bool = False


@dataclass
class Turn:
    """The working state while one message is handled."""

    member: Member
    message: Inbound
    records: Records
    now: datetime
    locale: str
    flow: Flow | None
    step: str | None
    answers: dict[str, Any]
    editing: bool
    draft: dict[str, Any] | None
    # The summary item being changed alone (flows whose summary lines are edited by number).
    item: int | None = None
    # /cancel was sent with a draft worth keeping: "discard the draft?" waits for an answer.
    discarding: bool = False
    # Steps the flow answered itself when it began (the only area of a leader): not counted.
    given: list[str] = field(default_factory=list)
    # The section of the menu shown, while at home (None: the main screen).
    section: str | None = None
    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    stale_tap: bool = False

    def say(self, reply: Reply) -> None:
        self.replies.append(reply)

    def leave(self) -> None:
        """Out of any flow, at the menu: no step, no answers, nothing being edited."""
        self.flow, self.step, self.answers, self.editing, self.item = None, None, {}, False, None
        self.discarding = False
        self.given, self.section = [], None

    def enter(self, flow: Flow) -> None:
        """At the first step of ``flow``, with no answers yet."""
        self.flow, self.step, self.answers, self.editing, self.item = (
            flow,
            flow.first_step,
            {},
            False,
            None,
        )
        self.discarding = False
        self.given = []


def supported_locale(language: str | None) -> str | None:
    """The locale we speak for a platform's language tag (``vi``, ``en-US`` ...), if any."""
    primary = (language or "").split("-")[0].split("_")[0].lower()
    return primary if primary in SUPPORTED_LOCALES else None


def member_after(member: Member, effect: Effect) -> Member:
    """The member as an effect leaves them, so the menu shown with it is already right."""
    if isinstance(effect, SetLocale):
        return replace(member, locale=effect.locale)
    if isinstance(effect, AcceptInvitation):
        return replace(member, roles=(*member.roles, effect.grant))
    if isinstance(effect, RecordConsent):
        agreed = effect.decision == ConsentDecision.GIVEN
        return replace(member, consent_version=effect.notice_version if agreed else None)
    if isinstance(effect, GiveUpRole):
        return replace(
            member, roles=tuple(grant for grant in member.roles if grant.id != effect.role_id)
        )
    return member
