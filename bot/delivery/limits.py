"""How fast one channel may send: a token bucket in total, and a minimum gap per chat.

One ``RateLimiter`` per channel and process, meant to be shared by the outbox sender and the
channel's direct replies (wiring the replies in is a later step). Replies pass ``urgent=True``:
they never queue behind the outbox, and while one waits the outbox holds back, so a running
broadcast never delays a conversation.

The bucket holds at most ``burst`` tokens (default 1: evenly spaced sends), because the
platforms count in sliding windows: a full one-second bucket spent at once followed by the
steady rate would put twice the limit into one window.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

# Chats whose gap has passed are forgotten once this many are remembered.
_PRUNE_AT = 10_000


@dataclass(frozen=True)
class ChannelLimits:
    """A platform's sending limits: ``per_second`` in total, one message per ``chat_gap`` s."""

    per_second: float
    chat_gap: float = 0.0
    burst: float = 1.0

    @property
    def unlimited(self) -> bool:
        return math.isinf(self.per_second)


# Telegram: about 30 messages a second in total, 1 a second to one chat (PLATFORMS.md).
TELEGRAM_LIMITS = ChannelLimits(per_second=30.0, chat_gap=1.0)
# Zalo publishes no limit: throttle conservatively (callers pass their own setting).
ZALO_LIMITS = ChannelLimits(per_second=10.0, chat_gap=1.0)
UNLIMITED = ChannelLimits(per_second=math.inf)


class RateLimiter:
    """Token bucket (``limits.per_second``) plus a per-chat gap, paused by a platform's 429."""

    def __init__(
        self,
        limits: ChannelLimits,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.limits = limits
        self._clock = clock
        self._sleep = sleep
        self._tokens = limits.burst
        self._updated = clock()
        self._paused_until = 0.0
        self._chat_ready: dict[str, float] = {}
        self._urgent_waiting = 0

    def chat_wait(self, chat_id: str) -> float:
        """Seconds until ``chat_id`` may get its next message (0 when it may now)."""
        ready = self._chat_ready.get(chat_id)
        return 0.0 if ready is None else max(0.0, ready - self._clock())

    def pause(self, seconds: float) -> None:
        """Send nothing for ``seconds`` (the platform answered 429 with retry_after)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def acquire(self, chat_id: str, *, urgent: bool = False) -> None:
        """Wait until one message to ``chat_id`` may go, and count it.

        The per-chat gap is not waited for here: the sender defers such a message instead of
        holding up every other chat, and a reply must not wait for it at all.
        """
        if urgent:
            self._urgent_waiting += 1
        try:
            while True:
                wait = self._wait(urgent)
                if wait <= 0:
                    self._take(chat_id)
                    return
                await self._sleep(wait)
        finally:
            if urgent:
                self._urgent_waiting -= 1

    def _wait(self, urgent: bool) -> float:
        now = self._clock()
        wait = self._paused_until - now
        if self.limits.unlimited:
            return wait
        self._refill(now)
        if self._tokens < 1:
            wait = max(wait, (1 - self._tokens) / self.limits.per_second)
        if not urgent and self._urgent_waiting:
            # Let the waiting reply take the next token first.
            wait = max(wait, 1 / self.limits.per_second)
        return wait

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(self.limits.burst, self._tokens + elapsed * self.limits.per_second)
        self._updated = now

    def _take(self, chat_id: str) -> None:
        if not self.limits.unlimited:
            self._tokens -= 1
        if self.limits.chat_gap > 0:
            now = self._clock()
            if len(self._chat_ready) >= _PRUNE_AT:
                self._chat_ready = {c: t for c, t in self._chat_ready.items() if t > now}
            self._chat_ready[chat_id] = now + self.limits.chat_gap
