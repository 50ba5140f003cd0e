"""The one thing a sender needs from a platform: send this text to that chat.

Adapters (``telegram_transport``, ``zalo_transport``) turn the platform's errors into the
``bot.delivery.errors`` tree; tests and benchmarks pass their own transports.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


class Transport(Protocol):
    """Sends one text message to one chat, splitting it when the platform needs that.

    Raises ``RecipientBlocked``, ``RateLimited``, ``TemporaryFailure`` or ``PermanentFailure``.
    """

    async def send_text(self, chat_id: str, text: str) -> None: ...


@runtime_checkable
class PhotoTransport(Protocol):
    """A transport that can also send a photo (by the platform's file id) with a text."""

    async def send_text(self, chat_id: str, text: str) -> None: ...

    async def send_photo(self, chat_id: str, file_id: str, text: str) -> None: ...
