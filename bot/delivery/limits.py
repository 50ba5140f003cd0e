"""How fast one channel may send: a token bucket in total, and a minimum gap per chat.

One ``RateLimiter`` per channel and process, shared by the outbox sender and the channel's
direct replies (``bot.app.Application.limiters``). Replies pass ``urgent=True``:
they never queue behind the outbox, and while one waits the outbox holds back, so a running
broadcast never delays a conversation. A reply waits for its own chat's gap before it takes a
token (each chat's replies go from a queue of their own, ``bot.reply_path``): a user who writes
faster than the platform lets the bot answer one chat waits alone, and never draws the 429
that would pause every chat. The gap counts from the platform's answer to the chat's last send.

A chat may take a short burst (``chat_burst``, Telegram allows a few messages at once) before
the gap applies: a two-message answer (thanks, then the menu) arrives as one. Each chat keeps
its "theoretical arrival time" (a token bucket of ``chat_burst`` sends refilled one per
``chat_gap``) twice: as reserved when a send starts, and as the platform can have counted it,
from the answers (each no earlier than the platform received the send). A send may start
while the reserved time is less than ``chat_burst - 1`` gaps ahead.

The bucket keeps sends evenly spaced; it holds a few tokens (``burst``) so that a send that
wakes a millisecond late is not a token lost (with one token the rate fell to ~29/s). The
platforms count in sliding windows, so a second guard keeps at most ``per_second`` sends in any
second: a send may start only one second after the send ``per_second`` places before it was
*answered* (``settle``). The platform received that one before answering it, and receives the
new one after it starts, so no window can hold more than the limit however late the network
delivers.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

# Chats whose gap has passed are forgotten once this many are remembered.
_PRUNE_AT = 10_000
# The platforms' window, and how long an unanswered send may hold it (a caller that never
# settles must not stop the channel).
WINDOW = 1.0
_UNSETTLED_FOR = 30.0
# While the oldest send of a full window is unanswered, look again this often.
_POLL = 0.002


class Ticket:
    """One send counted by the limiter: when it started, or when it was answered."""

    __slots__ = ("at", "chat_id", "settled")

    def __init__(self, at: float, chat_id: str = "") -> None:
        self.at = at
        self.chat_id = chat_id
        self.settled = False


@dataclass(frozen=True)
class ChannelLimits:
    """A platform's sending limits: ``per_second`` in total, one message per ``chat_gap`` s
    to a chat after a burst of ``chat_burst``."""

    per_second: float
    chat_gap: float = 0.0
    burst: float = 3.0
    chat_burst: int = 1

    @property
    def unlimited(self) -> bool:
        return math.isinf(self.per_second)


# Telegram: about 30 messages a second in total, 1 a second to one chat after a short burst
# (PLATFORMS.md; ``ANTQ_CHAT_BURST`` sets the burst).
DEFAULT_CHAT_BURST = 3
TELEGRAM_LIMITS = ChannelLimits(per_second=30.0, chat_gap=1.0, chat_burst=DEFAULT_CHAT_BURST)
# Zalo publishes no limit: throttle conservatively (callers pass their own setting).
ZALO_LIMITS = ChannelLimits(per_second=10.0, chat_gap=1.0)
UNLIMITED = ChannelLimits(per_second=math.inf)
# A terminal takes whatever it is given at once.
CONSOLE_LIMITS = UNLIMITED


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
        # chat -> [reserved, answered]: when its bucket is empty again, counted from the
        # sends' starts and from their answers.
        self._chat_ready: dict[str, list[float]] = {}
        self._chat_ahead = max(0, limits.chat_burst - 1) * limits.chat_gap
        self._urgent_waiting = 0
        self._capacity = 0 if limits.unlimited else max(1, math.floor(limits.per_second * WINDOW))
        self._sent: deque[Ticket] = deque()

    def chat_wait(self, chat_id: str) -> float:
        """Seconds until ``chat_id`` may get its next message (0 when it may now)."""
        ready = self._chat_ready.get(chat_id)
        return 0.0 if ready is None else max(0.0, ready[0] - self._chat_ahead - self._clock())

    async def claim_chat(self, chat_id: str) -> float:
        """For a message that would rather wait than hold anybody up (the outbox): 0 when
        ``chat_id`` may get it now (the chat is then counted as served), else the seconds
        until it may."""
        return self.chat_wait(chat_id)

    def pause(self, seconds: float) -> None:
        """Send nothing for ``seconds`` (the platform answered 429 with retry_after)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def acquire(self, chat_id: str, *, urgent: bool = False) -> Ticket:
        """Wait until one message to ``chat_id`` may go, and count it; ``settle`` the ticket
        when the platform has answered.

        A reply (``urgent``) first waits for its chat's gap, alone; the outbox sender does not
        wait for it here but defers such a message, holding up no other chat.
        """
        if urgent:
            while (gap := self.chat_wait(chat_id)) > 0:
                await self._sleep(gap)
        if urgent:
            self._urgent_waiting += 1
        try:
            while True:
                wait = self._wait(urgent)
                if wait <= 0:
                    return self._take(chat_id)
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
        wait = max(wait, self._window_wait(now))
        if not urgent and self._urgent_waiting:
            # Let the waiting reply take the next token first.
            wait = max(wait, 1 / self.limits.per_second)
        return wait

    def settle(self, ticket: Ticket) -> None:
        """The platform answered the send ``ticket`` counted: it counts from now on."""
        now = self._clock()
        ticket.at = now
        ticket.settled = True
        if self.limits.chat_gap > 0 and ticket.chat_id:
            # The platform saw this send no later than now: the chat's gap runs from here.
            ready = self._chat_ready.setdefault(ticket.chat_id, [0.0, 0.0])
            ready[1] = max(ready[1], now) + self.limits.chat_gap
            ready[0] = max(ready[0], ready[1])

    async def close(self) -> None:
        """Release what the limiter holds (nothing here; a shared one its connection)."""

    def _window_wait(self, now: float) -> float:
        """Seconds until the window has room: the send ``capacity`` places back must have
        been answered a whole window ago."""
        sent = self._sent
        while len(sent) > self._capacity:
            sent.popleft()
        if len(sent) < self._capacity:
            return 0.0
        oldest = sent[0]
        if not oldest.settled and now - oldest.at < _UNSETTLED_FOR:
            return _POLL
        return oldest.at + WINDOW - now

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(self.limits.burst, self._tokens + elapsed * self.limits.per_second)
        self._updated = now

    def _take(self, chat_id: str) -> Ticket:
        now = self._clock()
        ticket = Ticket(now, chat_id)
        if not self.limits.unlimited:
            self._tokens -= 1
            self._sent.append(ticket)
        if self.limits.chat_gap > 0:
            if len(self._chat_ready) >= _PRUNE_AT:
                self._chat_ready = {c: t for c, t in self._chat_ready.items() if t[0] > now}
            ready = self._chat_ready.setdefault(chat_id, [0.0, 0.0])
            ready[0] = max(ready[0], now) + self.limits.chat_gap
        return ticket


def telegram_limits(chat_burst: int = DEFAULT_CHAT_BURST) -> ChannelLimits:
    """Telegram's limits with a chat's burst of ``chat_burst`` messages."""
    return replace(TELEGRAM_LIMITS, chat_burst=chat_burst)


def platform_limiters(chat_burst: int = DEFAULT_CHAT_BURST) -> dict[str, RateLimiter]:
    """A limiter for each platform, for one process's replies and outbox together."""
    return {
        "telegram": RateLimiter(telegram_limits(chat_burst)),
        "zalo": RateLimiter(ZALO_LIMITS),
        "console": RateLimiter(CONSOLE_LIMITS),
    }
