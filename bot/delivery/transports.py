"""The one thing a sender needs from a platform: send this text to that chat.

Adapters (``telegram_transport``, ``zalo_transport``) turn the platform's errors into the
``bot.delivery.errors`` tree; tests and benchmarks pass their own transports.
"""

from __future__ import annotations

from typing import Protocol


class Transport(Protocol):
    """Sends one text message to one chat, splitting it when the platform needs that.

    Raises ``RecipientBlocked``, ``RateLimited``, ``TemporaryFailure`` or ``PermanentFailure``.
    """

    async def send_text(self, chat_id: str, text: str) -> None: ...
