"""A loopback fake of the Zalo Official Account Open API, and of Zalo's webhook sender.

Our real :class:`bot.channels.zalo_oa.client.ZaloOaClient` talks to :class:`FakeZaloOaServer`
over HTTP, as it would to ``openapi.zalo.me`` and ``oauth.zaloapp.com`` (one base URL serves
both here). As faithful as ../shared/ZALO_OA.md allows:

- ``POST /v4/oa/access_token``: form body, the app secret in the ``secret_key`` header;
  ``grant_type=authorization_code`` spends a code (single use), ``refresh_token`` spends the
  refresh token (single use: the old one is refused from then on) and answers the new pair
  flat, ``expires_in`` a string.
- ``POST /v3.0/oa/message/cs``: the ``access_token`` header (-216 when unknown or expired),
  a JSON body ``{"recipient": {"user_id"}, "message": {...}}`` (text of 1–2,000 characters or
  the ``media`` template with a URL), refused with -230 when the user has not interacted with
  the OA for 7 days; answered in the ``{"error", "message", "data"}`` envelope, errors with
  HTTP 200, ``X-RateLimit-*`` headers on every answer.
- ``GET /v3.0/oa/user/detail`` and ``GET /v2.0/oa/getoa`` with the ``data=<json>`` query.
- An unknown path answers HTTP 200 with ``{"error": 404, ...}``, as probed on the real API.

Webhook events (``user_sends_*``, ``user_follows`` ...) are POSTed to ``webhook_url`` signed
with ``X-ZEvent-Signature: mac=sha256(app_id + body + timestamp + OA secret key)``; an answer
that is not a 2xx within ``webhook_timeout`` (Zalo: 2 s) is retried. Switches:
:meth:`expire_access_tokens`, :meth:`fail_next` (any error code, e.g. -32 rate limiting, a 5xx
page for an outage, a delay), :meth:`user_last_interacted` (outside the window).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes.loopback import LoopbackServer

__all__ = [
    "APP_ID",
    "APP_SECRET",
    "OA_ID",
    "OA_SECRET_KEY",
    "SIGNATURE_HEADER",
    "FakeZaloOaServer",
    "OaCall",
    "OaDelivery",
    "sign",
]

APP_ID = "1163843031413526746"
APP_SECRET = "fAkE-app-secret-AbCdEf0123"
OA_SECRET_KEY = "fAkE-oa-secret-key-9876ZyXw"
OA_ID = "2971435046273469110"
SIGNATURE_HEADER = "X-ZEvent-Signature"
MAX_TEXT_LENGTH = 2000
WINDOW_SECONDS = 7 * 24 * 3600
ACCESS_LIFETIME_SECONDS = 25 * 3600
RATE_LIMIT_PER_MINUTE = 4000

ERRORS = {
    -32: "The application has reached limit call api",
    -201: "Parameters are invalid",
    -216: "Access token has expired",
    -220: "access_token is expired or removed",
    -230: "User has not interacted with the OA in the past 7 days",
    404: "You are accessing an empty or invalid API, please check again",
}


def sign(app_id: str, body: bytes, timestamp: str, secret_key: str) -> str:
    """The header value Zalo sends: ``mac=`` and the SHA-256 of the concatenation."""
    digest = hashlib.sha256(app_id.encode() + body + timestamp.encode() + secret_key.encode())
    return "mac=" + digest.hexdigest()


def _new_id(digits: int = 19) -> str:
    """Zalo ids: long decimal strings (beyond 2^53)."""
    return str(secrets.randbelow(9 * 10 ** (digits - 1)) + 10 ** (digits - 1))


@dataclass(slots=True)
class OaCall:
    """One request the bot made: path, body, and the ``error`` it was answered with."""

    path: str
    body: dict[str, Any]
    error: int = 0
    status: int = 200


@dataclass(slots=True)
class OaDelivery:
    """One webhook POST, after all its attempts."""

    event_name: str
    status: int | None
    attempts: int
    seconds: float

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(slots=True)
class _Failure:
    path: str
    error: int | None
    http_status: int | None
    delay: float
    remaining: int


@dataclass
class _Grant:
    access_token: str
    refresh_token: str
    access_expires: float


@dataclass
class _State:
    codes: set[str] = field(default_factory=set)
    refresh_tokens: set[str] = field(default_factory=set)
    access_tokens: dict[str, float] = field(default_factory=dict)  # token -> expiry
    last_interaction: dict[str, float] = field(default_factory=dict)


class FakeZaloOaServer(LoopbackServer):
    """Loopback Zalo OA API and webhook sender (aiohttp).

    Args:
        webhook_url: where events are POSTed (settable later as ``server.webhook_url``).
        access_lifetime: seconds an access token lives (``expires_in``).
        rate_limit_per_minute: requests a minute before -32 (the real app limit: 4,000).
        webhook_timeout / webhook_max_tries / webhook_retry_delay: redelivery of an event the
            webhook did not accept in time with a 2xx.
    """

    def __init__(
        self,
        *,
        app_id: str = APP_ID,
        app_secret: str = APP_SECRET,
        oa_secret_key: str = OA_SECRET_KEY,
        oa_id: str = OA_ID,
        webhook_url: str = "",
        access_lifetime: float = ACCESS_LIFETIME_SECONDS,
        rate_limit_per_minute: int = RATE_LIMIT_PER_MINUTE,
        refresh_delay: float = 0.0,
        webhook_timeout: float = 2.0,
        webhook_max_tries: int = 3,
        webhook_retry_delay: float = 0.05,
        webhook_max_connections: int = 100,
    ) -> None:
        super().__init__()
        self.app_id = app_id
        self.app_secret = app_secret
        self.oa_secret_key = oa_secret_key
        self.oa_id = oa_id
        self.webhook_url = webhook_url
        self.access_lifetime = access_lifetime
        self.rate_limit_per_minute = rate_limit_per_minute
        self.refresh_delay = refresh_delay
        self.webhook_timeout = webhook_timeout
        self.webhook_max_tries = webhook_max_tries
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_max_connections = webhook_max_connections
        self.requests: list[OaCall] = []
        self.deliveries: list[OaDelivery] = []
        self.sent: list[dict[str, Any]] = []  # accepted messages: {"user_id", "message", ...}
        self.token_grants = 0  # pairs handed out (codes and refreshes)
        self.refreshes = 0
        self._state = _State()
        self._failures: list[_Failure] = []
        self._offset = 0.0
        self._minute: tuple[int, int] = (0, 0)
        self._changed = asyncio.Event()

    # ---------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        """Value for both ``ANTQ_ZALO_OA_API_URL`` and ``ANTQ_ZALO_OA_OAUTH_URL``."""
        return self.url

    def _make_app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._handle)
        return app

    def _make_session(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(limit=self.webhook_max_connections)
        return aiohttp.ClientSession(connector=connector)

    def _prepare(self) -> None:
        self._changed = asyncio.Event()

    def _wake(self) -> None:
        self._changed.set()

    def now(self) -> float:
        """The fake's own time (seconds), which :meth:`advance` moves on."""
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        self._offset += seconds

    # ---------------------------------------------------------------- the OA admin's side

    def issue_code(self) -> str:
        """An authorization code, as the admin's consent gives (single use)."""
        code = secrets.token_urlsafe(24)
        self._state.codes.add(code)
        return code

    def issue_refresh_token(self) -> str:
        """A refresh token, as copied from API Explorer (single use)."""
        token = secrets.token_urlsafe(32)
        self._state.refresh_tokens.add(token)
        return token

    def expire_access_tokens(self) -> None:
        """Every access token handed out so far is refused from now on (-216)."""
        for token in self._state.access_tokens:
            self._state.access_tokens[token] = 0.0

    def revoke_refresh_tokens(self) -> None:
        """Every refresh token is refused (the admin removed the app): a refresh fails."""
        self._state.refresh_tokens.clear()

    def fail_next(
        self,
        path: str,
        *,
        error: int | None = None,
        http_status: int | None = None,
        delay: float = 0.0,
        times: int = 1,
    ) -> None:
        """The next ``times`` calls of ``path`` (``"*"``: any) answer ``error`` in the envelope
        (-32 rate limit, -216 expired ...), or an ``http_status`` gateway page (an outage), or
        come ``delay`` seconds late."""
        self._failures.append(_Failure(path, error, http_status, delay, times))

    def user_last_interacted(self, user_id: str, *, days_ago: float) -> None:
        self._state.last_interaction[user_id] = self.now() - days_ago * 86400

    # ---------------------------------------------------------------- webhook events

    def event(self, event_name: str, user_id: str, **message: Any) -> dict[str, Any]:
        """A user→OA event as Zalo shapes it (``message`` fields added to ``message``)."""
        return {
            "app_id": self.app_id,
            "user_id_by_app": _new_id(),
            "event_name": event_name,
            "timestamp": str(int(self.now() * 1000)),
            "sender": {"id": user_id},
            "recipient": {"id": self.oa_id},
            "message": {"msg_id": secrets.token_hex(16), **message},
        }

    def text_event(self, user_id: str, text: str) -> dict[str, Any]:
        return self.event("user_send_text", user_id, text=text)

    def image_event(self, user_id: str, url: str, caption: str = "") -> dict[str, Any]:
        attachment = {"type": "image", "payload": {"thumbnail": url, "url": url}}
        return self.event("user_send_image", user_id, text=caption, attachments=[attachment])

    def location_event(self, user_id: str, latitude: str, longitude: str) -> dict[str, Any]:
        payload = {"coordinates": {"latitude": latitude, "longitude": longitude}}
        attachment = {"type": "location", "payload": payload}
        return self.event("user_send_location", user_id, attachments=[attachment])

    def file_event(self, user_id: str, url: str, name: str, size: int) -> dict[str, Any]:
        payload = {"url": url, "size": str(size), "name": name, "checksum": "x", "type": "pdf"}
        return self.event(
            "user_send_file", user_id, attachments=[{"type": "file", "payload": payload}]
        )

    def sticker_event(self, user_id: str) -> dict[str, Any]:
        payload = {"id": "bfe458bf64fa8da4d4eb", "url": "https://zalo-api.zadn.vn/sticker"}
        return self.event(
            "user_send_sticker", user_id, attachments=[{"type": "sticker", "payload": payload}]
        )

    def follow_event(self, user_id: str, *, follow: bool = True) -> dict[str, Any]:
        return {
            "oa_id": self.oa_id,
            "follower": {"id": user_id},
            "user_id_by_app": _new_id(),
            "event_name": "follow" if follow else "unfollow",
            "source": "oa_profile",
            "app_id": self.app_id,
            "timestamp": str(int(self.now() * 1000)),
        }

    def echo_event(self, user_id: str, text: str) -> dict[str, Any]:
        """What Zalo posts after the OA itself sent a message (sender and recipient swapped)."""
        event = self.event("oa_send_text", user_id, text=text)
        event["sender"], event["recipient"] = {"id": self.oa_id}, {"id": user_id}
        return event

    async def post(
        self,
        event: dict[str, Any],
        *,
        signature: str | None = None,
        body: bytes | None = None,
    ) -> OaDelivery:
        """POST ``event`` to the webhook, signed (or with ``signature`` as given: forged,
        empty for none) and wait for the answer, retrying as Zalo does. A user's event counts
        as their interaction with the OA (the 7-day window starts again)."""
        if not self.webhook_url:
            raise RuntimeError("no webhook_url")
        raw = body if body is not None else json.dumps(event, ensure_ascii=False).encode()
        if signature is None:
            signature = sign(self.app_id, raw, str(event.get("timestamp", "")), self.oa_secret_key)
        user = (event.get("sender") or event.get("follower") or {}).get("id")
        if event["event_name"].startswith(("user_", "follow")) and user:
            self._state.last_interaction[str(user)] = self.now()
        headers = {"Content-Type": "application/json"}
        if signature:
            headers[SIGNATURE_HEADER] = signature
        assert self._session is not None
        started = time.perf_counter()
        status: int | None = None
        attempt = 0
        for attempt in range(1, self.webhook_max_tries + 1):
            try:
                async with self._session.post(
                    self.webhook_url,
                    data=raw,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
                ) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError):
                status = None
            if status is not None and (200 <= status < 300 or status == 403):
                break
            if attempt < self.webhook_max_tries:
                await asyncio.sleep(self.webhook_retry_delay)
        delivery = OaDelivery(event["event_name"], status, attempt, time.perf_counter() - started)
        self.deliveries.append(delivery)
        self._changed.set()
        return delivery

    async def user_sends_text(self, user_id: str, text: str) -> OaDelivery:
        return await self.post(self.text_event(user_id, text))

    # ---------------------------------------------------------------- inspection

    def texts(self, user_id: str | None = None) -> list[str]:
        """Texts accepted for ``user_id`` (captions of images included), in order."""
        return [
            sent["message"].get("text", "")
            for sent in self.sent
            if user_id is None or sent["user_id"] == user_id
        ]

    def images(self, user_id: str) -> list[str]:
        urls = []
        for sent in self.sent:
            attachment = sent["message"].get("attachment")
            if sent["user_id"] == user_id and attachment:
                urls.extend(e["url"] for e in attachment["payload"]["elements"])
        return urls

    def calls(self, path: str) -> list[OaCall]:
        return [call for call in self.requests if call.path == path]

    async def wait_for(
        self,
        predicate: Callable[[], Any],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for the condition, not for I/O
    ) -> Any:
        """Wait until ``predicate()`` is truthy (checked after every request)."""
        deadline = time.monotonic() + timeout
        while True:
            self._changed.clear()
            value = predicate()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                last = [(c.path, c.error) for c in self.requests[-5:]]
                raise TimeoutError(f"condition not met within {timeout}s; last calls={last}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    async def wait_for_texts(
        self,
        user_id: str,
        count: int,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[str]:
        return await self.wait_for(
            lambda: (texts := self.texts(user_id)) and len(texts) >= count and texts,
            timeout=timeout,
        )

    # ---------------------------------------------------------------- HTTP

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["path"]
        call = OaCall(path, {})
        self.requests.append(call)
        try:
            if path == "/v4/oa/access_token" and request.method == "POST":
                return await self._token(request, call)
            failure = self._take_failure(path)
            if failure is not None:
                if failure.delay:
                    await asyncio.sleep(failure.delay)
                if failure.http_status is not None:
                    call.status = failure.http_status
                    return web.Response(
                        text="<html><body>502 Bad Gateway</body></html>",
                        status=failure.http_status,
                        content_type="text/html",
                    )
                if failure.error is not None:
                    return self._envelope(call, failure.error)
            if not self._within_rate():
                return self._envelope(call, -32)
            routes = {
                ("POST", "/v3.0/oa/message/cs"): self._message_cs,
                ("GET", "/v3.0/oa/user/detail"): self._user_detail,
                ("GET", "/v2.0/oa/getoa"): self._get_oa,
            }
            handler = routes.get((request.method, path))
            if handler is None:
                return self._envelope(call, 404)
            if not self._token_ok(request.headers.get("access_token")):
                return self._envelope(call, -216)
            return await handler(request, call)
        finally:
            self._changed.set()

    def _envelope(
        self, call: OaCall, error: int, data: Any = None, message: str | None = None
    ) -> web.Response:
        call.error = error
        body: dict[str, Any] = {"error": error, "message": message or ERRORS.get(error, "Error")}
        if error == 0:
            body = {"data": data, "error": 0, "message": "Success"}
        remain = max(0, self.rate_limit_per_minute - self._minute[1])
        headers = {
            "X-RateLimit-Limit": str(self.rate_limit_per_minute),
            "X-RateLimit-Remain": str(remain),
        }
        return web.json_response(body, headers=headers)

    def _take_failure(self, path: str) -> _Failure | None:
        for failure in self._failures:
            if failure.path in ("*", path):
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._failures.remove(failure)
                return failure
        return None

    def _within_rate(self) -> bool:
        minute = int(self.now() // 60)
        count = self._minute[1] + 1 if self._minute[0] == minute else 1
        self._minute = (minute, count)
        return count <= self.rate_limit_per_minute

    def _token_ok(self, token: str | None) -> bool:
        expiry = self._state.access_tokens.get(token or "")
        return expiry is not None and self.now() < expiry

    # ---------------------------------------------------------------- endpoints

    async def _token(self, request: web.Request, call: OaCall) -> web.Response:
        form = dict(await request.post())
        call.body = {name: str(value) for name, value in form.items()}
        if self.refresh_delay:
            await asyncio.sleep(self.refresh_delay)

        def refused(code: int, reason: str) -> web.Response:
            call.error = code
            body = {"error": code, "error_name": reason, "error_reason": reason, "ref_doc": ""}
            return web.json_response(body)

        if request.headers.get("secret_key") != self.app_secret:
            return refused(-14001, "Invalid secret key")
        if request.content_type != "application/x-www-form-urlencoded":
            return refused(-14002, "Invalid content type")
        if call.body.get("app_id") != self.app_id:
            return refused(-14003, "Invalid app id")
        grant = call.body.get("grant_type")
        if grant == "authorization_code":
            code = call.body.get("code", "")
            if code not in self._state.codes:
                return refused(-14019, "Invalid authorization code")
            self._state.codes.discard(code)
        elif grant == "refresh_token":
            token = call.body.get("refresh_token", "")
            if token not in self._state.refresh_tokens:
                return refused(-14014, "Invalid refresh token")
            self._state.refresh_tokens.discard(token)  # single use
            self.refreshes += 1
        else:
            return refused(-14004, "Invalid grant type")
        pair = _Grant(
            secrets.token_urlsafe(40), secrets.token_urlsafe(40), self.now() + self.access_lifetime
        )
        self._state.access_tokens[pair.access_token] = pair.access_expires
        self._state.refresh_tokens.add(pair.refresh_token)
        self.token_grants += 1
        return web.json_response(
            {
                "access_token": pair.access_token,
                "refresh_token": pair.refresh_token,
                "expires_in": str(int(self.access_lifetime)),
            }
        )

    async def _message_cs(self, request: web.Request, call: OaCall) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return self._envelope(call, -201, message="body is invalid!")
        call.body = body if isinstance(body, dict) else {}
        recipient = call.body.get("recipient")
        message = call.body.get("message")
        user_id = recipient.get("user_id") if isinstance(recipient, dict) else None
        if not isinstance(user_id, str) or not user_id:
            return self._envelope(call, -201, message="user_id is invalid!")
        if not isinstance(message, dict):
            return self._envelope(call, -201, message="message is invalid!")
        problem = self._message_problem(message)
        if problem:
            return self._envelope(call, -201, message=problem)
        last = self._state.last_interaction.get(user_id)
        if last is None or self.now() - last > WINDOW_SECONDS:
            return self._envelope(call, -230)
        message_id = secrets.token_hex(10)
        self.sent.append(
            {
                "user_id": user_id,
                "message": message,
                "message_id": message_id,
                "at": time.perf_counter(),  # when it was accepted, for latencies
            }
        )
        data = {
            "quota": {"quota_type": "reply", "remain": "8", "total": "8"},
            "message_id": message_id,
            "user_id": user_id,
            "sent_time": str(int(self.now() * 1000)),
        }
        return self._envelope(call, 0, data)

    @staticmethod
    def _message_problem(message: dict[str, Any]) -> str | None:
        text = message.get("text")
        attachment = message.get("attachment")
        if text is not None and (not isinstance(text, str) or len(text) > MAX_TEXT_LENGTH):
            return "text is invalid!"
        if attachment is None:
            return None if isinstance(text, str) and text.strip() else "text is invalid!"
        payload = attachment.get("payload") if isinstance(attachment, dict) else None
        if not isinstance(payload, dict) or payload.get("template_type") != "media":
            return "attachment is invalid!"
        elements = payload.get("elements")
        if not isinstance(elements, list) or len(elements) != 1:
            return "elements is invalid!"
        element = elements[0]
        if element.get("media_type") not in ("image", "gif", "sticker"):
            return "media_type is invalid!"
        if ("url" in element) == ("attachment_id" in element):
            return "url is invalid!"  # one of them, never both
        if "url" in element and not str(element["url"]).startswith(("https://", "http://")):
            return "url is invalid!"
        return None

    def _query(self, request: web.Request) -> dict[str, Any] | None:
        try:
            data = json.loads(request.query.get("data", "{}"))
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    async def _user_detail(self, request: web.Request, call: OaCall) -> web.Response:
        query = self._query(request)
        if query is None or not isinstance(query.get("user_id"), str):
            return self._envelope(call, -201, message="user_id is invalid!")
        call.body = query
        user_id = query["user_id"]
        return self._envelope(
            call,
            0,
            {
                "user_id": user_id,
                "user_id_by_app": _new_id(),
                "display_name": f"Người dùng {user_id[-4:]}",
                "user_is_follower": True,
            },
        )

    async def _get_oa(self, request: web.Request, call: OaCall) -> web.Response:
        return self._envelope(
            call, 0, {"oaid": self.oa_id, "name": "Công an xã Thử Nghiệm", "is_verified": True}
        )
