"""What a conversation asks the bot to do besides replying; performed in the same transaction
as the new conversation state, so either both happen or neither does."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from conversations.policy import Grant, Role


class Effect:
    """Base of everything a flow asks the bot to do besides replying.

    Each feature defines its effects as frozen dataclasses deriving from this class, next to
    its flows; the bot performs them through the handler registered for their type
    (``bot.effect_handlers``), in the message's transaction.
    """

    __slots__ = ()


@dataclass(frozen=True)
class SetLocale(Effect):
    """Remember the member's language."""

    locale: str


@dataclass(frozen=True)
class SetReminders(Effect):
    """Turn the member's reminders on or off (tip notices and urgent messages always go)."""

    on: bool


@dataclass(frozen=True)
class StoreTip(Effect):
    """Store a resident's tip under ``code``.

    ``sender_member_id`` is always given so the bot can derive the sender's proof of ownership;
    the bot keeps it in the tip row only when the tip is not anonymous.
    """

    code: str
    category: str
    description: str
    place_text: str | None
    latitude: float | None
    longitude: float | None
    place_unknown: bool
    occurred_date: date | None
    occurred_time: str | None
    occurred_unknown: bool
    anonymous: bool
    contact_phone: str | None
    sender_member_id: int
    locale: str
    attachments: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    area_id: int | None = None  # the commune the sender named; None when not known


@dataclass(frozen=True)
class AcceptInvitation(Effect):
    """Redeem the invitation ``code`` for the member: they get ``grant`` (its id is not known
    yet) and the invitation's creator is told. If somebody redeemed it first, the bot runs the
    message again and the flow then sees a used code."""

    code: str
    grant: Grant


@dataclass(frozen=True)
class RecordJoinAttempts(Effect):
    """Remember the member's wrong codes in a row and until when they must wait."""

    failures: int
    locked_until: datetime | None


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
class RecordTipView(Effect):
    """An officer or admin looked at the tip ``code``: audit it (who, which tip, when)."""

    code: str
