"""The fake Telegram Bot API server: its state, configuration, inspection and the HTTP
plumbing that routes a request to its method; the rest is in the mixins it is made of."""

from __future__ import annotations

import asyncio
import collections
import json
import time
import uuid
from typing import Any

from aiohttp import web

from tests.fakes.loopback import LoopbackServer, RegisteredWebhook, WebhookQueues
from tests.fakes.telegram_server.methods import TelegramMethods
from tests.fakes.telegram_server.records import (
    ApiError,
    ChatBucket,
    FailureRule,
    FileRecord,
    RecordedCall,
    SlidingWindow,
    UploadedFile,
    Waiter,
    WebhookDelivery,
    bad_request,
    compact_json,
)
from tests.fakes.telegram_server.spec import (
    DEFAULT_TOKEN,
    MAX_UPLOAD_SIZE,
    load_spec,
)
from tests.fakes.telegram_server.users import TelegramUsers
from tests.fakes.telegram_server.validation import TelegramValidation
from tests.fakes.telegram_server.waiting import TelegramWaiting
from tests.fakes.telegram_server.webhooks import TelegramWebhooks


class FakeTelegramServer(
    TelegramUsers,
    TelegramWaiting,
    TelegramValidation,
    TelegramMethods,
    TelegramWebhooks,
    RegisteredWebhook,
    LoopbackServer,
):
    """Loopback Telegram Bot API server (aiohttp) for tests.

    Args:
        token: the bot token the fake accepts; other tokens get 401.
        bot_username: username of the bot user returned by ``getMe``.
        known_chats_only: when True, sending to a chat that never wrote to the bot (and was not
            added with :meth:`add_chat`) answers 400 "chat not found" like Telegram does.
        webhook_retry_delay: seconds between two attempts to deliver an update to the webhook.
        webhook_max_tries: attempts per update before the fake gives up on it.
        webhook_timeout: seconds the fake waits for the webhook to answer.
        spec_path: explicit path of ``telegram-bot-api.json`` (default: searched).
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "antq_test_bot",
        known_chats_only: bool = False,
        webhook_retry_delay: float = 0.05,
        webhook_max_tries: int = 3,
        webhook_timeout: float = 10.0,
        spec_path: str | None = None,
    ) -> None:
        super().__init__()
        self.token = token
        spec = load_spec(spec_path)
        self._methods: dict[str, dict[str, Any]] = spec["methods"]
        self._types: dict[str, dict[str, Any]] = spec["types"]
        self._method_names = {name.lower(): name for name in self._methods}
        self._fields: dict[str, dict[str, dict[str, Any]]] = {
            name: {f["name"]: f for f in m.get("fields", [])} for name, m in self._methods.items()
        }
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 123456789
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Antq Test Bot",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.known_chats_only = known_chats_only
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_max_tries = webhook_max_tries
        self.webhook_timeout = webhook_timeout

        self.requests: list[RecordedCall] = []
        self.rejected: list[RecordedCall] = []
        self.updates: list[dict[str, Any]] = []
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.throttled = 0
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}

        self._calls_by_method: dict[str, list[RecordedCall]] = collections.defaultdict(list)
        self._sent: list[dict[str, Any]] = []
        self._sent_by_chat: dict[int | str, list[dict[str, Any]]] = collections.defaultdict(list)
        self._messages: dict[tuple[int | str, int], dict[str, Any]] = {}
        self._message_counters: dict[int | str, int] = collections.defaultdict(int)
        self._chats: dict[int | str, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._usernames: dict[str, int] = {}
        self._blocked: set[int | str] = set()
        self._files: dict[str, FileRecord] = {}
        self._files_by_path: dict[str, FileRecord] = {}
        self._callback_queries: dict[str, bool] = {}
        self._failures: list[FailureRule] = []
        self._waiters: list[Waiter] = []
        self._chat_waiters: dict[int | str, list[tuple[int, asyncio.Future[None]]]] = {}

        self._next_update_id = 100_000_000
        self._pending: collections.deque[dict[str, Any]] = collections.deque()
        self._new_update: asyncio.Event | None = None
        self._poll_generation = 0
        self._allowed_updates: list[str] | None = None

        self._webhook_url = ""
        self._webhook_secret: str | None = None
        self._webhook_max_connections = 40
        self._webhook_queues = WebhookQueues(
            self,
            self._deliver,
            active=lambda: bool(self._webhook_url),
            give_back=self._give_back,
            notify=self._notify,
        )
        self._webhook_semaphore: asyncio.Semaphore | None = None
        self._last_webhook_error: tuple[int, str] | None = None

        self._rate_total: float | None = None
        self._rate_chat: float | None = None
        self._rate_group_minute: float | None = None
        self._window_total = SlidingWindow(1.0)
        self._windows_chat: dict[int | str, ChatBucket] = {}
        self._chat_burst = 3
        self._windows_group: dict[int | str, SlidingWindow] = {}

        self._chat_instance_salt = uuid.uuid4().hex[:8]
        # Messages sent with a reply keyboard or ReplyKeyboardRemove: Telegram edits only
        # messages without reply_markup or with an inline keyboard.
        self._not_editable: set[tuple[int | str, int]] = set()

    # ---------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        """Value for ``ApplicationBuilder.base_url`` (PTB appends the token)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for ``ApplicationBuilder.base_file_url`` (PTB appends the token)."""
        return f"{self.url}/file/bot"

    @property
    def api_url(self) -> str:
        """Full API prefix including the token: ``{api_url}/{method}``."""
        return f"{self.base_url}{self.token}"

    def _make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPLOAD_SIZE + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        return app

    def _prepare(self) -> None:
        self._new_update = asyncio.Event()
        self._webhook_semaphore = asyncio.Semaphore(self._webhook_max_connections)

    def _wake(self) -> None:
        if self._new_update is not None:
            self._new_update.set()

    async def stop(self) -> None:
        """Stop serving (see :meth:`LoopbackServer.stop`), then cancel pending waits."""
        await super().stop()
        for waiter in self._waiters:
            if not waiter.future.done():
                waiter.future.cancel()

    # ---------------------------------------------------------------- configuration

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        retry_after: int | None = None,
        description: str | None = None,
        times: int = 1,
        chat_id: int | str | None = None,
        delay: float = 0.0,
        raw_body: str | None = None,
    ) -> None:
        """Answer the next ``times`` valid calls of ``method`` (``"*"`` = any) with an error.

        429 carries ``parameters.retry_after`` (default 3); 403 defaults to "bot was blocked by
        the user"; 502/504 default to a non-JSON gateway page; ``raw_body`` forces a body.
        ``chat_id`` restricts the rule to calls addressed to that chat; ``delay`` answers late.
        A 2xx ``status`` only delays, then answers normally.
        """
        if status == 429 and retry_after is None:
            retry_after = 3
        self._failures.append(
            FailureRule(
                method=method,
                status=status,
                retry_after=retry_after,
                description=description,
                remaining=times,
                chat_id=self._chat_key(chat_id) if chat_id is not None else None,
                delay=delay,
                raw_body=raw_body,
            )
        )

    def clear_failures(self) -> None:
        """Forget all pending :meth:`fail_next` rules."""
        self._failures.clear()

    def enforce_rate_limits(
        self,
        total_per_second: float = 30,
        per_chat_per_second: float = 1,
        per_group_per_minute: float | None = 20,
        per_chat_burst: int = 3,
    ) -> None:
        """Answer sends beyond these rates (sliding windows; a chat's as a bucket of
        ``per_chat_burst``) with 429 and count them."""
        self._rate_total = total_per_second
        self._rate_chat = per_chat_per_second
        self._chat_burst = per_chat_burst
        self._windows_chat.clear()
        self._rate_group_minute = per_group_per_minute

    def disable_rate_limits(self) -> None:
        """Stop enforcing rate limits."""
        self._rate_total = self._rate_chat = self._rate_group_minute = None

    def add_chat(
        self, chat_id: int | str, chat_type: str = "private", *, title: str | None = None
    ) -> dict[str, Any]:
        """Make a chat known (relevant with ``known_chats_only``) and return its Chat object."""
        key = self._chat_key(chat_id)
        if key not in self._chats:
            chat: dict[str, Any] = {"id": key, "type": chat_type}
            if chat_type == "private" and isinstance(key, int):
                chat["first_name"] = self._user(key)["first_name"]
            else:
                chat["title"] = title or f"Chat {key}"
            self._chats[key] = chat
        return self._chats[key]

    def add_file(
        self,
        content: bytes | None = None,
        *,
        file_id: str | None = None,
        file_size: int | None = None,
        file_path: str | None = None,
    ) -> str:
        """Register a downloadable file and return its ``file_id``."""
        size = file_size if file_size is not None else len(content or b"")
        return self._register_file(file_id, size, file_path, content).file_id

    def user_blocks_bot(self, user_id: int, *, send_update: bool = True) -> int | None:
        """From now on sends to ``user_id`` answer 403; optionally queue ``my_chat_member``."""
        self._blocked.add(user_id)
        if not send_update:
            return None
        return self.queue_update(self._my_chat_member(user_id, "member", "kicked"))

    def user_unblocks_bot(self, user_id: int, *, send_update: bool = True) -> int | None:
        """Undo :meth:`user_blocks_bot`."""
        self._blocked.discard(user_id)
        if not send_update:
            return None
        return self.queue_update(self._my_chat_member(user_id, "kicked", "member"))

    # ---------------------------------------------------------------- inspection

    def calls(self, method: str) -> list[RecordedCall]:
        """All recorded calls of ``method`` (any outcome), in order."""
        return list(self._calls_by_method.get(self._canonical(method) or method, []))

    def sent_messages(self, chat_id: int | str | None = None) -> list[dict[str, Any]]:
        """Params of successful send* calls (not sendChatAction), in order.

        Each dict is the decoded request params plus ``"method"`` (e.g. "sendMessage") and
        ``"message_id"`` (the id the fake gave the sent message).
        """
        if chat_id is None:
            return list(self._sent)
        return list(self._sent_by_chat.get(self._chat_key(chat_id), []))

    def last_message(self, chat_id: int | str) -> dict[str, Any] | None:
        """Params of the last message sent to ``chat_id`` or None."""
        sent = self._sent_by_chat.get(self._chat_key(chat_id))
        return sent[-1] if sent else None

    def message(self, chat_id: int | str, message_id: int) -> dict[str, Any] | None:
        """The current Message object (edits applied) of any message in the chat."""
        return self._messages.get((self._chat_key(chat_id), message_id))

    def unanswered_callback_queries(self) -> list[str]:
        """Ids of callback queries the bot has not answered with answerCallbackQuery."""
        return [qid for qid, answered in self._callback_queries.items() if not answered]

    @property
    def pending_update_count(self) -> int:
        """Updates not yet confirmed by getUpdates or delivered to the webhook."""
        return len(self._pending) + self._webhook_queues.waiting

    # ---------------------------------------------------------------- HTTP plumbing

    def _canonical(self, method: str) -> str | None:
        return self._method_names.get(method.lower())

    @staticmethod
    def _chat_key(chat_id: Any) -> int | str:
        if isinstance(chat_id, bool):
            return str(chat_id)
        if isinstance(chat_id, int):
            return chat_id
        text = str(chat_id)
        try:
            return int(text)
        except ValueError:
            return text

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        if request.method != "POST" or not request.can_read_body:
            return raw
        ctype = request.content_type
        if ctype == "application/json":
            try:
                body = await request.json()
            except json.JSONDecodeError:
                raise bad_request("can't parse JSON encoded request body") from None
            if not isinstance(body, dict):
                raise bad_request("request body must be a JSON object")
            raw.update(body)
            return raw
        if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    raw[key] = UploadedFile(key, value.filename, value.content_type, data)
                else:
                    raw[key] = value
        return raw

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["method"]
        now = time.monotonic()
        try:
            raw = await self._read_params(request)
        except ApiError as err:
            call = RecordedCall(name, {}, now, err.status, err.description)
            return self._finish_error(call, err)
        method = self._canonical(name)
        call = RecordedCall(method or name, raw, now)
        if request.match_info["token"] != self.token:
            return self._finish_error(call, ApiError(401, "Unauthorized"))
        if method is None:
            return self._finish_error(call, ApiError(404, "Not Found: method not found"))
        try:
            params = self._validate_params(method, raw)
            call.params = params
            chat_key = self._chat_key(params["chat_id"]) if "chat_id" in params else None
            rule = self._take_failure(method, chat_key)
            if rule is not None:
                if rule.delay:
                    await asyncio.sleep(rule.delay)
                if rule.status >= 300:
                    return self._injected_response(call, rule)
            self._check_rate_limits(method, chat_key)
            handler = getattr(self, f"_m_{method}", None)
            if handler is not None:
                result = await handler(params, call)
            else:
                result = self._generic_result(method, params)
        except ApiError as err:
            if request.transport is None or request.transport.is_closing():
                # The client hung up (e.g. PTB cancelled a long poll): nobody sees this answer.
                err.invalid = False
            return self._finish_error(call, err)
        call.result = result
        self._record(call)
        return web.json_response({"ok": True, "result": result}, dumps=compact_json)

    def _record(self, call: RecordedCall) -> None:
        self.requests.append(call)
        self._calls_by_method[call.method].append(call)
        self._notify()

    def _finish_error(self, call: RecordedCall, err: ApiError) -> web.Response:
        call.status = err.status
        call.description = err.description
        if err.invalid:
            self.rejected.append(call)
        self._record(call)
        body: dict[str, Any] = {
            "ok": False,
            "error_code": err.status,
            "description": err.description,
        }
        if err.parameters:
            body["parameters"] = err.parameters
        return web.json_response(body, status=err.status, dumps=compact_json)

    def _take_failure(self, method: str, chat_key: int | str | None) -> FailureRule | None:
        for rule in self._failures:
            if rule.method not in ("*", method) and self._canonical(rule.method) != method:
                continue
            if rule.chat_id is not None and rule.chat_id != chat_key:
                continue
            rule.remaining -= 1
            if rule.remaining <= 0:
                self._failures.remove(rule)
            return rule
        return None

    def _injected_response(self, call: RecordedCall, rule: FailureRule) -> web.Response:
        status = rule.status
        call.status = status
        if rule.raw_body is not None or (rule.description is None and status in (502, 503, 504)):
            body = rule.raw_body
            if body is None:
                phrase = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Time-out"}
                body = (
                    f"<html>\r\n<head><title>{status} {phrase[status]}</title></head>\r\n<body>\r\n"
                    f"<center><h1>{status} {phrase[status]}</h1></center>\r\n"
                    "<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"
                )
            call.description = body
            self._record(call)
            return web.Response(text=body, status=status, content_type="text/html")
        defaults = {
            400: "Bad Request",
            401: "Unauthorized",
            403: "Forbidden: bot was blocked by the user",
            404: "Not Found",
            409: "Conflict: terminated by other getUpdates request; make sure that only one "
            "bot instance is running",
            429: f"Too Many Requests: retry after {rule.retry_after}",
            500: "Internal Server Error",
        }
        description = rule.description or defaults.get(status, f"Error {status}")
        body_json: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if rule.retry_after is not None:
            body_json["parameters"] = {"retry_after": rule.retry_after}
        call.description = description
        self._record(call)
        return web.json_response(body_json, status=status, dumps=compact_json)

    def _check_rate_limits(self, method: str, chat_key: int | str | None) -> None:
        if self._rate_total is None and self._rate_chat is None:
            return
        if chat_key is None or not self._is_sending(method):
            return
        now = time.monotonic()
        checks: list[tuple[SlidingWindow, float]] = []
        if self._rate_total is not None:
            checks.append((self._window_total, max(1.0, self._rate_total)))
        bucket = None
        if self._rate_chat is not None:
            bucket = self._windows_chat.get(chat_key)
            if bucket is None:
                bucket = ChatBucket(self._rate_chat, self._chat_burst)
                self._windows_chat[chat_key] = bucket
            if not bucket.allows(now):
                self.throttled += 1
                retry = bucket.retry_after(now)
                raise ApiError(
                    429,
                    f"Too Many Requests: retry after {retry}",
                    parameters={"retry_after": retry},
                    invalid=False,
                )
        is_group = isinstance(chat_key, int) and chat_key < 0
        if self._rate_group_minute is not None and is_group:
            window = self._windows_group.setdefault(chat_key, SlidingWindow(60.0))
            checks.append((window, max(1.0, self._rate_group_minute)))
        for window, capacity in checks:
            if window.count(now) >= capacity:
                self.throttled += 1
                retry = window.retry_after(now)
                raise ApiError(
                    429,
                    f"Too Many Requests: retry after {retry}",
                    parameters={"retry_after": retry},
                    invalid=False,
                )
        for window, _capacity in checks:
            window.add(now)
        if bucket is not None:
            bucket.add(now)

    @staticmethod
    def _is_sending(method: str) -> bool:
        return (method.startswith("send") and method != "sendChatAction") or method in (
            "forwardMessage",
            "forwardMessages",
            "copyMessage",
            "copyMessages",
        )
