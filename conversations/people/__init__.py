"""People, places and roles: areas, invitations, joining, staff and one's own settings
(language, reminders, campaign messages) — the effects and the reads these conversations use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from conversations.drafts import OfferedDraft
from conversations.effects import Effect
from conversations.places import Place
from conversations.policy import Grant, Role
from conversations.secret_codes import CodeAttempts, CodeKind


@dataclass(frozen=True)
class SetLocale(Effect):
    """Remember the member's language."""

    locale: str


@dataclass(frozen=True)
class SetReminders(Effect):
    """Turn the member's reminders on or off (tip notices and urgent messages always go)."""

    on: bool


@dataclass(frozen=True)
class AcceptInvitation(Effect):
    """Redeem the invitation ``code`` for the member: they get ``grant`` (its id is not known
    yet) and the invitation's creator is told. If somebody redeemed it first, the bot runs the
    message again and the flow then sees a used code."""

    code: str
    grant: Grant


@dataclass(frozen=True)
class CreateInvitation(Effect):
    """Store a one-time invitation made by the member (an admin) in chat."""

    code: str
    role: Role
    area_id: int
    expires_at: datetime


@dataclass(frozen=True)
class GiveUpRole(Effect):
    """End a role: the holder leaving it, or an admin revoking it (``leaving`` says which)."""

    role_id: int
    leaving: bool


@dataclass(frozen=True)
class AddArea(Effect):
    """Add a residential area below ``parent_id`` (an admin in chat)."""

    parent_id: int
    name: str
    kind: str
    households: int | None


@dataclass(frozen=True)
class RenameArea(Effect):
    """Rename a place, keeping its old name as the former name people may still use."""

    area_id: int
    name: str


@dataclass(frozen=True)
class SetCampaigns(Effect):
    """Turn the member's campaign messages (broadcasts) on or off."""

    enabled: bool


@dataclass(frozen=True)
class InvitationView:
    """An invitation as the join flow checks it."""

    role: Role
    place: Place
    expires_at: datetime
    used: bool

    def usable(self, now: datetime) -> bool:
        return not self.used and now < self.expires_at


@dataclass(frozen=True)
class HeldRole:
    """Somebody's role, as an admin sees it when revoking."""

    grant: Grant
    member_id: int
    display_name: str | None


class PeopleReads(Protocol):
    """Invitations, wrong codes in a row, who holds roles where, and one's reminders."""

    async def invitation(self, code: str) -> InvitationView | None:
        """The invitation with this code, used or not; None when there is none."""
        ...

    async def code_attempts(self, member_id: int, kind: CodeKind) -> CodeAttempts:
        """The member's wrong codes of ``kind`` in a row."""
        ...

    async def linked_draft(self, code: str, member_id: int, now: datetime) -> OfferedDraft | None:
        """The unfinished draft of the member who asked for link ``code``, when typing it
        now links them to ``member_id`` (``conversations.linking``); None otherwise."""
        ...

    async def roles_within(self, path: str) -> list[HeldRole]:
        """The active roles held in ``path`` and below it."""
        ...

    async def reminders_enabled(self, member_id: int) -> bool:
        """True unless the member turned reminders off."""
        ...
