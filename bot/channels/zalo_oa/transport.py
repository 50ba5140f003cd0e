"""The outbox's way to the OA. The OA's errors are kinds of the ``bot.delivery.errors`` tree,
so the sender reads them as they come.

A reminder or a broadcast is a customer-service message too, so it reaches only users who
wrote to the OA in the last 7 days: past that the API refuses it (-230 and kin) and the row is
finished as "outside window" — not blocked (the user did nothing wrong, and is reachable again
once they write), not retried (it would be refused until then). -32 pauses the channel for a
minute; a missing or refused token pair pauses it until an admin reconnects, rows kept.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.channels.texts import split_text
from bot.channels.zalo_oa.client import MAX_TEXT_LENGTH, ZaloOaClient
from bot.channels.zalo_oa.errors import ZaloOaMaybeSent
from bot.channels.zalo_oa.tokens import TokenKeeper, with_fresh_token

log = logging.getLogger(__name__)


class ZaloOaTransport:
    """Sends outbox texts (and photos by URL) as customer-service messages."""

    def __init__(self, client: ZaloOaClient, tokens: TokenKeeper) -> None:
        self.client = client
        self.tokens = tokens

    async def send_text(self, chat_id: str, text: str) -> None:
        for part in split_text(text, MAX_TEXT_LENGTH):
            await self._call(lambda token, part=part: self.client.send_text(token, chat_id, part))

    async def send_photo(self, chat_id: str, file_id: str, text: str) -> None:
        """The picture (a Zalo photo's URL) with the text as its caption when it fits; else
        the picture, then the text."""
        if not file_id.startswith(("https://", "http://")):
            await self.send_text(chat_id, text)  # another platform's file id
            return
        caption = text if len(text) <= MAX_TEXT_LENGTH else None
        await self._call(lambda token: self.client.send_image(token, chat_id, file_id, caption))
        if caption is None:
            await self.send_text(chat_id, text)

    async def _call(self, send: Callable[[str], Awaitable[object]]) -> None:
        try:
            await with_fresh_token(self.tokens, send)
        except ZaloOaMaybeSent:
            log.warning("a zalo oa outbox send timed out after it went out; not sent again")
