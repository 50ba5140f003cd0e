"""Admin broadcasts (campaign messages): its domain, effects and reads.

An admin writes a message (Vietnamese, optionally English and a photo) for an audience inside
their own place: areas of their subtree, roles (residents are the members whose home area lies
there; leaders, officers and admins hold a role there) and channels. The bot copies it into the
outbox, one row per recipient, at the platform's pace.

The reads are a part of ``conversations.ports.Records``, so this module must not import
``conversations.ports``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

# Who a broadcast goes to is shared with surveys; named here too, where callers look for it.
from conversations.audience import AUDIENCE_ROLES as AUDIENCE_ROLES
from conversations.audience import CHANNELS as CHANNELS
from conversations.audience import QUIET_END as QUIET_END
from conversations.audience import QUIET_START as QUIET_START
from conversations.audience import Audience as Audience
from conversations.audience import in_quiet_hours as in_quiet_hours
from conversations.effects import Effect
from conversations.i18n import N_

MAX_TEXT = 4000

# The stored states of a broadcast, in the order it goes through them.
DRAFT = "draft"
SCHEDULED = "scheduled"
QUEUEING = "queueing"  # copies are being written to the outbox, batch by batch
SENDING = "sending"  # every copy is in the outbox; the senders drain it
DONE = "done"
CANCELLED = "cancelled"
CANCELLABLE = frozenset({SCHEDULED, QUEUEING, SENDING})

STATUS_LABELS = {
    DRAFT: N_("broadcasts.status.draft"),
    SCHEDULED: N_("broadcasts.status.scheduled"),
    QUEUEING: N_("broadcasts.status.queueing"),
    SENDING: N_("broadcasts.status.sending"),
    DONE: N_("broadcasts.status.done"),
    CANCELLED: N_("broadcasts.status.cancelled"),
}

# The copy every recipient gets, in their language: who sends it, the text, how to stop.
COPY_KEY = N_("broadcasts.copy")

# Telegram's total rate: what a broadcast is estimated at before any copy went out.
NOMINAL_RATE_PER_SECOND = 30.0


@dataclass(frozen=True)
class CreateBroadcast(Effect):
    """Store a broadcast by the member (an admin of ``area_id``) to go out at ``send_at``."""

    area_id: int
    audience: Audience
    text_vi: str
    text_en: str | None
    photo_channel: str | None
    photo_file_id: str | None
    send_at: datetime


@dataclass(frozen=True)
class CancelBroadcast(Effect):
    """Stop a scheduled or running broadcast: copies not yet sent are cancelled."""

    broadcast_id: int


@dataclass(frozen=True)
class BroadcastProgress:
    """A broadcast as its admin follows it: state and counts of copies by outcome."""

    id: int
    status: str
    place_name: str
    place_path: str
    text_vi: str
    send_at: datetime
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    recipients: int | None
    queued: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    cancelled: int = 0

    @property
    def waiting(self) -> int:
        """Copies not delivered yet (queued, or in flight)."""
        return self.queued + self.sending

    def seconds_left(self, now: datetime) -> float | None:
        """An estimate of the time to finish, from the rate seen so far (and, for one not due
        yet, the wait until it is); None when done."""
        if self.status in (DONE, CANCELLED):
            return None
        waiting_to_start = 0.0
        if self.status == SCHEDULED and self.send_at > now:
            waiting_to_start = (self.send_at - now).total_seconds()
        remaining = self.waiting
        if self.status in (SCHEDULED, QUEUEING):
            remaining = max(remaining, (self.recipients or 0) - self.finished)
        rate = NOMINAL_RATE_PER_SECOND
        if self.started_at is not None and self.finished > 0:
            elapsed = (now - self.started_at).total_seconds()
            if elapsed > 0:
                rate = max(self.finished / elapsed, 0.1)
        return waiting_to_start + remaining / rate

    @property
    def finished(self) -> int:
        return self.sent + self.failed + self.blocked


@dataclass(frozen=True)
class TimeLeft:
    """A time left (``BroadcastProgress.seconds_left``) as people say it: minutes within the
    hour, hours and minutes within two days, then days and hours."""

    days: int = 0
    hours: int = 0
    minutes: int = 0

    @classmethod
    def of(cls, seconds: float) -> TimeLeft:
        minutes = max(1, round(seconds / 60))
        if minutes < 60:
            return cls(minutes=minutes)
        hours, minutes = divmod(minutes, 60)
        if hours < 48:
            return cls(hours=hours, minutes=minutes)
        days, hours = divmod(round(seconds / 3600), 24)
        return cls(days=days, hours=hours)


def choose_text(text_vi: str, text_en: str | None, locale: str | None) -> str:
    """The version a recipient reads: English for members who chose English, when given."""
    return text_en if locale == "en" and text_en else text_vi


class BroadcastReads(Protocol):
    """Reads about broadcasts and their audiences."""

    async def broadcast_reach(self, audience: Audience) -> int:
        """How many members the audience reaches today (opted-out members excluded)."""
        ...

    async def broadcasts_within(self, path: str, *, limit: int) -> list[BroadcastProgress]:
        """The newest broadcasts sent within ``path`` (an admin's place), newest first."""
        ...

    async def broadcast_progress(self, broadcast_id: int) -> BroadcastProgress | None:
        """One broadcast; the caller asks the policy about its place."""
        ...

    async def campaigns_enabled(self, member_id: int) -> bool:
        """True unless the member turned campaign messages off."""
        ...
