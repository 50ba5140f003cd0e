"""What a conversation asks the bot to do besides replying; performed in the same transaction
as the new conversation state, so either both happen or neither does."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class SetLocale:
    """Remember the member's language."""

    locale: str


@dataclass(frozen=True)
class StoreTip:
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


Effect = SetLocale | StoreTip
