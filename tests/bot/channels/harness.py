"""Test harness: our TelegramChannel, a real MessageProcessor and the fake Bot API server.

``TelegramUser`` plays a person with a phone: they write, tap buttons, share a location or a
photo through the fake server, and wait for the bot's answer the way a person reads it.
"""

from __future__ import annotations

import datetime as dtm
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from bot.channels.telegram import TelegramChannel
from bot.processor import MessageProcessor
from bot.retrying import RetryPolicy
from bot.sealing import Sealer
from bot.settings import Settings
from bot.web.app import build_web_app
from conversations.menu import build_engine
from storage.database import Database
from tests.conversations.harness import CATALOGUES, t
from tests.fakes.asgi_server import LoopbackASGIServer
from tests.fakes.telegram_server import FakeTelegramServer

USER = 7391846205
SECRET = "s3cret_Webhook-token"
# Retries in tests pause for milliseconds, not seconds.
FAST_RETRY = RetryPolicy(attempts=4, first_delay=0.01, multiplier=2.0, max_delay=0.05)


def make_processor(database: Database) -> MessageProcessor:
    return MessageProcessor(
        database, build_engine(CATALOGUES), Sealer(bytes(range(32))), CATALOGUES
    )


def telegram_settings(server: FakeTelegramServer, webhook_base_url: str | None = None) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_token=server.token,
        telegram_base_url=server.base_url,
        webhook_base_url=webhook_base_url,
        webhook_secret=SECRET if webhook_base_url else None,
    )


def new_channel(
    database: Database,
    server: FakeTelegramServer,
    webhook_base_url: str | None = None,
    **options: Any,
) -> TelegramChannel:
    return TelegramChannel(
        make_processor(database),
        CATALOGUES,
        telegram_settings(server, webhook_base_url),
        retry=FAST_RETRY,
        poll_timeout=dtm.timedelta(seconds=5),
        **options,
    )


@asynccontextmanager
async def polling_bot(
    database: Database, server: FakeTelegramServer, **options: Any
) -> AsyncIterator[TelegramChannel]:
    """Our bot receiving by long polling from ``server``."""
    channel = new_channel(database, server, **options)
    await channel.start()
    try:
        yield channel
    finally:
        await channel.stop()


@dataclass
class WebhookBot:
    channel: TelegramChannel
    url: str


@asynccontextmanager
async def webhook_bot(database: Database, server: FakeTelegramServer) -> AsyncIterator[WebhookBot]:
    """Our bot behind the real web app (uvicorn on a loopback port), registered as webhook."""
    async with LoopbackASGIServer() as web:
        channel = new_channel(database, server, web.url)
        await channel.start()
        try:
            await web.start(build_web_app(database, channel.routes()))
            yield WebhookBot(channel, f"{web.url}/telegram")
        finally:
            await web.stop()
            await channel.stop()


def button_data(message: dict[str, Any], label: str) -> str:
    """The callback_data of the inline button labelled ``label`` in ``message``."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    for row in rows:
        for button in row:
            if button["text"] == label:
                return str(button["callback_data"])
    raise AssertionError(f"no button {label!r} in {rows}")


class TelegramUser:
    """One person in a private chat with the bot."""

    def __init__(self, server: FakeTelegramServer, user_id: int = USER) -> None:
        self.server = server
        self.user_id = user_id
        self._seen = 0

    @property
    def received(self) -> list[dict[str, Any]]:
        return self.server.sent_messages(self.user_id)

    def says(self, text: str, **kwargs: Any) -> int:
        self._seen = len(self.received)
        return self.server.user_sends_text(self.user_id, text, **kwargs)

    def taps(
        self, message: dict[str, Any], label_key: str, *, stale: bool = False, locale: str = "vi"
    ) -> int:
        """Tap the button labelled ``t(label_key)`` of ``message`` (a message the bot sent).

        ``stale`` taps the keyboard the message was sent with, as an app that has not yet
        shown the removal would, even if the bot has removed it since."""
        self._seen = len(self.received)
        shown = message if stale else self.current(message)
        data = button_data(shown, t(label_key, locale))
        return self.server.user_taps_button(
            self.user_id, message["message_id"], data, strict=not stale
        )

    def shares_location(self, latitude: float, longitude: float) -> int:
        self._seen = len(self.received)
        return self.server.user_shares_location(self.user_id, latitude, longitude)

    def sends_photo(self, **kwargs: Any) -> int:
        self._seen = len(self.received)
        return self.server.user_sends_photo(self.user_id, **kwargs)

    def sends_sticker(self) -> int:
        self._seen = len(self.received)
        return self.server.user_sends_sticker(self.user_id)

    def current(self, message: dict[str, Any]) -> dict[str, Any]:
        """The message as the user's app shows it now (edits applied)."""
        shown = self.server.message(self.user_id, message["message_id"])
        assert shown is not None
        return shown

    async def reads(
        self, key: str, *, buttons: bool = False, locale: str = "vi", **params: object
    ) -> dict[str, Any]:
        """Wait for a new message containing ``t(key)`` in ``locale``; with ``buttons`` also
        for its inline keyboard (which may come by an edit right after the message)."""
        expected = t(key, locale, **params)

        def arrived() -> dict[str, Any] | None:
            for message in self.received[self._seen :]:
                # A file's words are its caption.
                if expected in message.get("text", message.get("caption", "")):
                    if buttons and "reply_markup" not in self.current(message):
                        return None
                    return message
            return None

        found: dict[str, Any] = await self.server.wait_for(arrived)
        self._seen = self.received.index(found) + 1
        return found
