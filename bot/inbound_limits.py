"""Fair under floods: how many messages one user may send before the bot stops reading them.

A user past ``InboundLimit.messages`` in ``seconds`` is told once, shortly and politely, to
slow down ("Anh/chị gửi nhanh quá, xin chờ một chút"); whatever else they send during the
``cooldown`` is dropped before it costs a transaction or a reply, and counted. A flooder then
takes no more of the bot's sending budget than anybody else, so the others' replies do not wait.

The count is kept per process (behind a load balancer each process counts what it receives):
it guards the bot's work, not a quota.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from enum import Enum

# Users not heard from within a window are forgotten once this many are remembered.
_PRUNE_AT = 10_000


class Verdict(Enum):
    READ = "read"  # within the limit: process it
    NOTICE = "notice"  # just went past it: tell the user once, do not process it
    DROP = "drop"  # cooling down: neither processed nor answered


@dataclass(frozen=True)
class InboundLimit:
    """At most ``messages`` in ``seconds`` from one user; past it, ``cooldown`` seconds unread."""

    messages: int = 20
    seconds: float = 10.0
    cooldown: float = 30.0


@dataclass
class _Sender:
    times: deque[float] = field(default_factory=deque)
    quiet_until: float = 0.0
    locale: str | None = None  # of the user's last answer: the notice speaks it too


class InboundLimiter:
    """Counts each user's messages in a sliding window and says what to do with the next one."""

    def __init__(
        self, limit: InboundLimit | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit or InboundLimit()
        self._clock = clock
        self._senders: dict[Hashable, _Sender] = {}
        self.dropped = 0  # messages not read since start (for logs and benchmarks)
        self.told = 0  # notices sent since start

    def admit(self, user: Hashable) -> Verdict:
        now = self._clock()
        sender = self._senders.get(user)
        if sender is None:
            if len(self._senders) >= _PRUNE_AT:
                self._prune(now)
            sender = self._senders[user] = _Sender()
        if now < sender.quiet_until:
            self.dropped += 1
            return Verdict.DROP
        times = sender.times
        while times and times[0] <= now - self.limit.seconds:
            times.popleft()
        if len(times) >= self.limit.messages:
            times.clear()
            sender.quiet_until = now + self.limit.cooldown
            self.told += 1
            return Verdict.NOTICE
        times.append(now)
        return Verdict.READ

    def note_locale(self, user: Hashable, locale: str | None) -> None:
        """The language the user was last answered in (for the notice)."""
        sender = self._senders.get(user)
        if sender is not None and locale is not None:
            sender.locale = locale

    def locale_of(self, user: Hashable) -> str | None:
        sender = self._senders.get(user)
        return None if sender is None else sender.locale

    def _prune(self, now: float) -> None:
        window = self.limit.seconds
        self._senders = {
            user: sender
            for user, sender in self._senders.items()
            if sender.quiet_until > now or (sender.times and sender.times[-1] > now - window)
        }

    def __len__(self) -> int:
        return len(self._senders)
