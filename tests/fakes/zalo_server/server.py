"""The fake Zalo Bot API server: its state, the HTTP plumbing (tokens, injected failures, late
answers) and webhook delivery; what users do is in ``events``, the methods in ``methods``."""

from __future__ import annotations

import asyncio
import collections
import json
import time
from typing import Any, Literal

from aiohttp import web

from tests.fakes.loopback import LoopbackServer, RegisteredWebhook, WebhookQueues, take_failure
from tests.fakes.zalo_server.events import ZaloUsers
from tests.fakes.zalo_server.methods import ZaloMethods
from tests.fakes.zalo_server.records import (
    DEFAULT_TOKEN,
    GATEWAY_PAGE,
    SECRET_HEADER,
    Failure,
    RecordedCall,
    Refusal,
    WebhookDelivery,
)
from tests.harness import PATIENCE


class FakeZaloServer(ZaloUsers, ZaloMethods, RegisteredWebhook, LoopbackServer):
    """Loopback Zalo Bot API server (aiohttp).

    Args:
        token: the bot token accepted; other tokens get 401.
        poll_shape: ``"envelope"`` answers getUpdates as ``{"ok": true, "result": update}``,
            ``"bare"`` as the update alone (both have been seen from Zalo).
        empty_poll: an empty long poll answers ``"null"`` (``result: null``) or ``"408"``
            (``ok: false, error_code: 408``), both seen from Zalo.
        max_poll_wait: cap on how long getUpdates waits, whatever timeout the bot asks for.
        webhook_shape: body of a webhook POST: the ``"envelope"`` Zalo sends, or a ``"bare"``
            update.
        webhook_max_tries / webhook_retry_delay / webhook_timeout: redelivery of an event the
            webhook did not accept with a 2xx answer.
        webhook_max_connections: concurrent webhook POSTs (across chats; one per chat).
        known_chats_only: refuse sends to chats that never wrote to the bot.
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        poll_shape: Literal["envelope", "bare"] = "envelope",
        empty_poll: Literal["null", "408"] = "null",
        max_poll_wait: float | None = None,
        webhook_shape: Literal["bare", "envelope"] = "envelope",
        webhook_max_tries: int = 3,
        webhook_retry_delay: float = 0.05,
        webhook_timeout: float = 10.0,
        webhook_max_connections: int = 100,
        known_chats_only: bool = False,
    ) -> None:
        super().__init__(webhook_max_connections=webhook_max_connections)
        self.token = token
        self.poll_shape = poll_shape
        self.empty_poll = empty_poll
        self.max_poll_wait = max_poll_wait
        self.webhook_shape = webhook_shape
        self.webhook_max_tries = webhook_max_tries
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_timeout = webhook_timeout
        self.known_chats_only = known_chats_only
        self.bot_info: dict[str, Any] = {
            "id": token.split(":", 1)[0],
            "account_name": "bot.antq_test",
            "account_type": "BASIC",
            "can_join_groups": False,
        }

        self.requests: list[RecordedCall] = []
        # How long each getUpdates was held open at most, after max_poll_wait's cap.
        self.poll_waits: list[float] = []
        self.rejected: list[RecordedCall] = []
        self.events: list[dict[str, Any]] = []
        self.webhook_deliveries: list[WebhookDelivery] = []
        self._sent: list[dict[str, Any]] = []
        self._pending: collections.deque[dict[str, Any]] = collections.deque()
        self._failures: list[Failure] = []
        self._known_chats: set[str] = set()
        self._late: dict[str, tuple[float, int]] = {}
        self._webhook_url = ""
        self._webhook_secret: str | None = None
        self._webhook_updated_at = 0
        self._webhook_queues = WebhookQueues(
            self,
            self._deliver,
            active=lambda: bool(self._webhook_url),
            give_back=lambda rest: self._pending.extend(rest),
            notify=self._notify,
        )

    # ---------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        """Value for ``ANTQ_ZALO_BASE_URL`` (the client appends ``/bot<TOKEN>/<method>``)."""
        return self.url

    def _make_app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        return app

    # ---------------------------------------------------------------- configuration

    def fail_next(
        self,
        method: str,
        *,
        error_code: int | None = None,
        http_status: int | None = None,
        description: str | None = None,
        delay: float = 0.0,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (``"*"``: any) fail or answer late.

        ``error_code`` answers ``{"ok": false, "error_code": ...}`` (HTTP status the same when
        it is a 4xx/5xx code, else 200); ``http_status`` alone (5xx) answers a gateway HTML
        page; ``delay`` waits that long first (with neither code: a slow but good answer).
        """
        self._failures.append(
            Failure(method, error_code, http_status, description, delay, remaining=times)
        )

    def answer_late(self, method: str, delay: float, *, times: int = 1) -> None:
        """Carry out the next ``times`` calls of ``method`` (the message is delivered), then
        wait ``delay`` before answering: a client that times out cannot know it went."""
        self._late[method] = (delay, times)

    def add_chat(self, chat_id: str) -> None:
        """Make a chat known (for ``known_chats_only``) without an event."""
        self._known_chats.add(chat_id)

    # ---------------------------------------------------------------- inspection

    def calls(self, method: str) -> list[RecordedCall]:
        return [call for call in self.requests if call.method == method]

    def sent_messages(self, chat_id: str | None = None) -> list[dict[str, Any]]:
        """Every accepted send (sendMessage, sendPhoto, sendSticker) with its message id."""
        return [sent for sent in self._sent if chat_id is None or sent["chat_id"] == chat_id]

    def sent_texts(self, chat_id: str | None = None) -> list[str]:
        return [m["text"] for m in self.sent_messages(chat_id) if m["method"] == "sendMessage"]

    @property
    def pending_event_count(self) -> int:
        """Events not yet handed out by getUpdates nor accepted by the webhook."""
        return len(self._pending) + self._webhook_queues.waiting

    async def wait_for_texts(
        self,
        chat_id: str,
        count: int,
        *,
        timeout: float = PATIENCE,  # noqa: ASYNC109
    ) -> list[str]:
        """Wait until at least ``count`` texts were sent to ``chat_id``; return them all."""
        return await self.wait_for(
            lambda: (texts := self.sent_texts(chat_id)) and len(texts) >= count and texts,
            timeout=timeout,
        )

    def _summary(self) -> str:
        last = [f"{c.method}:{c.error_code or c.status}" for c in self.requests[-6:]]
        rejected = [f"{c.method}: {c.description}" for c in self.rejected[-3:]]
        return f"last requests={last}, rejected={rejected}, pending={self.pending_event_count}"

    def _notify(self) -> None:
        self._changed.set()

    # ---------------------------------------------------------------- HTTP API

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        call = RecordedCall(method, {}, time.monotonic())
        try:
            if request.method not in ("GET", "POST"):
                raise Refusal(405, "Method Not Allowed")
            call.params = await self._read_body(request)
            if request.match_info["token"] != self.token:
                raise Refusal(401, "Unauthorized")
            handler = getattr(self, f"_m_{method}", None)
            if handler is None:
                raise Refusal(404, "Not Found: method not found")
            failure = take_failure(self._failures, method, lambda rule: rule.method)
            if failure is not None:
                if failure.delay:
                    await asyncio.sleep(failure.delay)
                injected = self._injected(call, failure)
                if injected is not None:
                    return injected
            result = await handler(call.params, request)
        except Refusal as refusal:
            return self._refuse(call, refusal)
        if isinstance(result, web.StreamResponse):
            return result
        self._record(call)
        late = self._late.get(method)
        if late is not None:
            delay, times = late
            if times <= 1:
                del self._late[method]
            else:
                self._late[method] = (delay, times - 1)
            await asyncio.sleep(delay)
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _read_body(request: web.Request) -> dict[str, Any]:
        if not request.can_read_body:
            return dict(request.query)
        try:
            body = await request.json()
        except ValueError:
            raise Refusal(400, "Bad Request: body is not JSON") from None
        if not isinstance(body, dict):
            raise Refusal(400, "Bad Request: body must be a JSON object")
        return body

    def _record(self, call: RecordedCall) -> None:
        self.requests.append(call)
        self._notify()

    def _refuse(self, call: RecordedCall, refusal: Refusal) -> web.Response:
        call.error_code = refusal.error_code
        call.description = refusal.description
        call.status = refusal.error_code if 400 <= refusal.error_code < 600 else 200
        if refusal.invalid:
            self.rejected.append(call)
        self._record(call)
        body = {"ok": False, "error_code": refusal.error_code, "description": refusal.description}
        return web.json_response(body, status=call.status)

    def _injected(self, call: RecordedCall, failure: Failure) -> web.Response | None:
        if failure.error_code is not None:
            refusal = Refusal(
                failure.error_code, failure.description or "Injected failure", invalid=False
            )
            return self._refuse(call, refusal)
        if failure.http_status is not None:
            call.status = failure.http_status
            call.description = failure.description or "gateway page"
            self._record(call)
            page = GATEWAY_PAGE.format(status=failure.http_status)
            return web.Response(text=page, status=failure.http_status, content_type="text/html")
        return None  # only slow

    # ---------------------------------------------------------------- webhook delivery

    def _enqueue_webhook(self, event: dict[str, Any]) -> None:
        """Deliver in order per chat (the next event of a chat waits for the previous one)."""
        self._webhook_queues.put(str(event["message"]["chat"]["id"]), event)

    async def _deliver(
        self, event: dict[str, Any], *, secret: str | None = None
    ) -> WebhookDelivery:
        headers = {
            SECRET_HEADER: secret if secret is not None else self._webhook_secret or "",
            "Content-Type": "application/json",
        }
        body = event if self.webhook_shape == "bare" else {"ok": True, "result": event}
        posted = await self.post_with_retries(
            self._webhook_url,
            json.dumps(body),
            headers,
            tries=self.webhook_max_tries,
            timeout=self.webhook_timeout,
            pause=self.webhook_retry_delay,
            # A 403 refuses a wrong secret: retrying will not help.
            accepted=lambda status: 200 <= status < 300 or status == 403,
        )
        delivery = WebhookDelivery(
            message_id=str(event["message"]["message_id"]),
            event_name=str(event["event_name"]),
            status=posted.status,
            attempts=posted.attempts,
            seconds=posted.seconds,
            error=posted.error,
        )
        self.webhook_deliveries.append(delivery)
        self._notify()
        return delivery
