"""The Telegram channel: a python-telegram-bot Application wired to the message processor.

It receives by long polling (development) or by webhook (production, when a public base URL
and a secret are configured): then ``routes()`` gives the ``POST /telegram`` endpoint that the
shared web app serves, and ``start()`` registers it with setWebhook.
"""

from __future__ import annotations

import datetime as dtm
import json
import logging
import re
import socket
from typing import Any

from starlette.routing import BaseRoute
from telegram import Update
from telegram.constants import UpdateType
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.channels.base import SharedLimiter, TokenRefused, webhook_address
from bot.channels.runtime import DEFAULT_TYPING_AFTER, ChannelRuntime, Typing
from bot.channels.telegram.buttons import ButtonCodec
from bot.channels.telegram.commands import publish_command_menu
from bot.channels.telegram.polling import Poller
from bot.channels.telegram.replying import ReplySender
from bot.channels.telegram.retries import DEFAULT_RETRY, RetryingRateLimiter
from bot.channels.telegram.routing import UpdateRouter
from bot.channels.telegram.updates import CHANNEL, update_kind
from bot.channels.telegram.webhook import WEBHOOK_PATH, webhook_route
from bot.inbox import Inbox
from bot.processor import MessageProcessor
from bot.retrying import RetryPolicy
from bot.settings import Settings
from conversations.i18n import Catalogues

log = logging.getLogger(__name__)

# Updates the bot acts on (an edited message only to say it is not read); Telegram does not
# even send the others (channel posts, reactions ...), and the router ignores them should they
# come anyway.
ALLOWED_UPDATES: tuple[str, ...] = (
    UpdateType.MESSAGE,
    UpdateType.EDITED_MESSAGE,
    UpdateType.CALLBACK_QUERY,
    UpdateType.MY_CHAT_MEMBER,
)
DEFAULT_POLL_TIMEOUT = dtm.timedelta(seconds=30)
# What Telegram accepts as a webhook secret_token.
WEBHOOK_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def file_base_url(base_url: str) -> str:
    """Where files of the Bot API at ``base_url`` are: ``…/bot`` becomes ``…/file/bot``."""
    head, separator, _ = base_url.rpartition("/bot")
    return f"{head}/file/bot" if separator else base_url.rstrip("/") + "/file/bot"


class TelegramChannel:
    """Serves the conversations on Telegram (polling or webhook)."""

    name = CHANNEL

    def __init__(
        self,
        processor: MessageProcessor,
        catalogues: Catalogues,
        settings: Settings,
        *,
        retry: RetryPolicy = DEFAULT_RETRY,
        poll_timeout: dtm.timedelta = DEFAULT_POLL_TIMEOUT,
        publish_commands: bool = True,
        typing_after: float = DEFAULT_TYPING_AFTER,
        limiter: SharedLimiter[Any] | None = None,
    ) -> None:
        if settings.telegram_token is None:
            raise ValueError("ANTQ_TELEGRAM_TOKEN is not set")
        self.processor = processor
        self.catalogues = catalogues
        self.poll_timeout = poll_timeout
        self.publish_commands = publish_commands
        webhook = webhook_address(settings, WEBHOOK_PATH)
        self.webhook_url, self.webhook_secret = webhook or (None, None)
        secret = self.webhook_secret
        if secret is not None and not WEBHOOK_SECRET_PATTERN.fullmatch(secret):
            raise ValueError("ANTQ_WEBHOOK_SECRET must be 1-256 characters of A-Z a-z 0-9 _ -")

        builder = (
            ApplicationBuilder()
            .token(settings.telegram_token.get_secret_value())
            .base_url(settings.telegram_base_url)
            .base_file_url(file_base_url(settings.telegram_base_url))
            .rate_limiter(RetryingRateLimiter(retry=retry, shared=limiter))
            # The processor serialises each user's messages and the runtime each chat's
            # replies, so updates of different users can be handled at once.
            .concurrent_updates(True)
            .job_queue(None)
            # Updates come by webhook into the inbox, or from our own poller (``Poller``),
            # which confirms them only once they are applied.
            .updater(None)
        )
        self.application: Application = builder.build()  # type: ignore[type-arg]

        self.codec = ButtonCodec()
        self.sender = ReplySender(self.application.bot, self.codec, catalogues)
        self.runtime = ChannelRuntime(
            processor,
            self.sender,
            channel=CHANNEL,
            screen=self.sender.keyboard_after,
            typing=Typing(self.sender.show_typing, typing_after),
            max_age=settings.reply_max_age,
        )
        self.replies = self.runtime.replies
        self.router = UpdateRouter(self.runtime, catalogues, self.codec, self.sender)
        self.application.add_handler(TypeHandler(Update, self.router.handle))
        self.application.add_error_handler(self._on_error)
        self.inbox = Inbox(
            processor.database,
            CHANNEL,
            self._apply_stored,
            spawn=self.runtime.spawn,
            holder=settings.worker_id or socket.gethostname(),
        )
        self.poller: Poller | None = None

    @property
    def webhook_mode(self) -> bool:
        return self.webhook_url is not None

    async def start(self) -> None:
        """Connect (getMe), set the command menu, then poll or register the webhook."""
        application = self.application
        try:
            await application.initialize()
        except InvalidToken:
            raise TokenRefused("Telegram refused the bot token (ANTQ_TELEGRAM_TOKEN)") from None
        if self.publish_commands:
            try:
                await publish_command_menu(application.bot, self.catalogues)
            except TelegramError as error:
                # Only the menu beside the text field is missing; the bot works without it.
                log.warning("setting the telegram command menu failed: %s", type(error).__name__)
        await application.start()
        # What an earlier run stored and could not send goes first, before new answers.
        await self.runtime.start()
        if self.webhook_url is not None:
            await self.inbox.start()
            await application.bot.set_webhook(
                self.webhook_url,
                secret_token=self.webhook_secret,
                allowed_updates=list(ALLOWED_UPDATES),
            )
            log.info("telegram: receiving by webhook")
        else:
            # Telegram refuses getUpdates beside a webhook.
            await application.bot.delete_webhook()
            self.poller = Poller(
                application.bot,
                application.process_update,
                timeout=int(self.poll_timeout.total_seconds()),
                allowed_updates=ALLOWED_UPDATES,
            )
            self.poller.start()
            log.info("telegram: receiving by long polling")

    async def stop(self) -> None:
        """Stop receiving, let running updates finish, close connections.

        The webhook stays registered: Telegram keeps the updates that arrive meanwhile and
        delivers them when the bot is back.
        """
        application = self.application
        if self.poller is not None:
            await self.poller.stop(self.runtime.stop_grace)
        await self.inbox.stop()
        if application.running:
            await application.stop()
        await self.runtime.stop()
        await application.shutdown()

    def routes(self) -> list[BaseRoute]:
        if self.webhook_secret is None:
            return []
        return [webhook_route(self.inbox.receive, self.webhook_secret, self.application.bot)]

    async def _apply_stored(self, payload: str) -> None:
        """Apply one update the inbox stored (its user's turn, in their order)."""
        update = Update.de_json(json.loads(payload), self.application.bot)
        await self.application.process_update(update)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # The class only: an error's text may quote the message or name the user.
        kind = update_kind(update) if isinstance(update, Update) else "non-update"
        log.error("handling a telegram %s update failed: %s", kind, type(context.error).__name__)
