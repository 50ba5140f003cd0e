"""The outbox's way to Zalo: our own ``ZaloClient.send_message``.

Zalo's errors are already kinds of the ``bot.delivery.errors`` tree, so the sender reads them
as they come: the client has retried network errors, 5xx, 403 and 408 a few times, and what
still fails is a ``TemporaryFailure`` the sender retries later with backoff. Nothing Zalo says
means "the user blocked the bot", so no outbox row is ever marked blocked here. A 401 (the
token was reset) and a 429 pause the whole channel, the rows kept and their attempts not
counted; a send that timed out after it went out counts as sent (never twice).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable

from bot.channels.zalo_bot.client import ZaloClient
from bot.channels.zalo_bot.errors import ZaloMaybeSent, ZaloTokenRejected
from bot.channels.zalo_bot.texts import MAX_TEXT_LENGTH
from bot.delivery.transports import Close
from bot.settings import Settings

log = logging.getLogger(__name__)


class ZaloTransport:
    """Sends outbox texts through a ``ZaloClient`` (which splits texts over 2,000 characters)."""

    def __init__(self, client: ZaloClient) -> None:
        self.client = client

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
        except ZaloMaybeSent:
            log.warning("a zalo outbox send timed out after it went out; not sent again")
        except ZaloTokenRejected:
            log.error("zalo refused the bot token (401): the outbox waits for a new token")
            raise


async def open_transport(settings: Settings, max_connections: int) -> tuple[ZaloTransport, Close]:
    """A transport on its own ``ZaloClient`` with ``max_connections``, and how to close it."""
    token = settings.zalo_token
    assert token is not None
    client = ZaloClient(
        token.get_secret_value(), base_url=settings.zalo_base_url, max_connections=max_connections
    )
    return ZaloTransport(client), client.aclose
