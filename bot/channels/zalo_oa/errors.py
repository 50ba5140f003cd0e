"""What can go wrong when talking to the Zalo OA Open API: ``ZaloOaError`` and its kinds.

Each class is one of the kinds of ``bot.delivery.errors`` (the one tree) and adds only what
the OA says: its codes and how long to wait. The API answers errors with HTTP 200 and
``{"error": <negative code>, "message": ...}`` (ZALO_OA.md §0, §3). Messages never carry a token
nor the API's description (it may echo what was sent).
"""

from __future__ import annotations

from typing import ClassVar

from bot.delivery.errors import (
    CredentialsRefused,
    MaybeSent,
    PermanentFailure,
    PlatformError,
    RateLimited,
    RecipientOutsideWindow,
    TemporaryFailure,
)

# The access token expired or was revoked: refresh it and send once more (ZALO_OA.md §1).
TOKEN_ERRORS = frozenset({-216, -220, -124})
# The user is outside the 7-day customer-service window, or cannot be written to until they
# write to the OA again (not following, inactive, restricted this type): Chatwoot's grouping.
OUTSIDE_WINDOW_ERRORS = frozenset({-213, -217, -227, -230, -232, -244})
# Over the app's 4,000 requests a minute.
RATE_LIMITED = -32
# The OA's message quota is spent (paid messages without credit, or the free count).
QUOTA_EXCEEDED = -211
# Passing faults worth a later try: an expired upload (-100) and the night rule (-234), which
# does not apply to customer-service replies but is not a reason to drop a message either.
PASSING_ERRORS = frozenset({-100, -234})

# -32 names no wait: a minute.
RATE_LIMIT_WAIT = 60.0
# -211 names no wait: the OA's sends pause an hour (or until an admin adds credit).
QUOTA_WAIT = 3600.0
# No usable token pair: until an admin reconnects, what is owed is looked at this often.
NOT_CONNECTED_WAIT = 600.0


class ZaloOaError(PlatformError):
    """Any failure of a Zalo OA call."""


class ZaloOaApiError(ZaloOaError):
    """The API refused the request with ``error`` ``code``. Its kind is said by the subclass:
    :func:`api_error` picks it."""

    # The outbox keeps "ZaloOaError<code>" for a refusal, the class name where the code adds
    # nothing (a rate limit, an expired token).
    reason_names_code: ClassVar[bool] = True

    def __init__(self, code: int, where: str) -> None:
        reason = f"ZaloOaError{code}" if self.reason_names_code else None
        super().__init__(f"Zalo OA {where}: error {code}", reason=reason)
        self.code = code


class ZaloOaRefused(ZaloOaApiError, PermanentFailure):
    """A refusal that repeating will not change (a bad parameter, say)."""


class ZaloOaTokenExpired(ZaloOaApiError, TemporaryFailure):
    """-216 / -220 / -124: the access token is no longer good (refreshed and tried once more;
    if even the renewed one is refused, later)."""

    reason_names_code = False


class ZaloOaOutsideWindow(ZaloOaApiError, RecipientOutsideWindow):
    """The user has not interacted with the OA for 7 days (or cannot be written to now): a
    customer-service message cannot reach them until they write again."""


class ZaloOaRateLimited(ZaloOaApiError, RateLimited):
    """-32: the app is over its request rate; wait and try again."""

    reason_names_code = False
    retry_after = RATE_LIMIT_WAIT


class ZaloOaQuotaExceeded(ZaloOaApiError, RateLimited):
    """-211: the OA's message quota is spent. Not this message's fault: the OA's sends
    pause (``retry_after``), the messages are kept, and /healthz says so."""

    reason_names_code = False
    retry_after = QUOTA_WAIT


class ZaloOaOutsideFreeWindow(ZaloOaError, RecipientOutsideWindow):
    """The user last wrote more than 48 h ago: a message now would be a paid one, which the
    OA is not set to send (``ANTQ_ZALO_OA_PAID_MESSAGES``). Not sent; nothing was asked of
    Zalo."""


class ZaloOaUnavailable(ZaloOaError, TemporaryFailure):
    """The API could not be reached or kept failing (network, 5xx, passing codes) after the
    retries; trying again later may work."""


class ZaloOaMaybeSent(ZaloOaError, MaybeSent):
    """A send timed out after it went out: the OA may have delivered it, so it is not
    repeated blindly."""


class ZaloOaNotConnected(ZaloOaError, CredentialsRefused):
    """No usable token pair: the OA was never connected (``antq zalo-oa connect``), or the
    refresh token was refused and an admin must consent again."""

    retry_after = NOT_CONNECTED_WAIT


def api_error(code: int, where: str) -> ZaloOaApiError:
    """The error class that says what ``code`` means to us."""
    if code in TOKEN_ERRORS:
        return ZaloOaTokenExpired(code, where)
    if code in OUTSIDE_WINDOW_ERRORS:
        return ZaloOaOutsideWindow(code, where)
    if code == RATE_LIMITED:
        return ZaloOaRateLimited(code, where)
    if code == QUOTA_EXCEEDED:
        return ZaloOaQuotaExceeded(code, where)
    return ZaloOaRefused(code, where)
