"""Quiet hours: between 21:00 and 07:00 local time only tip notices and urgent incidents go.

Configuration as data: the window, its time zone and the kinds allowed through it are declared
here once; the queue sets ``not_before`` from it and the sender refuses to claim anything else
while it is quiet, so a message queued without care still waits for the morning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from conversations.localtime import LOCAL_TIME
from storage.delivery.outbox import TIP_NOTICE, URGENT

LOCAL_ZONE = LOCAL_TIME


@dataclass(frozen=True)
class QuietHours:
    """A nightly window (``start`` to ``end``, local time, crossing midnight) when messages wait."""

    start: time = time(21, 0)
    end: time = time(7, 0)
    zone: ZoneInfo = LOCAL_ZONE
    # Kinds that go out at any hour: a tipster waiting for news of their tip, officers told of
    # a new tip or of an urgent incident.
    exempt_kinds: frozenset[str] = field(default_factory=lambda: frozenset({TIP_NOTICE, URGENT}))

    def is_quiet(self, now: datetime) -> bool:
        local = now.astimezone(self.zone).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def applies_to(self, kind: str) -> bool:
        return kind not in self.exempt_kinds

    def release_time(self, now: datetime) -> datetime:
        """When a message due at ``now`` may go: ``now`` itself, or the end of the quiet hours."""
        if not self.is_quiet(now):
            return now
        local = now.astimezone(self.zone)
        end = datetime.combine(local.date(), self.end, tzinfo=self.zone)
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), self.end, tzinfo=self.zone)
        return end.astimezone(UTC)

    def not_before(self, kind: str, due: datetime) -> datetime:
        """``due`` moved out of the quiet hours unless ``kind`` is exempt."""
        return self.release_time(due) if self.applies_to(kind) else due


DEFAULT_QUIET_HOURS = QuietHours()
