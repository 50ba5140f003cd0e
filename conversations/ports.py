"""What the engine may read from storage; ``bot`` passes in an implementation bound to the
current transaction, tests use the in-memory one in ``tests.memory``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from conversations.broadcasts import BroadcastReads
from conversations.events import EventReads
from conversations.exports import OverviewReads
from conversations.incidents import IncidentReads
from conversations.monthly_reports import ReportReads
from conversations.places import Place
from conversations.policy import Grant, Role
from conversations.security_models import SecurityModelReads
from conversations.tips import TipInboxReads


@dataclass(frozen=True)
class Member:
    """The person writing, as the engine needs to know them."""

    id: int
    locale: str | None
    roles: tuple[Grant, ...] = ()


@dataclass(frozen=True)
class SavedConversation:
    """A conversation as it was stored after the member's previous message."""

    flow: str | None
    step: str | None
    data: dict[str, Any]
    updated_at: datetime


@dataclass(frozen=True)
class TipStatus:
    """A tip's progress as its sender may see it."""

    code: str
    status: str
    received_at: datetime


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
class JoinAttempts:
    """Wrong invitation codes in a row, and until when the member must wait."""

    failures: int = 0
    locked_until: datetime | None = None


@dataclass(frozen=True)
class StaffTipView:
    """A tip as an officer or admin of its place reads it: never the sender's identity beyond
    the phone a named tipster chose to leave."""

    code: str
    category: str
    status: str
    received_at: datetime
    place_path: str  # "" when the tip has no place yet: then no place-bound role sees it
    description: str
    place_text: str | None
    anonymous: bool
    contact_phone: str | None


@dataclass(frozen=True)
class TipListing:
    """A line of an officer's list of new tips: never the text, the place or the sender."""

    code: str
    category: str
    status: str
    received_at: datetime


@dataclass(frozen=True)
class HeldRole:
    """Somebody's role, as an admin sees it when revoking."""

    grant: Grant
    member_id: int
    display_name: str | None


class Records(
    ReportReads,
    IncidentReads,
    SecurityModelReads,
    EventReads,
    TipInboxReads,
    BroadcastReads,
    OverviewReads,
    Protocol,
):
    """Reads the conversations need (each feature's reads live in its own module)."""

    async def tip_status_for_sender(self, code: str, member_id: int) -> TipStatus | None:
        """The tip's status if ``member_id`` sent the tip ``code``; None otherwise."""
        ...

    async def place_by_code(self, code: str) -> Place | None:
        """The place with this official or given code."""
        ...

    async def find_places(
        self, query: str, *, within: str | None, kinds: frozenset[str] | None, limit: int
    ) -> list[Place]:
        """Places whose name contains ``query`` (accents optional), best matches first."""
        ...

    async def invitation(self, code: str) -> InvitationView | None:
        """The invitation with this code, used or not; None when there is none."""
        ...

    async def join_attempts(self, member_id: int) -> JoinAttempts:
        """The member's wrong invitation codes in a row."""
        ...

    async def roles_within(self, path: str) -> list[HeldRole]:
        """The active roles held in ``path`` and below it."""
        ...

    async def tip_for_staff(self, code: str) -> StaffTipView | None:
        """The tip ``code`` for an officer's eyes; the caller asks the policy first."""
        ...

    async def tips_within(self, path: str, *, limit: int) -> list[TipListing]:
        """The newest tips placed in ``path`` or below it, newest first."""
        ...
