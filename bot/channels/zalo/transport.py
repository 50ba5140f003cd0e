"""The outbox's way to Zalo: our own ``ZaloClient.send_message``, with Zalo's errors told as
the ``bot.delivery.errors`` tree.

The client already retries network errors and 5xx answers a few times (waiting out a 429's
retry_after); what still fails reaches the sender as a ``TemporaryFailure`` and is retried
later with backoff.
"""

from __future__ import annotations

from collections.abc import Awaitable

from bot.channels.zalo.client import ZaloClient
from bot.channels.zalo.errors import BLOCKED_ERROR_CODES, ZaloApiError, ZaloError
from bot.channels.zalo.texts import MAX_TEXT_LENGTH
from bot.delivery.errors import (
    PermanentFailure,
    RateLimited,
    RecipientBlocked,
    TemporaryFailure,
)
from bot.delivery.transports import Close
from bot.settings import Settings

# A 429 that comes back as an ``ok: false`` answer: wait this long when it names no time.
DEFAULT_RETRY_AFTER = 5.0


class ZaloTransport:
    """Sends outbox texts through a ``ZaloClient`` (which splits texts over 2,000 characters)."""

    def __init__(
        self, client: ZaloClient, *, blocked_error_codes: frozenset[int] = BLOCKED_ERROR_CODES
    ) -> None:
        self.client = client
        self.blocked_error_codes = blocked_error_codes

    async def send_text(self, chat_id: str, text: str) -> None:
        await self._call(self.client.send_message(chat_id, text))

    async def send_photo(self, chat_id: str, file_id: str, text: str) -> None:
        """The picture (a Zalo photo's URL) with the text as its caption when it fits; else
        the picture, then the text."""
        if len(text) <= MAX_TEXT_LENGTH:
            await self._call(self.client.send_photo(chat_id, file_id, text))
            return
        await self._call(self.client.send_photo(chat_id, file_id))
        await self.send_text(chat_id, text)

    async def _call(self, request: Awaitable[object]) -> None:
        try:
            await request
        except ZaloApiError as error:
            reason = f"ZaloApiError{error.error_code}"
            if error.error_code in self.blocked_error_codes:
                raise RecipientBlocked(reason) from error
            if error.error_code == 429:
                raise RateLimited(reason, DEFAULT_RETRY_AFTER) from error
            raise PermanentFailure(reason) from error
        except ZaloError as error:
            raise TemporaryFailure(type(error).__name__) from error


async def open_transport(settings: Settings, max_connections: int) -> tuple[ZaloTransport, Close]:
    """A transport on its own ``ZaloClient`` with ``max_connections``, and how to close it."""
    token = settings.zalo_token
    assert token is not None
    client = ZaloClient(
        token.get_secret_value(), base_url=settings.zalo_base_url, max_connections=max_connections
    )
    return ZaloTransport(client), client.aclose
