"""A loopback fake of the Zalo Bot Platform API for end-to-end tests and benchmarks.

Our real :class:`bot.channels.zalo_bot.client.ZaloClient` talks to :class:`FakeZaloServer` over
HTTP, exactly as it would talk to ``https://bot-api.zaloplatforms.com``::

    async with FakeZaloServer() as server:
        client = ZaloClient(server.token, base_url=server.base_url)
        server.user_sends_text("u1", "xin chào")
        update = await client.get_updates(wait=1)

What it enforces, as documented (../shared/PLATFORMS.md, "checked against the platform's own
documentation"): every method is ``/bot<TOKEN>/<method>``, by POST or GET, with a JSON object
body (or query parameters); a wrong token is refused with 401, as is an unknown method, a
missing or mistyped parameter, a text outside 1–2,000 characters, a webhook secret outside
8–256 characters, and getUpdates while a webhook is set. Refused requests are kept in
:attr:`FakeZaloServer.rejected` so a test can assert that the bot made none.

Events built by ``user_sends_*`` are handed out by getUpdates one per call (a long poll waits
for one), or, once a webhook is registered, POSTed to it in the ``{"ok": true, "result": ...}``
envelope with the ``X-Bot-Api-Secret-Token`` header, in order per chat, retried when the
webhook does not answer 2xx. An image event carries ``photo_url`` (``message_type:
"CHAT_PHOTO"``) and its caption; a voice event ``voice_url``. :meth:`fail_next` makes the next
calls of a method fail (``ok: false`` codes such as 401, 403 "Internal server error", 408 or
429, 5xx pages, slow answers, or a send that is accepted but answered too late). Zalo
documents no "user blocked the bot" answer, so the fake has none.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import aiohttp
from aiohttp import web

from tests.fakes.loopback import LoopbackServer

__all__ = [
    "DEFAULT_TOKEN",
    "MAX_TEXT_LENGTH",
    "SECRET_HEADER",
    "FakeZaloServer",
    "RecordedCall",
    "WebhookDelivery",
]

DEFAULT_TOKEN = "1459232241454765289:fAkE-zalo-secret-for-antq-tests"
MAX_TEXT_LENGTH = 2000
SECRET_HEADER = "X-Bot-Api-Secret-Token"
CHAT_ACTIONS = frozenset({"typing", "upload_photo"})
_SECRET_LENGTHS = range(8, 257)
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
_URL_RE = re.compile(r"^(https?)://([^/:]+|\[[^\]]+\])(?::(\d+))?(/.*)?$")
_GATEWAY_PAGE = (
    "<html><head><title>{status} Bad Gateway</title></head><body>"
    "<center><h1>{status} Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)


@dataclass(slots=True)
class RecordedCall:
    """One request the bot made: method, JSON body, HTTP status and the error if refused."""

    method: str
    params: dict[str, Any]
    time: float
    status: int = 200
    error_code: int | None = None
    description: str | None = None

    @property
    def ok(self) -> bool:
        return self.error_code is None and self.status == 200


@dataclass(slots=True)
class WebhookDelivery:
    """One event POSTed to the webhook, after all its attempts."""

    message_id: str
    event_name: str
    status: int | None
    attempts: int
    seconds: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(slots=True)
class _Failure:
    method: str
    error_code: int | None
    http_status: int | None
    description: str | None
    delay: float
    remaining: int


class _Refusal(Exception):
    """An ``ok: false`` answer; ``invalid`` marks a request the real API would refuse too."""

    def __init__(self, error_code: int, description: str, *, invalid: bool = True) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.invalid = invalid


def _now_ms() -> int:
    return int(time.time() * 1000)


def _new_id() -> str:
    return secrets.token_hex(10)  # Zalo ids look like "16f6366b3f02645a3d15"


class FakeZaloServer(LoopbackServer):
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
        super().__init__()
        self.token = token
        self.poll_shape = poll_shape
        self.empty_poll = empty_poll
        self.max_poll_wait = max_poll_wait
        self.webhook_shape = webhook_shape
        self.webhook_max_tries = webhook_max_tries
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_timeout = webhook_timeout
        self.webhook_max_connections = webhook_max_connections
        self.known_chats_only = known_chats_only
        self.bot_info: dict[str, Any] = {
            "id": token.split(":", 1)[0],
            "account_name": "bot.antq_test",
            "account_type": "BASIC",
            "can_join_groups": False,
        }

        self.requests: list[RecordedCall] = []
        self.rejected: list[RecordedCall] = []
        self.events: list[dict[str, Any]] = []
        self.webhook_deliveries: list[WebhookDelivery] = []
        self._sent: list[dict[str, Any]] = []
        self._pending: collections.deque[dict[str, Any]] = collections.deque()
        self._failures: list[_Failure] = []
        self._known_chats: set[str] = set()
        self._late: dict[str, tuple[float, int]] = {}
        self._webhook_url = ""
        self._webhook_secret: str | None = None
        self._webhook_updated_at = 0
        self._webhook_queues: dict[str, collections.deque[dict[str, Any]]] = {}
        self._in_flight = 0
        self._changed = asyncio.Event()

    # ---------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        """Value for ``ANTQ_ZALO_BASE_URL`` (the client appends ``/bot<TOKEN>/<method>``)."""
        return self.url

    def _make_app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        return app

    def _make_session(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(limit=self.webhook_max_connections)
        return aiohttp.ClientSession(connector=connector)

    def _prepare(self) -> None:
        self._changed = asyncio.Event()

    def _wake(self) -> None:
        self._notify()

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
            _Failure(method, error_code, http_status, description, delay, remaining=times)
        )

    def answer_late(self, method: str, delay: float, *, times: int = 1) -> None:
        """Carry out the next ``times`` calls of ``method`` (the message is delivered), then
        wait ``delay`` before answering: a client that times out cannot know it went."""
        self._late[method] = (delay, times)

    def add_chat(self, chat_id: str) -> None:
        """Make a chat known (for ``known_chats_only``) without an event."""
        self._known_chats.add(chat_id)

    # ---------------------------------------------------------------- events

    def event(
        self,
        event_name: str,
        user_id: str,
        *,
        display_name: str | None = None,
        chat_id: str | None = None,
        chat_type: Literal["PRIVATE", "GROUP"] = "PRIVATE",
        message_id: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """An update as Zalo shapes it (``fields`` are added to the message)."""
        message: dict[str, Any] = {
            "message_id": message_id or _new_id(),
            "date": _now_ms(),
            "chat": {"id": chat_id or user_id, "chat_type": chat_type},
            "from": {
                "id": user_id,
                "display_name": display_name or f"Người dùng {user_id[-4:]}",
                "is_bot": False,
            },
            **{name: value for name, value in fields.items() if value is not None},
        }
        return {"event_name": event_name, "message": message}

    def text_event(self, user_id: str, text: str, **options: Any) -> dict[str, Any]:
        return self.event("message.text.received", user_id, text=text, **options)

    def image_event(
        self, user_id: str, photo: str | None = None, caption: str | None = None, **options: Any
    ) -> dict[str, Any]:
        photo = photo or f"https://photo-stal-9.zdn.vn/fake/{_new_id()}.jpg"
        return self.event(
            "message.image.received",
            user_id,
            photo_url=photo,
            message_type="CHAT_PHOTO",
            caption=caption,
            **options,
        )

    def voice_event(self, user_id: str, voice: str | None = None, **options: Any) -> dict[str, Any]:
        voice = voice or f"https://voice-stal.zdn.vn/fake/{_new_id()}.aac"
        return self.event("message.voice.received", user_id, voice_url=voice, **options)

    def sticker_event(self, user_id: str, **options: Any) -> dict[str, Any]:
        return self.event("message.sticker.received", user_id, sticker=_new_id(), **options)

    def unsupported_event(self, user_id: str, **options: Any) -> dict[str, Any]:
        return self.event("message.unsupported.received", user_id, **options)

    def queue_event(self, event: dict[str, Any]) -> str:
        """Hand ``event`` to the bot (next getUpdates, or the webhook); return its message id."""
        self.events.append(event)
        self._known_chats.add(event["message"]["chat"]["id"])
        if self._webhook_url:
            self._enqueue_webhook(event)
        else:
            self._pending.append(event)
            self._notify()
        return str(event["message"]["message_id"])

    def user_sends_text(self, user_id: str, text: str, **options: Any) -> str:
        return self.queue_event(self.text_event(user_id, text, **options))

    def user_sends_image(
        self, user_id: str, photo: str | None = None, caption: str | None = None, **options: Any
    ) -> str:
        return self.queue_event(self.image_event(user_id, photo, caption, **options))

    def user_sends_voice(self, user_id: str, voice: str | None = None, **options: Any) -> str:
        return self.queue_event(self.voice_event(user_id, voice, **options))

    def user_sends_sticker(self, user_id: str, **options: Any) -> str:
        return self.queue_event(self.sticker_event(user_id, **options))

    def user_sends_unsupported(self, user_id: str, **options: Any) -> str:
        return self.queue_event(self.unsupported_event(user_id, **options))

    async def post_to_webhook(
        self, event: dict[str, Any], *, secret: str | None = None
    ) -> WebhookDelivery:
        """POST ``event`` to the registered webhook now and wait for its answer (with retries).

        ``secret`` overrides the header value (to test that a wrong one is refused).
        """
        if not self._webhook_url:
            raise RuntimeError("no webhook is registered")
        self.events.append(event)
        self._known_chats.add(event["message"]["chat"]["id"])
        return await self._deliver(event, secret=secret)

    # ---------------------------------------------------------------- inspection

    def calls(self, method: str) -> list[RecordedCall]:
        return [call for call in self.requests if call.method == method]

    def sent_messages(self, chat_id: str | None = None) -> list[dict[str, Any]]:
        """Every accepted send (sendMessage, sendPhoto, sendSticker) with its message id."""
        return [sent for sent in self._sent if chat_id is None or sent["chat_id"] == chat_id]

    def sent_texts(self, chat_id: str | None = None) -> list[str]:
        return [m["text"] for m in self.sent_messages(chat_id) if m["method"] == "sendMessage"]

    @property
    def webhook_url(self) -> str:
        return self._webhook_url

    @property
    def webhook_secret(self) -> str | None:
        return self._webhook_secret

    @property
    def pending_event_count(self) -> int:
        """Events not yet handed out by getUpdates nor accepted by the webhook."""
        return (
            len(self._pending)
            + sum(len(q) for q in self._webhook_queues.values())
            + self._in_flight
        )

    async def wait_for(
        self,
        predicate: Callable[[], Any],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for the condition, not for I/O
    ) -> Any:
        """Wait until ``predicate()`` is truthy (checked after every request and delivery)."""
        deadline = time.monotonic() + timeout
        while True:
            self._changed.clear()
            value = predicate()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout}s; {self._summary()}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    async def wait_for_texts(
        self,
        chat_id: str,
        count: int,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
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
                raise _Refusal(405, "Method Not Allowed")
            call.params = await self._read_body(request)
            if request.match_info["token"] != self.token:
                raise _Refusal(401, "Unauthorized")
            handler = getattr(self, f"_m_{method}", None)
            if handler is None:
                raise _Refusal(404, "Not Found: method not found")
            failure = self._take_failure(method)
            if failure is not None:
                if failure.delay:
                    await asyncio.sleep(failure.delay)
                injected = self._injected(call, failure)
                if injected is not None:
                    return injected
            result = await handler(call.params, request)
        except _Refusal as refusal:
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
            raise _Refusal(400, "Bad Request: body is not JSON") from None
        if not isinstance(body, dict):
            raise _Refusal(400, "Bad Request: body must be a JSON object")
        return body

    def _record(self, call: RecordedCall) -> None:
        self.requests.append(call)
        self._notify()

    def _refuse(self, call: RecordedCall, refusal: _Refusal) -> web.Response:
        call.error_code = refusal.error_code
        call.description = refusal.description
        call.status = refusal.error_code if 400 <= refusal.error_code < 600 else 200
        if refusal.invalid:
            self.rejected.append(call)
        self._record(call)
        body = {"ok": False, "error_code": refusal.error_code, "description": refusal.description}
        return web.json_response(body, status=call.status)

    def _take_failure(self, method: str) -> _Failure | None:
        for failure in self._failures:
            if failure.method in ("*", method):
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._failures.remove(failure)
                return failure
        return None

    def _injected(self, call: RecordedCall, failure: _Failure) -> web.Response | None:
        if failure.error_code is not None:
            refusal = _Refusal(
                failure.error_code, failure.description or "Injected failure", invalid=False
            )
            return self._refuse(call, refusal)
        if failure.http_status is not None:
            call.status = failure.http_status
            call.description = failure.description or "gateway page"
            self._record(call)
            page = _GATEWAY_PAGE.format(status=failure.http_status)
            return web.Response(text=page, status=failure.http_status, content_type="text/html")
        return None  # only slow

    # ---------------------------------------------------------------- validation

    @staticmethod
    def _string(params: dict[str, Any], name: str, *, required: bool = True) -> str | None:
        value = params.get(name)
        if value is None:
            if required:
                raise _Refusal(400, f"Bad Request: {name} is required")
            return None
        if not isinstance(value, str):
            raise _Refusal(400, f"Bad Request: {name} must be a string")
        return value

    def _chat(self, params: dict[str, Any]) -> str:
        chat_id = self._string(params, "chat_id")
        assert chat_id is not None
        if not chat_id:
            raise _Refusal(400, "Bad Request: chat_id is empty")
        if self.known_chats_only and chat_id not in self._known_chats:
            raise _Refusal(400, "Bad Request: chat not found")
        return chat_id

    @staticmethod
    def _text(value: str | None, name: str) -> None:
        if value is not None and not 1 <= len(value) <= MAX_TEXT_LENGTH:
            raise _Refusal(
                400, f"Bad Request: {name} must be 1-{MAX_TEXT_LENGTH} characters, not {len(value)}"
            )

    # ---------------------------------------------------------------- methods

    async def _m_getMe(self, params: dict[str, Any], request: web.Request) -> Any:
        return self.bot_info

    async def _m_getUpdates(self, params: dict[str, Any], request: web.Request) -> Any:
        if self._webhook_url:
            raise _Refusal(409, "Conflict: getUpdates is not available while a webhook is set")
        raw = params.get("timeout", 30)
        try:
            wait = float(raw)
        except (TypeError, ValueError):
            raise _Refusal(400, "Bad Request: timeout must be a number of seconds") from None
        if self.max_poll_wait is not None:
            wait = min(wait, self.max_poll_wait)
        deadline = time.monotonic() + max(wait, 0.0)
        while not self._pending and not self._closing and not self._webhook_url:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        if request.transport is None or request.transport.is_closing():
            return web.Response(status=499)  # the bot hung up: keep the event for the next poll
        if not self._pending:
            if self.empty_poll == "408":
                raise _Refusal(408, "Request Timeout", invalid=False)
            return None
        event = self._pending.popleft()
        if self.poll_shape == "bare":
            self._record(RecordedCall("getUpdates", params, time.monotonic()))
            return web.json_response(event)
        return event

    async def _m_setWebhook(self, params: dict[str, Any], request: web.Request) -> Any:
        url = self._string(params, "url") or ""
        secret = self._string(params, "secret_token") or ""
        match = _URL_RE.match(url)
        if match is None:
            raise _Refusal(400, "Bad Request: url is not a URL")
        if match.group(1) != "https" and match.group(2) not in _LOOPBACK_HOSTS:
            raise _Refusal(400, "Bad Request: url must be HTTPS")
        if len(secret) not in _SECRET_LENGTHS:
            raise _Refusal(400, "Bad Request: secret_token must be 8-256 characters")
        self._webhook_url, self._webhook_secret = url, secret
        self._webhook_updated_at = _now_ms()
        pending, self._pending = list(self._pending), collections.deque()
        for event in pending:
            self._enqueue_webhook(event)
        self._notify()  # ends a running long poll
        return {"url": url, "updated_at": self._webhook_updated_at}

    async def _m_deleteWebhook(self, params: dict[str, Any], request: web.Request) -> Any:
        self._webhook_url, self._webhook_secret = "", None
        self._webhook_updated_at = _now_ms()
        return {"url": "", "updated_at": self._webhook_updated_at}

    async def _m_getWebhookInfo(self, params: dict[str, Any], request: web.Request) -> Any:
        return {"url": self._webhook_url, "updated_at": self._webhook_updated_at}

    async def _m_sendMessage(self, params: dict[str, Any], request: web.Request) -> Any:
        chat_id = self._chat(params)
        text = self._string(params, "text")
        self._text(text, "text")
        return self._sent_record("sendMessage", chat_id, text=text)

    async def _m_sendPhoto(self, params: dict[str, Any], request: web.Request) -> Any:
        chat_id = self._chat(params)
        photo = self._string(params, "photo") or ""
        if _URL_RE.match(photo) is None:
            raise _Refusal(400, "Bad Request: photo must be a URL")
        caption = self._string(params, "caption", required=False)
        self._text(caption, "caption")
        return self._sent_record("sendPhoto", chat_id, photo=photo, caption=caption)

    async def _m_sendSticker(self, params: dict[str, Any], request: web.Request) -> Any:
        chat_id = self._chat(params)
        sticker = self._string(params, "sticker")
        if not sticker:
            raise _Refusal(400, "Bad Request: sticker is empty")
        return self._sent_record("sendSticker", chat_id, sticker=sticker)

    async def _m_sendChatAction(self, params: dict[str, Any], request: web.Request) -> Any:
        self._chat(params)
        if self._string(params, "action") not in CHAT_ACTIONS:
            raise _Refusal(400, f"Bad Request: action must be one of {sorted(CHAT_ACTIONS)}")
        return True

    def _sent_record(self, method: str, chat_id: str, **fields: Any) -> dict[str, Any]:
        result = {"message_id": _new_id(), "date": _now_ms()}
        self._sent.append({"method": method, "chat_id": chat_id, **fields, **result})
        return result

    # ---------------------------------------------------------------- webhook delivery

    def _enqueue_webhook(self, event: dict[str, Any]) -> None:
        """Deliver in order per chat (the next event of a chat waits for the previous one)."""
        chat_id = str(event["message"]["chat"]["id"])
        queue = self._webhook_queues.get(chat_id)
        if queue is not None:
            queue.append(event)
            return
        queue = collections.deque([event])
        self._webhook_queues[chat_id] = queue
        self._spawn(self._webhook_worker(chat_id, queue))

    async def _webhook_worker(self, chat_id: str, queue: collections.deque[dict[str, Any]]) -> None:
        try:
            while queue and self._webhook_url and not self._closing:
                event = queue.popleft()
                self._in_flight += 1
                try:
                    await self._deliver(event)
                finally:
                    self._in_flight -= 1
                    self._notify()
        finally:
            if self._webhook_queues.get(chat_id) is queue:
                del self._webhook_queues[chat_id]
                if queue:  # the webhook went away: keep the rest for getUpdates
                    self._pending.extend(queue)

    async def _deliver(
        self, event: dict[str, Any], *, secret: str | None = None
    ) -> WebhookDelivery:
        assert self._session is not None
        headers = {SECRET_HEADER: secret if secret is not None else self._webhook_secret or ""}
        body = event if self.webhook_shape == "bare" else {"ok": True, "result": event}
        message = event["message"]
        status: int | None = None
        error: str | None = None
        started = time.perf_counter()
        attempt = 0
        for attempt in range(1, self.webhook_max_tries + 1):
            try:
                async with self._session.post(
                    self._webhook_url,
                    json=body,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
                ) as response:
                    await response.read()
                    status, error = response.status, None
            except (aiohttp.ClientError, TimeoutError) as exc:
                status, error = None, type(exc).__name__
            if status is not None and (200 <= status < 300 or status == 403):
                break  # accepted, or refused for a wrong secret: retrying will not help
            if attempt < self.webhook_max_tries:
                await asyncio.sleep(self.webhook_retry_delay)
        delivery = WebhookDelivery(
            message_id=str(message["message_id"]),
            event_name=str(event["event_name"]),
            status=status,
            attempts=attempt,
            seconds=time.perf_counter() - started,
            error=error,
        )
        self.webhook_deliveries.append(delivery)
        self._notify()
        return delivery
