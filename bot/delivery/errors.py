"""What can go wrong when we ask a messaging platform for something: the one error tree.

Every platform's errors subclass one of the kinds below and add only their codes
(``bot.channels.zalo_bot.errors``, ``bot.channels.zalo_oa.errors``; Telegram's transport tells
python-telegram-bot's errors as these kinds). The outbox sender and a channel's reply
dispatcher catch the kinds, never a platform's class, to decide what happens to a message: sent,
tried again later, waited for, or given up.

The tree lives here, not in ``bot.channels``, because delivery must not import the channels
(import-linter) while the channels may import delivery's interface: the transports and these
errors.

Each error carries ``reason``: what the outbox and the logs keep (by default the class name),
never the platform's description, which may echo the message or a chat id.
"""

from __future__ import annotations


class DeliveryError(Exception):
    """A platform did not do what we asked: the root every platform's errors share."""

    def __init__(self, reason: str | None = None, *, detail: str | None = None) -> None:
        self.reason = reason or type(self).__name__
        super().__init__(detail or self.reason)


class PlatformError(DeliveryError):
    """The root of one platform API client's errors (``ZaloError``, ``ZaloOaError``): raised
    with a message for the logs, its ``reason`` the class name unless a subclass says more.
    Each subclass is also one of the kinds below."""

    def __init__(self, detail: str = "", *, reason: str | None = None) -> None:
        super().__init__(reason, detail=detail or None)


class RecipientBlocked(DeliveryError):
    """The user blocked the bot (Telegram 403): never retried, the identity is marked inactive."""


class RateLimited(DeliveryError):
    """The platform asked us to slow down (429) and wait ``retry_after`` seconds. A platform
    whose answer names no wait sets a class default."""

    retry_after: float = 60.0

    def __init__(
        self,
        reason: str | None = None,
        retry_after: float | None = None,
        *,
        detail: str | None = None,
    ) -> None:
        super().__init__(reason, detail=detail)
        if retry_after is not None:
            self.retry_after = retry_after


class CredentialsRefused(RateLimited):
    """The platform refused our token (reset, revoked, never connected): nothing goes until an
    operator fixes it. Messages wait ``retry_after`` and are tried again, their attempts not
    counted."""

    retry_after = 600.0


class RecipientAway(DeliveryError):
    """The recipient's chat is not open where this transport can reach it (a terminal chat of
    another console user): the message waits for it, its attempt not counted."""


class TemporaryFailure(DeliveryError):
    """The network or the platform failed; the same message may go through later."""


class PermanentFailure(DeliveryError):
    """The platform refused this message for good (chat not found, bad request)."""


class RecipientOutsideWindow(DeliveryError):
    """The platform lets us write to this user only for a while after they last wrote (the
    Zalo OA's 7-day customer-service window): the message is finished as "outside window",
    not retried, and the identity is not marked blocked (it is reachable once they write)."""


class MaybeSent(DeliveryError):
    """A send timed out (or the connection broke) after the request went out: the platform may
    have delivered it. Sending it again could show the user the same message twice, so it is
    counted as sent and never repeated blindly."""
