"""What the engine may read from storage; ``bot`` passes in an implementation bound to the
current transaction, tests use the in-memory one in ``conversations.memory``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class Member:
    """The person writing, as the engine needs to know them."""

    id: int
    locale: str | None


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


class Records(Protocol):
    """Reads the conversations need."""

    async def tip_status_for_sender(self, code: str, member_id: int) -> TipStatus | None:
        """The tip's status if ``member_id`` sent the tip ``code``; None otherwise."""
        ...
