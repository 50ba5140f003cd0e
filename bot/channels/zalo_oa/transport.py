"""The outbox's way to the OA. The OA's errors are kinds of the ``bot.delivery.errors`` tree,
so the sender reads them as they come.

A reminder or a broadcast is a customer-service message too, so it reaches only users who
wrote to the OA in the last 7 days: past that the API refuses it (-230 and kin) and the row is
finished as "outside window" — not blocked (the user did nothing wrong, and is reachable again
once they write), not retried (it would be refused until then). -32 pauses the channel for a
minute; -211 (the OA's quota spent) for an hour, shown on /healthz; a missing or refused token
pair pauses it until an admin reconnects, rows kept.

Past 48 h since the user last wrote, a message is a paid one: unless the OA is set to send
those (``ANTQ_ZALO_OA_PAID_MESSAGES``), such a row is finished as "outside window" without
asking Zalo.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.channels.texts import split_text
from bot.channels.zalo_oa.client import MAX_TEXT_LENGTH, ZaloOaClient
from bot.channels.zalo_oa.errors import (
    ZaloOaMaybeSent,
    ZaloOaOutsideFreeWindow,
    ZaloOaQuotaExceeded,
)
from bot.channels.zalo_oa.tokens import TokenKeeper, with_fresh_token
from storage.zalo_oa_window import inside_free_window

log = logging.getLogger(__name__)


class ZaloOaTransport:
    """Sends outbox texts (and photos by URL) as customer-service messages."""

    def __init__(
        self,
        client: ZaloOaClient,
        tokens: TokenKeeper,
        *,
        paid_messages: bool = False,
        on_quota: Callable[[], None] | None = None,
    ) -> None:
        self.client = client
        self.tokens = tokens
        self.paid_messages = paid_messages
        self.on_quota = on_quota

    async def send_text(self, chat_id: str, text: str) -> None:
        await self._check_free(chat_id)
        for part in split_text(text, MAX_TEXT_LENGTH):
            await self._call(lambda token, part=part: self.client.send_text(token, chat_id, part))

    async def send_photo(self, chat_id: str, file_id: str, text: str) -> None:
        """The picture (a Zalo photo's URL) with the text as its caption when it fits; else
        the picture, then the text."""
        if not file_id.startswith(("https://", "http://")):
            await self.send_text(chat_id, text)  # another platform's file id
            return
        await self._check_free(chat_id)
        caption = text if len(text) <= MAX_TEXT_LENGTH else None
        await self._call(lambda token: self.client.send_image(token, chat_id, file_id, caption))
        if caption is None:
            await self.send_text(chat_id, text)

    async def _check_free(self, chat_id: str) -> None:
        if self.paid_messages:
            return
        database = self.tokens.database
        async with database.transaction() as session:
            free = await inside_free_window(session, chat_id, self.tokens.clock())
        if not free:
            raise ZaloOaOutsideFreeWindow("past the free 48 h: a paid message, not sent")

    async def _call(self, send: Callable[[str], Awaitable[object]]) -> None:
        try:
            await with_fresh_token(self.tokens, send)
        except ZaloOaQuotaExceeded:
            if self.on_quota is not None:
                self.on_quota()
            raise
        except ZaloOaMaybeSent:
            log.warning("a zalo oa outbox send timed out after it went out; not sent again")
