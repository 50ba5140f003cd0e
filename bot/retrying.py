"""The one way to say how a failing action is retried: ``RetryPolicy``.

Telegram requests (``bot.channels.telegram.retries``), the calls of our own HTTP API clients (the
one loop of ``bot.channels.http_api``, under both Zalo clients) and outbox rows
(``bot.delivery.sender``) each keep a policy of this type with their own numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` tries in all; before retry number n wait ``first_delay`` seconds times
    ``multiplier`` to the power n - 1, never more than ``max_delay``."""

    attempts: int
    first_delay: float = 0.0
    multiplier: float = 2.0
    max_delay: float = math.inf

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first retry)."""
        return min(self.first_delay * self.multiplier ** (retry - 1), self.max_delay)

    def delays(self) -> Iterator[float]:
        """The waits before each retry in turn: ``attempts - 1`` of them."""
        return (self.delay(retry) for retry in range(1, self.attempts))


NO_RETRY = RetryPolicy(attempts=1)
