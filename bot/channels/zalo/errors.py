"""What can go wrong when talking to the Zalo Bot API: one small tree, caught as ``ZaloError``.

Messages never contain the request URL, because the URL carries the bot token.
"""

from __future__ import annotations

# Zalo documents no "user blocked the bot" error; 403 is what such a refusal is on Telegram,
# whose API Zalo's mirrors. Marking a member blocked only pauses sends until they write again.
BLOCKED_ERROR_CODES = frozenset({403})


class ZaloError(Exception):
    """Any failure of a Zalo Bot API call."""


class ZaloApiError(ZaloError):
    """The API answered ``{"ok": false, "error_code": N, "description": "..."}``.

    Retrying the same request will not help (a bad chat id, a text too long, a user who
    blocked the bot); the caller decides what to do with ``error_code``.
    """

    def __init__(self, error_code: int, description: str) -> None:
        super().__init__(f"Zalo API error {error_code}: {description}")
        self.error_code = error_code
        self.description = description


class ZaloUnavailable(ZaloError):
    """The API could not be reached or kept failing (network errors, timeouts, 5xx) after the
    configured retries; trying again later may work."""
