"""What can go wrong when talking to the Zalo Bot API: ``ZaloError`` and its kinds.

Each class is one of the kinds of ``bot.delivery.errors`` (the one tree) and adds only what
Zalo says: its codes and, where Zalo names no wait, how long to wait. The codes, as the platform
documents them (checked against two independent clients, see ../shared/PLATFORMS.md): 400 bad
request, 401 the token is invalid or was reset, 403 "Internal server error" (a fault on Zalo's
side, NOT a user who blocked the bot: Zalo documents no such signal), 404, 408 request timeout
(an empty poll, or a passing failure), 429 "Quota exceeded" with no retry_after. Messages never
contain the request URL, because the URL carries the token.
"""

from __future__ import annotations

from bot.delivery.errors import (
    CredentialsRefused,
    MaybeSent,
    PermanentFailure,
    PlatformError,
    RateLimited,
    TemporaryFailure,
)

TOKEN_REJECTED = 401
# Zalo's own faults and timeouts: retried with backoff, like a 5xx answer.
PASSING_ERROR_CODES = frozenset({403, 408})
QUOTA_EXCEEDED = 429

# 429 names no wait: minutes, not seconds, so as not to hammer a used-up quota.
QUOTA_WAIT = 300.0
# With the token refused nothing can go until an operator sets a new one and restarts: what is
# owed is looked at again this often, kept meanwhile.
TOKEN_WAIT = 600.0


class ZaloError(PlatformError):
    """Any failure of a Zalo Bot API call."""


class ZaloApiError(ZaloError, PermanentFailure):
    """The API answered ``{"ok": false, "error_code": N, "description": "..."}`` with a code
    that retrying the same request will not change (a bad chat id, a text too long)."""

    def __init__(self, error_code: int, description: str) -> None:
        super().__init__(
            f"Zalo API error {error_code}: {description}", reason=f"ZaloApiError{error_code}"
        )
        self.error_code = error_code
        self.description = description


class ZaloUnavailable(ZaloError, TemporaryFailure):
    """The API could not be reached or kept failing (network errors, timeouts, 5xx, 403, 408)
    after the configured retries; trying again later may work."""


class ZaloTokenRejected(ZaloError, CredentialsRefused):
    """401: the bot token is invalid or was reset. Nothing can be sent until an operator sets
    the new token: the channel pauses and keeps what it owes."""

    retry_after = TOKEN_WAIT


class ZaloQuotaExceeded(ZaloError, RateLimited):
    """429: Zalo's quota is used up for now. It names no wait, so we wait minutes, not seconds,
    rather than hammer it."""

    retry_after = QUOTA_WAIT


class ZaloMaybeSent(ZaloError, MaybeSent):
    """A send timed out (or the connection broke) after the request went out: Zalo may have
    delivered it, so it is not sent again."""
