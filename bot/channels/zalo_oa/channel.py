"""The Zalo OA channel: the signed webhook in, customer-service messages out.

``POST /zalo-oa`` on the shared web app: a body whose signature is wrong (or missing) gets 403
and is not read further. A user's message is run through the processor, which stores the new
state with the replies (and remembers the delivery's ``msg_id``, so a redelivery is answered
once); the webhook answers 200 right after that commit, well within Zalo's 2 s, and the
dispatcher sends the replies afterwards, each chat's in order. Every send uses the token
keeper's access token; when the API says it expired, the keeper refreshes it (once, whoever
asks) and the message is sent once more.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.channels.base import SharedLimiter
from bot.channels.runtime import DEFAULT_STOP_GRACE, ChannelRuntime, counted
from bot.channels.texts import FILE_MARK
from bot.channels.zalo_oa.client import ZaloOaClient
from bot.channels.zalo_oa.errors import (
    NOT_CONNECTED_WAIT,
    QUOTA_WAIT,
    RATE_LIMIT_WAIT,
    ZaloOaApiError,
    ZaloOaError,
    ZaloOaMaybeSent,
    ZaloOaNotConnected,
    ZaloOaOutsideWindow,
    ZaloOaQuotaExceeded,
    ZaloOaRateLimited,
    ZaloOaTokenExpired,
)
from bot.channels.zalo_oa.events import (
    CHANNEL,
    UNFOLLOW,
    OaEvent,
    parse_event,
    to_inbounds,
    update_key,
)
from bot.channels.zalo_oa.officers import OfficerConversations
from bot.channels.zalo_oa.rendering import oa_parts
from bot.channels.zalo_oa.signature import SIGNATURE_HEADER, is_signed
from bot.channels.zalo_oa.tokens import TokenKeeper, with_fresh_token
from bot.channels.zalo_oa.transport import ZaloOaTransport
from bot.delivery.transports import Close
from bot.inbox import Delivery, Inbox
from bot.observability import metrics
from bot.processor import MessageProcessor
from bot.reply_path import Batch
from bot.reply_path.dispatcher import Progress, SendResult, Sent, send_parts
from bot.settings import Settings
from conversations.i18n import Catalogues
from conversations.replies import Media
from storage.people.members import mark_identity_inactive

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/zalo-oa"
# The scheduled refresh looks again at least this many seconds later.
MIN_REFRESH_WAIT = 60.0


class ZaloOaChannel:
    """One Zalo Official Account as a :class:`bot.channels.base.Channel` (webhook only)."""

    name = CHANNEL

    def __init__(
        self,
        processor: MessageProcessor,
        catalogues: Catalogues,
        settings: Settings,
        *,
        client: ZaloOaClient | None = None,
        tokens: TokenKeeper | None = None,
        limiter: SharedLimiter[Any] | None = None,
        rate_limit_wait: float = RATE_LIMIT_WAIT,
        not_connected_wait: float = NOT_CONNECTED_WAIT,
        stop_grace: float = DEFAULT_STOP_GRACE,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        oa = settings.zalo_oa
        if oa is None:
            raise ValueError(
                "the Zalo OA needs ANTQ_ZALO_OA_APP_ID, ANTQ_ZALO_OA_APP_SECRET, "
                "ANTQ_ZALO_OA_SECRET_KEY and ANTQ_ZALO_OA_ID"
            )
        self.processor = processor
        self.catalogues = catalogues
        self.app_id = oa.app_id
        self.oa_id = oa.oa_id
        self._secret_key = oa.secret_key
        self.client = client or ZaloOaClient(api_url=oa.api_url, oauth_url=oa.oauth_url)
        self.tokens = tokens or TokenKeeper(
            processor.database,
            processor.sealer,
            self.client,
            app_id=oa.app_id,
            app_secret=oa.app_secret,
            oa_id=oa.oa_id,
            clock=processor.clock,
        )
        self.limiter = limiter
        self.rate_limit_wait = rate_limit_wait
        self.not_connected_wait = not_connected_wait
        self.runtime = ChannelRuntime(
            processor, self, channel=CHANNEL, max_age=settings.reply_max_age, stop_grace=stop_grace
        )
        self.inbox = Inbox(
            processor.database,
            CHANNEL,
            self._apply_stored,
            spawn=self.runtime.spawn,
            holder=settings.worker_id or socket.gethostname(),
        )
        self.replies = self.runtime.replies
        self.officers = OfficerConversations(
            processor.database,
            timedelta(minutes=settings.zalo_oa_officer_pause_minutes),
            processor.clock,
        )
        self.anonymous_messages = 0  # since start: how many could not be answered
        self.warn_before = timedelta(days=settings.zalo_oa_refresh_token_warn_days)
        self.paid_messages = settings.zalo_oa_paid_messages
        self.quota_until: datetime | None = None
        self._sleep = sleep
        self._keeping_fresh: asyncio.Task[None] | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Check that a token pair is stored (refreshing it if due), then send what an earlier
        run left unsent. A missing pair is logged and shown on /healthz, not fatal: messages
        are still taken and answered once an admin connects the OA."""
        try:
            await self.tokens.access_token()
            log.info("zalo oa receives by webhook at %s", WEBHOOK_PATH)
        except ZaloOaNotConnected:
            log.error("zalo oa: no usable token; run `antq zalo-oa connect` (see README)")
        except ZaloOaError as error:
            log.warning("zalo oa: the token endpoint failed at start (%s)", type(error).__name__)
        await self.runtime.start()
        await self.inbox.start()
        self._keeping_fresh = asyncio.create_task(self._keep_fresh(), name="zalo-oa-tokens")

    async def _keep_fresh(self) -> None:
        """Refresh the token pair when it is due even when nobody writes: each refresh hands
        out a new refresh token, so a quiet OA does not lose its pair after 3 months."""
        while True:
            try:
                await self.tokens.access_token()
                wait = max(MIN_REFRESH_WAIT, self.tokens.next_refresh_in().total_seconds())
            except ZaloOaError as error:
                log.warning(
                    "zalo oa: the scheduled token refresh failed (%s)", type(error).__name__
                )
                wait = self.not_connected_wait
            await self._sleep(wait)

    async def stop(self) -> None:
        if self._keeping_fresh is not None:
            self._keeping_fresh.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeping_fresh
            self._keeping_fresh = None
        await self.inbox.stop()
        await self.runtime.stop()
        await self.client.aclose()

    async def drain(self, seconds: float | None = None) -> bool:
        """Wait until every event received so far has been answered and its replies sent."""
        return await self.runtime.drain(seconds)

    def routes(self) -> list[BaseRoute]:
        return [Route(WEBHOOK_PATH, self._receive_webhook, methods=["POST"])]

    async def open_transport(self, max_connections: int) -> tuple[ZaloOaTransport, Close]:
        """The outbox's way to this OA: its own connections, this channel's token keeper (so
        that one process refreshes once, whoever noticed)."""
        client = ZaloOaClient(
            api_url=self.client.api_url,
            oauth_url=self.client.oauth_url,
            max_connections=max_connections,
        )
        transport = ZaloOaTransport(
            client, self.tokens, paid_messages=self.paid_messages, on_quota=self.quota_spent
        )
        return transport, client.aclose

    def quota_spent(self) -> None:
        """Zalo answered -211: the OA's sends pause, and /healthz says so until it is over."""
        self.quota_until = self.processor.clock() + timedelta(seconds=QUOTA_WAIT)
        log.error("zalo oa: the OA's message quota is spent (-211); its sends pause")

    def health_warnings(self) -> list[str]:
        """The refresh token lapses soon (no refresh succeeded for weeks): still serving."""
        warning = self.tokens.lapse_warning(self.warn_before)
        return [warning] if warning else []

    def health_problems(self) -> list[str]:
        problems = [self.tokens.problem]
        if self.quota_until is not None and self.processor.clock() < self.quota_until:
            problems.append(
                f"zalo_oa: the OA's message quota is spent (-211); sends paused until "
                f"{self.quota_until:%Y-%m-%d %H:%M} UTC (see README: what costs what)"
            )
        return [problem for problem in problems if problem]

    # -- receiving ---------------------------------------------------------------------------

    async def _receive_webhook(self, request: Request) -> Response:
        raw = await request.body()
        try:
            payload: Any = json.loads(raw)
        except ValueError:
            payload = None
        event = parse_event(payload)
        if event is None:
            # The developers' console posts a test when the URL is saved: nothing to read,
            # and a refusal would keep the URL from being saved.
            log.info("zalo oa webhook: a POST without an event answered 200, not processed")
            return JSONResponse({"error": 0, "message": "Success"})
        signed = is_signed(
            request.headers.get(SIGNATURE_HEADER),
            raw,
            payload,
            app_id=self.app_id,
            secret_key=self._secret_key,
        )
        if not signed:
            log.warning(
                "zalo oa webhook: a %s event with a wrong signature refused (403)", event.event_name
            )
            return JSONResponse({"error": -403, "message": "Forbidden"}, status_code=403)
        if event.to_handle and self._for_this_oa(event):
            key = update_key(event)
            if key is not None and event.user_id is not None:
                # Stored before the answer, so that Zalo delivers it again if we die first;
                # applied after it, in the user's order (``bot.inbox``).
                delivery = Delivery(event.user_id, key, _position(event), raw.decode())
                await self.inbox.receive(delivery)
            else:
                await self.runtime.spawn(self.handle(event))
        return JSONResponse({"error": 0, "message": "Success"})

    async def _apply_stored(self, payload: str) -> None:
        event = parse_event(json.loads(payload))
        if event is not None:
            await self.handle(event)

    def _for_this_oa(self, event: OaEvent) -> bool:
        """An event of the OA we serve (one app may be linked to several OAs)."""
        if event.event_name in ("follow", "unfollow"):
            oa = event.body.get("oa_id")
        elif event.from_oa:
            sender = event.body.get("sender")
            oa = sender.get("id") if isinstance(sender, dict) else None
        else:
            recipient = event.body.get("recipient")
            oa = recipient.get("id") if isinstance(recipient, dict) else None
        return oa is None or str(oa) == self.oa_id

    async def handle(self, event: OaEvent) -> None:
        """Answer one event; never raises (the processor apologises for its own failures)."""
        try:
            if event.event_name == UNFOLLOW and event.user_id is not None:
                # No more reminders to somebody who left, until they write again.
                async with self.processor.database.transaction() as session:
                    await mark_identity_inactive(
                        session, channel=CHANNEL, platform_user_id=event.user_id
                    )
                return
            if event.officer_wrote and event.user_id is not None:
                await self.officers.wrote_to(event.user_id)
                return
            if event.anonymous:
                # Their id is not a user id the customer-service API can write to (the v2
                # API for anonymous senders is shut down): the OA's own automatic reply tells
                # them to follow the OA (deploy/README.md).
                self.anonymous_messages += 1
                log.info("zalo oa: a message from an anonymous sender, not answerable by the API")
                return
            if event.user_id is not None and await self.officers.talking_to(event.user_id):
                log.info("zalo oa: a message left to the officer talking to its sender")
                return
            for inbound in to_inbounds(event):
                await self.runtime.answer(inbound)
        except Exception:
            log.exception("answering a zalo oa event failed")

    # -- sending (bot.reply_path.dispatcher.BatchSender) --------------------------------------

    async def send_batch(self, batch: Batch, progress: Progress) -> SendResult:
        """Send the replies as few messages as the limits allow, resuming after the parts that
        went; a reply is inside the 7-day window by nature (the user just wrote)."""

        async def send(part: str | Media) -> SendResult | None:
            try:
                async with counted(self.limiter, batch.chat_id):
                    await self.send_part(batch.chat_id, part)
            except ZaloOaMaybeSent:
                log.warning("a zalo oa reply timed out after it went out; not sent again")
            except ZaloOaOutsideWindow as error:
                # Nothing more can reach this user until they write again.
                log.info("a zalo oa reply is outside the user's window (error %d)", error.code)
                return SendResult(Sent.DONE)
            except ZaloOaQuotaExceeded:
                self.quota_spent()
                return SendResult(Sent.RETRY, retry_after=QUOTA_WAIT)
            except ZaloOaRateLimited:
                log.warning("zalo oa rate limit; replies wait %.0f s", self.rate_limit_wait)
                metrics.rate_limited(self.name, "reply")
                return SendResult(Sent.RETRY, retry_after=self.rate_limit_wait)
            except ZaloOaNotConnected:
                return SendResult(Sent.RETRY, retry_after=self.not_connected_wait)
            except ZaloOaTokenExpired:  # even the renewed one
                return SendResult(Sent.RETRY)
            except ZaloOaApiError as error:
                # This message can never go as it is (even with a fresh token); the rest may.
                log.warning("zalo oa refused a reply: error %d", error.code)
            except ZaloOaError as error:
                reason = type(error).__name__
                log.warning("zalo oa send failed (%s); the reply stays stored", reason)
                return SendResult(Sent.RETRY)
            return None

        return await send_parts(batch, oa_parts(batch.replies), send, progress)

    async def send_part(self, user_id: str, part: str | Media) -> None:
        """One message with a good token: refreshed and sent once more when the API says the
        token expired (the error proves the message did not go)."""
        await with_fresh_token(self.tokens, lambda token: self._send_with(token, user_id, part))

    async def _send_with(self, token: str, user_id: str, part: str | Media) -> None:
        if isinstance(part, str):
            await self.client.send_text(token, user_id, part)
            return
        try:
            await self.client.send_image(token, user_id, part.file_id, part.text or None)
        except ZaloOaApiError as error:
            passing = ZaloOaTokenExpired | ZaloOaOutsideWindow | ZaloOaRateLimited
            if isinstance(error, passing | ZaloOaQuotaExceeded):
                raise
            # The picture expired or cannot be fetched: its caption line instead.
            log.info("zalo oa refused a stored photo: error %d", error.code)
            await self.client.send_text(token, user_id, FILE_MARK + part.lost)


def _position(event: OaEvent) -> int:
    """The event's place among the user's: Zalo's timestamp (milliseconds)."""
    stamp = event.body.get("timestamp")
    try:
        return int(stamp)
    except (TypeError, ValueError):
        return 0
