"""What can go wrong when a transport sends one message: one small tree, caught by the sender.

Each error carries ``reason``, the class name of the platform's error: it is what the outbox
and the logs keep, never the platform's description (it may echo the message or a chat id).
"""

from __future__ import annotations


class DeliveryError(Exception):
    """A message could not be sent."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RecipientBlocked(DeliveryError):
    """The user blocked the bot (Telegram 403): never retried, the identity is marked inactive."""


class RateLimited(DeliveryError):
    """The platform asked us to slow down (429) and wait ``retry_after`` seconds."""

    def __init__(self, reason: str, retry_after: float) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


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
