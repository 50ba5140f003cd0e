"""A loopback fake of the Telegram Bot API for end-to-end tests, in parts: ``server`` (state
and HTTP), ``users`` (what users do), ``methods``, ``validation``, ``formatting``,
``waiting``, ``webhooks``, ``records`` and ``spec``.

The real python-telegram-bot ``Application`` talks to :class:`FakeTelegramServer` over HTTP::

    async with FakeTelegramServer() as server:
        app = (
            ApplicationBuilder()
            .token(server.token)
            .base_url(server.base_url)
            .base_file_url(server.base_file_url)
            .build()
        )

Every request is validated against the machine-readable Bot API description
(``shared/specs/telegram-bot-api.json``): unknown methods and parameters, missing required
parameters, wrong basic types, over-long texts and captions, invalid ``callback_data`` and
malformed keyboards are answered the way Telegram answers them and are recorded in
:attr:`FakeTelegramServer.rejected`, so a test can assert that the bot made no invalid request.

Updates are built by helpers that mimic a real client (``user_sends_text``,
``user_taps_button`` ...) and are served by ``getUpdates`` (long polling) or POSTed to the
webhook registered with ``setWebhook``.
"""

from tests.fakes.telegram_server.records import RecordedCall, UploadedFile, WebhookDelivery
from tests.fakes.telegram_server.server import FakeTelegramServer
from tests.fakes.telegram_server.spec import DEFAULT_TOKEN, MAX_TEXT_LENGTH, load_spec

__all__ = [
    "DEFAULT_TOKEN",
    "MAX_TEXT_LENGTH",
    "FakeTelegramServer",
    "RecordedCall",
    "UploadedFile",
    "WebhookDelivery",
    "load_spec",
]
