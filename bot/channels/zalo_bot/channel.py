"""The Zalo channel: receives updates by long polling or webhook and answers through the engine.

Zalo has no buttons, so every reply is plain text and choices are numbered lists answered by
number or words, as on the console. The channel runtime (``bot.channels.runtime``) answers a
chat's messages one after another, so replies keep the order of the messages they answer;
different chats run concurrently.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import socket
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.channels.base import SharedLimiter, webhook_address
from bot.channels.runtime import DEFAULT_STOP_GRACE, ChannelRuntime, counted
from bot.channels.texts import FILE_MARK, text_parts
from bot.channels.zalo_bot.client import ZaloClient
from bot.channels.zalo_bot.errors import (
    QUOTA_WAIT,
    TOKEN_WAIT,
    ZaloApiError,
    ZaloError,
    ZaloMaybeSent,
    ZaloQuotaExceeded,
    ZaloTokenRejected,
)
from bot.channels.zalo_bot.inbound import CHANNEL, to_inbound
from bot.channels.zalo_bot.updates import PRIVATE_CHAT, ZaloUpdate, parse_update
from bot.inbox import Delivery, Inbox
from bot.observability import metrics
from bot.processor import MessageProcessor
from bot.reply_path import Batch
from bot.reply_path.dispatcher import Progress, SendResult, Sent, send_parts
from bot.settings import Settings
from conversations.i18n import N_, Catalogues
from conversations.replies import Media, Reply, Text

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/zalo"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
SECRET_LENGTHS = range(8, 257)  # what setWebhook accepts
# How deleteWebhook answers a bot that has no webhook to delete.
NO_WEBHOOK_CODES = frozenset({400, 404})


class ZaloChannel:
    """The Zalo Bot Platform as a :class:`bot.channels.base.Channel`.

    Webhook mode when ``settings.webhook_mode`` (``POST /zalo`` on the shared web app, the
    webhook registered with the secret on start), long polling otherwise.
    """

    name = CHANNEL

    def __init__(
        self,
        processor: MessageProcessor,
        catalogues: Catalogues,
        settings: Settings,
        *,
        client: ZaloClient | None = None,
        poll_wait: float = 30.0,
        poll_first_delay: float = 1.0,
        poll_max_delay: float = 30.0,
        stop_grace: float = DEFAULT_STOP_GRACE,
        quota_wait: float = QUOTA_WAIT,
        token_wait: float = TOKEN_WAIT,
        limiter: SharedLimiter[Any] | None = None,
    ) -> None:
        if settings.zalo_token is None:
            raise ValueError("ANTQ_ZALO_TOKEN is not set")
        self.processor = processor
        self.catalogues = catalogues
        self.client = client or ZaloClient(
            settings.zalo_token.get_secret_value(), base_url=settings.zalo_base_url
        )
        # Shared with the outbox sender (bot.app.Application.limiters): replies go first.
        self.limiter = limiter
        webhook = webhook_address(settings, WEBHOOK_PATH)
        self.webhook_url, secret = webhook or (None, "")
        self._secret = secret.encode()
        self.poll_wait = poll_wait
        self.poll_first_delay = poll_first_delay
        self.poll_max_delay = poll_max_delay
        # Set while Zalo refuses the token (401): nothing goes out, nothing is dropped.
        self.token_refused = False
        self.quota_wait = quota_wait
        self.token_wait = token_wait
        self.runtime = ChannelRuntime(
            processor, self, channel=CHANNEL, max_age=settings.reply_max_age, stop_grace=stop_grace
        )
        self.replies = self.runtime.replies
        self._poller: asyncio.Task[None] | None = None
        self.inbox = Inbox(
            processor.database,
            CHANNEL,
            self._apply_stored,
            spawn=self.runtime.spawn,
            holder=settings.worker_id or socket.gethostname(),
        )

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Check the token, register the webhook or clear it for polling, then send what an
        earlier run left unsent and start receiving. What can fail on the platform's side
        comes first: a start that failed can be tried again (``bot.channels.supervision``)."""
        me = await self.client.get_me()
        if self.webhook_url is not None:
            if len(self._secret.decode()) not in SECRET_LENGTHS:
                raise ValueError("Zalo needs ANTQ_WEBHOOK_SECRET of 8 to 256 characters")
            await self.client.set_webhook(self.webhook_url, self._secret.decode())
        else:
            await self._clear_webhook()
        await self.runtime.start()
        if self.webhook_url is not None:
            await self.inbox.start()
            log.info("zalo bot %s receives by webhook", me.account_name)
        else:
            self._poller = asyncio.create_task(self._poll(), name="zalo-polling")
            log.info("zalo bot %s receives by long polling", me.account_name)

    async def _clear_webhook(self) -> None:
        """getUpdates answers nothing while a webhook is registered (say, by an earlier run).
        A bot that never had one is answered 400 or 404: nothing to clear."""
        try:
            await self.client.delete_webhook()
        except ZaloApiError as error:
            if error.error_code not in NO_WEBHOOK_CODES:
                raise
            log.info("zalo bot: no webhook to delete (error %d)", error.error_code)

    async def stop(self) -> None:
        """Stop polling, let updates being answered finish (up to ``stop_grace``), disconnect.

        The webhook stays registered: Zalo keeps the events for the next start.
        """
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
        await self.inbox.stop()
        await self.runtime.stop()
        await self.client.aclose()

    async def drain(self, seconds: float | None = None) -> bool:
        """Wait until every update received so far has been answered and its replies sent."""
        return await self.runtime.drain(seconds)

    @property
    def polling(self) -> bool:
        """True while the long-polling loop runs."""
        return self._poller is not None and not self._poller.done()

    def health_problems(self) -> list[str]:
        """What an operator must fix, for /healthz (bot.channels.base.ChannelHealth)."""
        if self.token_refused:
            return ["zalo: the bot token was refused (401); set a new ANTQ_ZALO_TOKEN"]
        return []

    def routes(self) -> list[BaseRoute]:
        if self.webhook_url is None:
            return []
        return [Route(WEBHOOK_PATH, self._receive_webhook, methods=["POST"])]

    # -- receiving ---------------------------------------------------------------------------

    async def _receive_webhook(self, request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return JSONResponse({"ok": False, "description": "Forbidden"}, status_code=403)
        try:
            payload: Any = await request.json()
        except ValueError:
            return JSONResponse({"ok": False, "description": "Bad Request"}, status_code=400)
        update = parse_update(payload)
        if update is not None:
            # Stored before the request returns, so that Zalo delivers it again if we die
            # first; applied after it, in the user's order (``bot.inbox``).
            message = update.message
            delivery = Delivery(
                message.user_id,
                update.delivery_key,
                message.date_ms or 0,
                json.dumps(payload, ensure_ascii=False),
            )
            await self.inbox.receive(delivery)
        return JSONResponse({"ok": True})

    async def _apply_stored(self, payload: str) -> None:
        update = parse_update(json.loads(payload))
        if update is not None:
            await self.handle(update)

    async def _poll(self) -> None:
        failures = 0
        while True:
            try:
                update = await self.client.get_updates(self.poll_wait)
            except ZaloTokenRejected:
                self._token_refused()
                await asyncio.sleep(self.token_wait)
                continue
            except ZaloQuotaExceeded:
                log.warning("zalo quota exceeded; polling again in %.0f s", self.quota_wait)
                await asyncio.sleep(self.quota_wait)
                continue
            except Exception as error:
                # Network trouble and refusals are expected now and then (and a malformed
                # answer must not end the bot's only way of hearing users): wait, poll again.
                failures += 1
                delay = min(self.poll_first_delay * 2 ** (failures - 1), self.poll_max_delay)
                reason = _reason(error) if isinstance(error, ZaloError) else type(error).__name__
                log.warning("zalo getUpdates failed (%s); retrying in %.1fs", reason, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            self.token_refused = False
            if update is not None:
                self.runtime.spawn(self.handle(update))

    # -- answering ---------------------------------------------------------------------------

    async def handle(self, update: ZaloUpdate) -> None:
        """Answer one update: process it (the replies are stored with the new state), then
        hand the replies to the dispatcher, which sends each chat's in order.

        Never raises: the processor answers its own failures with an apology, and a
        redelivery of the update finds its stored replies.
        """
        try:
            await self._answer(update)
        except Exception:
            log.exception("answering a zalo update failed")

    async def _answer(self, update: ZaloUpdate) -> None:
        message = update.message
        if message.is_bot:
            return
        if message.chat_type != PRIVATE_CHAT:
            # A tip must never be given where others read along: send people to a 1:1 chat.
            notice = Text(self.catalogues.text(None, N_("zalo_bot.private_only")))
            await self.runtime.say(message.chat_id, message.user_id, (notice,))
            return
        await self.runtime.answer(to_inbound(update))

    # -- sending (bot.reply_path.dispatcher.BatchSender) --------------------------------------

    async def send_batch(self, batch: Batch, progress: Progress) -> SendResult:
        """Send the replies as one text (the client splits it past 2,000 characters), with a
        forwarded photo as a message of its own where it belongs.

        One message per answer rather than one per reply: Zalo shows no buttons that would
        need a message of their own, and fewer calls keep us well under a rate limit that
        Zalo does not publish.
        """

        async def send(part: str | Media) -> SendResult | None:
            try:
                async with counted(self.limiter, batch.chat_id):
                    if isinstance(part, str):
                        await self.client.send_message(batch.chat_id, part)
                    else:
                        await self._send_photo(batch.chat_id, part)
            except ZaloMaybeSent:
                # Zalo may have shown it: a second copy is worse than a missing one.
                log.warning("a zalo reply timed out after it went out; not sent again")
            except ZaloTokenRejected:
                self._token_refused()
                return SendResult(Sent.RETRY, retry_after=self.token_wait)
            except ZaloQuotaExceeded:
                log.warning("zalo quota exceeded; replies wait %.0f s", self.quota_wait)
                metrics.rate_limited(CHANNEL, "reply")
                return SendResult(Sent.RETRY, retry_after=self.quota_wait)
            except ZaloApiError as error:
                # This message can never go as it is; the rest may.
                log.warning("zalo refused a reply: %s", _reason(error))
            except ZaloError as error:
                log.warning("zalo send failed (%s); the reply stays stored", _reason(error))
                return SendResult(Sent.RETRY)
            self.token_refused = False
            return None

        return await send_parts(batch, zalo_parts(batch.replies), send, progress)

    def _token_refused(self) -> None:
        if not self.token_refused:
            log.error(
                "zalo refused the bot token (401, invalid or reset): the channel is paused, "
                "replies and the outbox are kept; set a new ANTQ_ZALO_TOKEN and restart"
            )
        self.token_refused = True

    async def _send_photo(self, chat_id: str, media: Media) -> None:
        """Send a forwarded photo by its URL; its caption line instead when Zalo refuses it
        (the picture expired, say)."""
        try:
            await self.client.send_photo(chat_id, media.file_id, media.text)
        except ZaloApiError as error:
            log.info("zalo sendPhoto refused a stored photo: %s", _reason(error))
            await self.client.send_message(chat_id, FILE_MARK + media.lost)


def zalo_parts(replies: tuple[Reply, ...]) -> list[str | Media]:
    """The messages that show ``replies`` on Zalo: texts joined into one, photos apart."""
    return text_parts(replies, shows=shows_on_zalo)


def shows_on_zalo(media: Media) -> bool:
    """Zalo sends pictures by URL: a photo that came from Zalo, never a Telegram file id."""
    return media.channel == CHANNEL and media.kind == "photo"


def _reason(error: ZaloError) -> str:
    """Something safe to log: the code or class, never the description (it may echo input)."""
    if isinstance(error, ZaloApiError):
        return f"error {error.error_code}"
    return str(error)
