"""A loopback fake of the Telegram Bot API for end-to-end tests.

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

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import html
import itertools
import json
import math
import os
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes.loopback import LoopbackServer

__all__ = [
    "DEFAULT_TOKEN",
    "FakeTelegramServer",
    "RecordedCall",
    "UploadedFile",
    "WebhookDelivery",
    "load_spec",
]

DEFAULT_TOKEN = "123456789:AAF-fake_token_for_antq_tests_0123456"

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024
MAX_UPLOAD_SIZE = 50 * 1024 * 1024

_INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_KEYBOARD_BUTTON_REQUESTS = (
    "request_users",
    "request_chat",
    "request_managed_bot",
    "request_contact",
    "request_location",
    "request_poll",
    "web_app",
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "tg-time",
        "code",
        "pre",
        "blockquote",
    }
)
_MDV2_RESERVED = frozenset("#+-={}.!")
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_DEEP_LINK_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_DEFAULT_ALLOWED_UPDATES_EXCLUDED = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


# --------------------------------------------------------------------------------------------
# Specification
# --------------------------------------------------------------------------------------------


def _spec_candidates() -> list[Path]:
    """Places where the Bot API description may live, most specific first."""
    here = Path(__file__).resolve()
    candidates: list[Path] = []
    env = os.environ.get("ANTQ_TELEGRAM_SPEC")
    if env:
        candidates.append(Path(env))
    # A copy of the published description is kept beside this module so that a fresh clone
    # (CI) needs nothing outside the repository.
    candidates.append(here.parent / "telegram-bot-api.json")
    return candidates


@functools.cache
def load_spec(path: str | None = None) -> dict[str, Any]:
    """Load (once) the Bot API description: ``{"methods": {...}, "types": {...}}``."""
    paths = [Path(path)] if path else _spec_candidates()
    for candidate in paths:
        if candidate.is_file():
            with candidate.open(encoding="utf-8") as fh:
                return json.load(fh)
    raise FileNotFoundError(
        "telegram-bot-api.json not found; set ANTQ_TELEGRAM_SPEC. Tried: "
        + ", ".join(str(p) for p in paths)
    )


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class UploadedFile:
    """A file the bot uploaded in a multipart request."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes

    @property
    def size(self) -> int:
        """Size of the upload in bytes."""
        return len(self.data)


@dataclass(slots=True)
class RecordedCall:
    """One HTTP request the bot made to the fake API.

    ``params`` holds the decoded parameters (JSON strings already parsed, uploads as
    :class:`UploadedFile`); ``time`` is ``time.monotonic()`` at arrival; ``status`` is the HTTP
    status answered and ``description`` the error description when it was not 200.
    """

    method: str
    params: dict[str, Any]
    time: float
    status: int = 200
    description: str | None = None
    result: Any = None

    @property
    def ok(self) -> bool:
        """Whether the request was answered with ``ok: true``."""
        return self.status == 200


@dataclass(slots=True)
class WebhookDelivery:
    """One update POSTed to the bot's webhook (after all its attempts)."""

    update_id: int
    status: int | None
    attempts: int
    ok: bool
    error: str | None = None


@dataclass(slots=True)
class _FailureRule:
    method: str
    status: int
    retry_after: int | None
    description: str | None
    remaining: int
    chat_id: int | str | None
    delay: float
    raw_body: str | None


@dataclass(slots=True)
class _FileRecord:
    file_id: str
    file_unique_id: str
    file_size: int
    file_path: str
    content: bytes | None = None


@dataclass(slots=True)
class _Waiter:
    predicate: Callable[[], Any]
    future: asyncio.Future[Any]


class _ApiError(Exception):
    """An error answer: HTTP status plus Telegram's description."""

    def __init__(
        self,
        status: int,
        description: str,
        *,
        parameters: dict[str, Any] | None = None,
        invalid: bool = True,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters
        self.invalid = invalid


def _bad(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


class _SlidingWindow:
    """Counts events in the last ``window`` seconds."""

    __slots__ = ("_events", "window")

    def __init__(self, window: float) -> None:
        self.window = window
        self._events: collections.deque[float] = collections.deque()

    def count(self, now: float) -> int:
        """Number of events inside the window ending at ``now``."""
        events = self._events
        while events and events[0] <= now - self.window:
            events.popleft()
        return len(events)

    def retry_after(self, now: float) -> int:
        """Whole seconds until the oldest event leaves the window (at least 1)."""
        if not self._events:
            return 1
        return max(1, math.ceil(self._events[0] + self.window - now))

    def add(self, now: float) -> None:
        """Record an event at ``now``."""
        self._events.append(now)


# --------------------------------------------------------------------------------------------
# Text / entity parsing
# --------------------------------------------------------------------------------------------


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)\s*(/?)>")


def _parse_html(text: str) -> str:
    """Validate Telegram HTML and return the plain text (tags removed, entities decoded)."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    while True:
        lt = text.find("<", pos)
        if lt < 0:
            out.append(text[pos:])
            break
        out.append(text[pos:lt])
        match = _TAG_RE.match(text, lt)
        if match is None:
            raise _bad(
                'can\'t parse entities: Unsupported start tag "" at byte offset '
                f"{_byte_offset(text, lt)}"
            )
        closing, name, _attrs, _self_closing = match.groups()
        name = name.lower()
        if name not in _HTML_TAGS:
            kind = "end" if closing else "start"
            raise _bad(
                f'can\'t parse entities: Unsupported {kind} tag "{name}" at byte offset '
                f"{_byte_offset(text, lt)}"
            )
        if closing:
            if not stack or stack[-1] != name:
                expected = f'"</{stack[-1]}>"' if stack else "nothing"
                raise _bad(
                    f"can't parse entities: Unmatched end tag at byte offset "
                    f'{_byte_offset(text, lt)}, expected {expected}, found "</{name}>"'
                )
            stack.pop()
        else:
            stack.append(name)
        pos = match.end()
    if stack:
        raise _bad(
            f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\""
        )
    return html.unescape("".join(out))


def _parse_markdown_v2(text: str) -> str:
    """Validate MarkdownV2 (reserved characters, balanced entities) and return plain text."""
    out: list[str] = []
    open_marks: dict[str, int] = {}
    i = 0
    n = len(text)
    line_start = True
    link_depth = 0
    while i < n:
        ch = text[i]
        if ch == "\\":
            if i + 1 < n:
                out.append(text[i + 1])
                i += 2
                line_start = False
                continue
            raise _bad("can't parse entities: Character '\\' is reserved")
        if ch == "`":
            fence = "```" if text.startswith("```", i) else "`"
            end = text.find(fence, i + len(fence))
            while end > 0 and text[end - 1] == "\\":
                end = text.find(fence, end + 1)
            if end < 0:
                name = "Pre" if fence == "```" else "Code"
                raise _bad(
                    f"can't parse entities: Can't find end of {name} entity at byte offset "
                    f"{_byte_offset(text, i)}"
                )
            body = text[i + len(fence) : end]
            if fence == "```" and "\n" in body:
                first, rest = body.split("\n", 1)
                body = rest if first and " " not in first else body
            out.append(body.replace("\\`", "`").replace("\\\\", "\\"))
            i = end + len(fence)
            line_start = False
            continue
        if ch == "[":
            link_depth += 1
            i += 1
            continue
        if ch == "]":
            if link_depth == 0:
                raise _bad(
                    "can't parse entities: Character ']' is reserved and must be escaped "
                    "with the preceding '\\'"
                )
            link_depth -= 1
            if i + 1 < n and text[i + 1] == "(":
                end = i + 2
                while end < n and text[end] != ")":
                    end += 2 if text[end] == "\\" else 1
                if end >= n:
                    raise _bad("can't parse entities: Can't find end of a URL")
                i = end + 1
            else:
                i += 1
            continue
        if ch == ">" and line_start:
            i += 1
            continue
        if ch == "|" and text.startswith("||", i):
            _toggle(open_marks, "||", i)
            i += 2
            continue
        if ch == "_" and text.startswith("__", i):
            _toggle(open_marks, "__", i)
            i += 2
            continue
        if ch in "*_~":
            _toggle(open_marks, ch, i)
            i += 1
            continue
        if ch in _MDV2_RESERVED or ch in "()>|":
            raise _bad(
                f"can't parse entities: Character '{ch}' is reserved and must be escaped "
                "with the preceding '\\'"
            )
        out.append(ch)
        line_start = ch == "\n"
        i += 1
    if open_marks:
        mark, index = next(iter(open_marks.items()))
        names = {"*": "Bold", "_": "Italic", "__": "Underline", "~": "Strikethrough"}
        raise _bad(
            f"can't parse entities: Can't find end of {names.get(mark, 'Spoiler')} entity at "
            f"byte offset {_byte_offset(text, index)}"
        )
    return "".join(out)


def _toggle(open_marks: dict[str, int], mark: str, index: int) -> None:
    if mark in open_marks:
        del open_marks[mark]
    else:
        open_marks[mark] = index


def _parse_markdown(text: str) -> str:
    """Validate legacy Markdown (balanced ``* _ ` ```) and return plain text."""
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in "*_`[":
            out.append(text[i + 1])
            i += 2
            continue
        if ch in "*_`":
            fence = "```" if text.startswith("```", i) else ch
            end = text.find(fence, i + len(fence))
            if end < 0:
                raise _bad(
                    "can't parse entities: Can't find end of the entity starting at byte "
                    f"offset {_byte_offset(text, i)}"
                )
            inner = text[i + len(fence) : end]
            out.append(inner if fence in ("`", "```") else _parse_markdown(inner))
            i = end + len(fence)
            continue
        if ch == "[":
            close = text.find("](", i)
            end = text.find(")", close) if close >= 0 else -1
            if close >= 0 and end >= 0:
                out.append(text[i + 1 : close])
                i = end + 1
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def _plain_text(text: str, parse_mode: str | None) -> str:
    """Apply ``parse_mode`` like Telegram and return the resulting plain text."""
    if not parse_mode:
        return text
    mode = parse_mode.lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_markdown_v2(text)
    if mode == "markdown":
        return _parse_markdown(text)
    raise _bad(f"unsupported parse_mode {parse_mode!r}")


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


class FakeTelegramServer(LoopbackServer):
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
        self._files: dict[str, _FileRecord] = {}
        self._files_by_path: dict[str, _FileRecord] = {}
        self._callback_queries: dict[str, bool] = {}
        self._failures: list[_FailureRule] = []
        self._waiters: list[_Waiter] = []
        self._chat_waiters: dict[int | str, list[tuple[int, asyncio.Future[None]]]] = {}

        self._next_update_id = 100_000_000
        self._pending: collections.deque[dict[str, Any]] = collections.deque()
        self._new_update: asyncio.Event | None = None
        self._poll_generation = 0
        self._allowed_updates: list[str] | None = None

        self._webhook_url = ""
        self._webhook_secret: str | None = None
        self._webhook_max_connections = 40
        self._webhook_queues: dict[Any, collections.deque[dict[str, Any]]] = {}
        self._webhook_in_flight = 0
        self._webhook_semaphore: asyncio.Semaphore | None = None
        self._last_webhook_error: tuple[int, str] | None = None

        self._rate_total: float | None = None
        self._rate_chat: float | None = None
        self._rate_group_minute: float | None = None
        self._window_total = _SlidingWindow(1.0)
        self._windows_chat: dict[int | str, _SlidingWindow] = {}
        self._windows_group: dict[int | str, _SlidingWindow] = {}

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
            _FailureRule(
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
    ) -> None:
        """Answer sends beyond these rates (sliding windows) with 429 and count them."""
        self._rate_total = total_per_second
        self._rate_chat = per_chat_per_second
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
        return (
            len(self._pending)
            + sum(len(q) for q in self._webhook_queues.values())
            + (self._webhook_in_flight)
        )

    @property
    def webhook_url(self) -> str:
        """The URL registered with setWebhook ("" when none)."""
        return self._webhook_url

    @property
    def webhook_secret(self) -> str | None:
        """The secret_token registered with setWebhook."""
        return self._webhook_secret

    # ---------------------------------------------------------------- waiting

    async def wait_for(
        self,
        predicate: Callable[[], Any] | int,
        *,
        chat_id: int | str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for the condition, not for I/O
    ) -> Any:
        """Wait until ``predicate()`` is truthy (re-checked after every request and delivery).

        An int means "that many messages sent to ``chat_id``" (or in total without chat_id).
        Returns the predicate's value (or the list of sent messages).
        """
        if isinstance(predicate, int):
            count = predicate
            if chat_id is not None:
                return await self.wait_for_messages(chat_id, count, timeout=timeout)
            return await self.wait_for(
                lambda: self.sent_messages() if len(self._sent) >= count else None,
                timeout=timeout,
            )
        value = predicate()
        if value:
            return value
        loop = asyncio.get_running_loop()
        waiter = _Waiter(predicate, loop.create_future())
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(waiter.future, timeout)
        except TimeoutError:
            raise TimeoutError(f"condition not met within {timeout}s; {self._summary()}") from None
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)

    async def wait_for_messages(
        self,
        chat_id: int | str,
        count: int = 1,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[dict[str, Any]]:
        """Wait until at least ``count`` messages were sent to ``chat_id``; return them all."""
        key = self._chat_key(chat_id)
        if len(self._sent_by_chat.get(key, ())) < count:
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            entry = (count, future)
            self._chat_waiters.setdefault(key, []).append(entry)
            try:
                await asyncio.wait_for(future, timeout)
            except TimeoutError:
                got = len(self._sent_by_chat.get(key, ()))
                raise TimeoutError(
                    f"expected {count} messages to chat {key}, got {got} within {timeout}s; "
                    f"{self._summary()}"
                ) from None
            finally:
                waiters = self._chat_waiters.get(key)
                if waiters and entry in waiters:
                    waiters.remove(entry)
        return self.sent_messages(key)

    async def wait_for_call(
        self,
        method: str,
        count: int = 1,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[RecordedCall]:
        """Wait until ``method`` was called at least ``count`` times; return those calls."""
        name = self._canonical(method) or method
        return await self.wait_for(
            lambda: self.calls(name) if len(self._calls_by_method.get(name, ())) >= count else None,
            timeout=timeout,
        )

    async def wait_for_updates_consumed(self, *, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until every queued update was confirmed (getUpdates) or delivered (webhook)."""
        await self.wait_for(lambda: self.pending_update_count == 0, timeout=timeout)

    def _summary(self) -> str:
        last = [f"{c.method}:{c.status}" for c in self.requests[-8:]]
        rejected = [f"{c.method}: {c.description}" for c in self.rejected[-3:]]
        return f"last requests={last}, rejected={rejected}, pending={self.pending_update_count}"

    def _notify(self, chat_key: int | str | None = None) -> None:
        if chat_key is not None and chat_key in self._chat_waiters:
            have = len(self._sent_by_chat.get(chat_key, ()))
            for count, future in self._chat_waiters[chat_key]:
                if have >= count and not future.done():
                    future.set_result(None)
        for waiter in self._waiters:
            if waiter.future.done():
                continue
            try:
                value = waiter.predicate()
            except Exception as exc:
                waiter.future.set_exception(exc)
                continue
            if value:
                waiter.future.set_result(value)

    # ---------------------------------------------------------------- driving: updates

    def queue_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update (``update_id`` assigned if missing); return its update_id."""
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
        self._next_update_id = max(self._next_update_id, update["update_id"]) + 1
        self.updates.append(update)
        kind = self._update_kind(update)
        if not self._update_allowed(kind):
            return update["update_id"]
        if self._webhook_url:
            self._enqueue_webhook(update)
        else:
            self._pending.append(update)
            if self._new_update is not None:
                self._new_update.set()
        return update["update_id"]

    def user_sends_text(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "vi",
        chat_type: str = "private",
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> int:
        """A user writes ``text`` (a leading /command gets a bot_command entity)."""
        user = self._user(user_id, first_name, last_name, username, language_code)
        message = self._user_message(user, chat_id, chat_type)
        message["text"] = text
        entities = self._command_entities(text)
        if entities:
            message["entities"] = entities
        if reply_to_message_id is not None:
            replied = self._messages.get((message["chat"]["id"], reply_to_message_id))
            if replied:
                message["reply_to_message"] = replied
        return self.queue_update({"message": message})

    def user_sends_command(self, user_id: int, command: str, **kwargs: Any) -> int:
        """A user sends a command such as ``"/start payload"`` (with a bot_command entity)."""
        if not command.startswith("/"):
            raise ValueError("a command starts with '/'")
        return self.user_sends_text(user_id, command, **kwargs)

    def user_opens_deep_link(self, user_id: int, payload: str, **kwargs: Any) -> int:
        """A user opens ``t.me/<bot>?start=<payload>``: arrives as ``/start <payload>``."""
        if not _DEEP_LINK_RE.match(payload):
            raise ValueError("deep-link payload must be 1-64 chars of A-Z a-z 0-9 _ -")
        return self.user_sends_text(user_id, f"/start {payload}", **kwargs)

    def user_taps_button(
        self,
        user_id: int,
        message_id: int,
        callback_data: str,
        *,
        chat_id: int | None = None,
        strict: bool = True,
    ) -> int:
        """A user taps an inline button of the bot's message ``message_id``.

        With ``strict`` the button must exist in that message's current inline keyboard.
        """
        key = chat_id if chat_id is not None else user_id
        message = self._messages.get((key, message_id))
        if message is None:
            raise ValueError(f"no message {message_id} in chat {key}")
        if strict:
            datas = [
                button.get("callback_data")
                for row in message.get("reply_markup", {}).get("inline_keyboard", [])
                for button in row
            ]
            if callback_data not in datas:
                raise ValueError(f"message {message_id} has no button {callback_data!r}: {datas}")
        query_id = str(uuid.uuid4().int >> 64)
        self._callback_queries[query_id] = False
        query = {
            "id": query_id,
            "from": self._user(user_id),
            "message": message,
            "chat_instance": f"{self._chat_instance_salt}{key}",
            "data": callback_data,
        }
        return self.queue_update({"callback_query": query})

    def user_shares_location(self, user_id: int, latitude: float, longitude: float) -> int:
        """A user shares a location (e.g. from a request_location button)."""
        message = self._user_message(self._user(user_id), None, "private")
        message["location"] = {"latitude": latitude, "longitude": longitude}
        return self.queue_update({"message": message})

    def user_shares_contact(
        self, user_id: int, phone_number: str, *, first_name: str | None = None
    ) -> int:
        """A user shares their own contact (e.g. from a request_contact button)."""
        user = self._user(user_id)
        message = self._user_message(user, None, "private")
        message["contact"] = {
            "phone_number": phone_number,
            "first_name": first_name or user["first_name"],
            "user_id": user_id,
        }
        return self.queue_update({"message": message})

    def user_sends_photo(
        self,
        user_id: int,
        *,
        file_id: str | None = None,
        file_size: int = 120_000,
        width: int = 1280,
        height: int = 960,
        caption: str | None = None,
        content: bytes | None = None,
    ) -> int:
        """A user sends a photo (a PhotoSize array, largest last, which has ``file_id``)."""
        message = self._user_message(self._user(user_id), None, "private")
        sizes = []
        for scale in (12, 4):
            small = self._register_file(None, max(1, file_size // (scale * scale)), None, None)
            sizes.append(
                {
                    "file_id": small.file_id,
                    "file_unique_id": small.file_unique_id,
                    "width": max(1, width // scale),
                    "height": max(1, height // scale),
                    "file_size": small.file_size,
                }
            )
        big = self._register_file(file_id, file_size, None, content, kind="photos", ext="jpg")
        sizes.append(
            {
                "file_id": big.file_id,
                "file_unique_id": big.file_unique_id,
                "width": width,
                "height": height,
                "file_size": file_size,
            }
        )
        message["photo"] = sizes
        if caption is not None:
            message["caption"] = caption
        return self.queue_update({"message": message})

    def user_sends_document(
        self,
        user_id: int,
        *,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        file_size: int = 50_000,
        file_id: str | None = None,
        caption: str | None = None,
        content: bytes | None = None,
    ) -> int:
        """A user sends a document."""
        message = self._user_message(self._user(user_id), None, "private")
        ext = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        record = self._register_file(file_id, file_size, None, content, kind="documents", ext=ext)
        message["document"] = {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": file_size,
        }
        if caption is not None:
            message["caption"] = caption
        return self.queue_update({"message": message})

    def user_sends_video(
        self,
        user_id: int,
        *,
        file_size: int = 1_000_000,
        duration: int = 5,
        width: int = 640,
        height: int = 360,
        mime_type: str = "video/mp4",
        file_id: str | None = None,
        caption: str | None = None,
        content: bytes | None = None,
    ) -> int:
        """A user sends a video."""
        message = self._user_message(self._user(user_id), None, "private")
        record = self._register_file(file_id, file_size, None, content, kind="videos", ext="mp4")
        message["video"] = {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "width": width,
            "height": height,
            "duration": duration,
            "mime_type": mime_type,
            "file_size": file_size,
        }
        if caption is not None:
            message["caption"] = caption
        return self.queue_update({"message": message})

    def user_sends_voice(
        self,
        user_id: int,
        *,
        duration: int = 3,
        file_size: int = 20_000,
        mime_type: str = "audio/ogg",
        file_id: str | None = None,
        content: bytes | None = None,
    ) -> int:
        """A user sends a voice note."""
        message = self._user_message(self._user(user_id), None, "private")
        record = self._register_file(file_id, file_size, None, content, kind="voice", ext="oga")
        message["voice"] = {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "duration": duration,
            "mime_type": mime_type,
            "file_size": file_size,
        }
        return self.queue_update({"message": message})

    def user_sends_sticker(self, user_id: int, *, emoji: str = "👍") -> int:
        """A user sends a sticker."""
        message = self._user_message(self._user(user_id), None, "private")
        record = self._register_file(None, 20_000, None, None, kind="stickers", ext="webp")
        message["sticker"] = {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "TestStickers",
            "file_size": record.file_size,
        }
        return self.queue_update({"message": message})

    def user_edits_message(
        self, user_id: int, message_id: int, text: str, *, chat_id: int | None = None
    ) -> int:
        """A user edits their earlier text message: an ``edited_message`` update."""
        key = chat_id if chat_id is not None else user_id
        original = self._messages.get((key, message_id))
        if original is None:
            raise ValueError(f"no message {message_id} in chat {key}")
        edited = dict(original)
        edited["text"] = text
        edited["edit_date"] = int(time.time())
        entities = self._command_entities(text)
        if entities:
            edited["entities"] = entities
        else:
            edited.pop("entities", None)
        self._messages[(key, message_id)] = edited
        return self.queue_update({"edited_message": edited})

    def channel_post(self, chat_id: int, text: str, *, title: str = "Test channel") -> int:
        """A post in a channel where the bot is admin: a ``channel_post`` update."""
        chat = self.add_chat(chat_id, "channel", title=title)
        message = {
            "message_id": self._next_message_id(chat["id"]),
            "date": int(time.time()),
            "chat": chat,
            "sender_chat": chat,
            "text": text,
        }
        self._messages[(chat["id"], message["message_id"])] = message
        return self.queue_update({"channel_post": message})

    def group_message(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        chat_type: str = "group",
        title: str = "Test group",
        first_name: str = "Test",
    ) -> int:
        """A user writes ``text`` in a group the bot is in."""
        user = self._user(user_id, first_name)
        self.add_chat(chat_id, chat_type, title=title)
        message = self._user_message(user, chat_id, chat_type)
        message["text"] = text
        entities = self._command_entities(text)
        if entities:
            message["entities"] = entities
        return self.queue_update({"message": message})

    # ---------------------------------------------------------------- builders

    def _user(
        self,
        user_id: int,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        user = self._users.get(user_id)
        if user is None:
            user = {"id": user_id, "is_bot": False, "first_name": first_name or "Test"}
            if language_code:
                user["language_code"] = language_code
            self._users[user_id] = user
        elif first_name and first_name != "Test":
            user["first_name"] = first_name
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
            self._usernames[username.lower()] = user_id
        return dict(user)

    def _user_message(
        self,
        user: dict[str, Any],
        chat_id: int | None,
        chat_type: str,
    ) -> dict[str, Any]:
        key = chat_id if chat_id is not None else user["id"]
        if chat_type == "private" and key == user["id"]:
            chat = {"id": key, "type": "private", "first_name": user["first_name"]}
            if "username" in user:
                chat["username"] = user["username"]
            self._chats[key] = chat
        else:
            chat = self.add_chat(key, chat_type)
        message = {
            "message_id": self._next_message_id(key),
            "from": user,
            "chat": dict(chat),
            "date": int(time.time()),
        }
        self._messages[(key, message["message_id"])] = message
        return message

    def _my_chat_member(self, user_id: int, old: str, new: str) -> dict[str, Any]:
        user = self._user(user_id)
        chat = self.add_chat(user_id, "private")
        return {
            "my_chat_member": {
                "chat": chat,
                "from": user,
                "date": int(time.time()),
                "old_chat_member": {"status": old, "user": self.bot_user},
                "new_chat_member": (
                    {"status": new, "user": self.bot_user, "until_date": 0}
                    if new == "kicked"
                    else {"status": new, "user": self.bot_user}
                ),
            }
        }

    @staticmethod
    def _command_entities(text: str) -> list[dict[str, Any]]:
        if not text.startswith("/"):
            return []
        command = text.split(maxsplit=1)[0] if text.strip() else text
        if len(command) < 2:
            return []
        length = len(command.encode("utf-16-le")) // 2
        return [{"type": "bot_command", "offset": 0, "length": length}]

    def _next_message_id(self, chat_key: int | str) -> int:
        self._message_counters[chat_key] += 1
        return self._message_counters[chat_key]

    def _register_file(
        self,
        file_id: str | None,
        size: int,
        file_path: str | None,
        content: bytes | None,
        *,
        kind: str = "documents",
        ext: str = "bin",
    ) -> _FileRecord:
        if file_id is not None and file_id in self._files:
            return self._files[file_id]
        unique = uuid.uuid4().hex
        file_id = file_id or f"AgAD{unique}"
        path = file_path or f"{kind}/file_{len(self._files)}.{ext}"
        record = _FileRecord(file_id, unique[:16], size, path, content)
        self._files[file_id] = record
        self._files_by_path[path] = record
        return record

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
                raise _bad("can't parse JSON encoded request body") from None
            if not isinstance(body, dict):
                raise _bad("request body must be a JSON object")
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
        except _ApiError as err:
            call = RecordedCall(name, {}, now, err.status, err.description)
            return self._finish_error(call, err)
        method = self._canonical(name)
        call = RecordedCall(method or name, raw, now)
        if request.match_info["token"] != self.token:
            return self._finish_error(call, _ApiError(401, "Unauthorized"))
        if method is None:
            return self._finish_error(call, _ApiError(404, "Not Found: method not found"))
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
        except _ApiError as err:
            if request.transport is None or request.transport.is_closing():
                # The client hung up (e.g. PTB cancelled a long poll): nobody sees this answer.
                err.invalid = False
            return self._finish_error(call, err)
        call.result = result
        self._record(call)
        return web.json_response({"ok": True, "result": result}, dumps=_dumps)

    def _record(self, call: RecordedCall) -> None:
        self.requests.append(call)
        self._calls_by_method[call.method].append(call)
        self._notify()

    def _finish_error(self, call: RecordedCall, err: _ApiError) -> web.Response:
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
        return web.json_response(body, status=err.status, dumps=_dumps)

    def _take_failure(self, method: str, chat_key: int | str | None) -> _FailureRule | None:
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

    def _injected_response(self, call: RecordedCall, rule: _FailureRule) -> web.Response:
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
        return web.json_response(body_json, status=status, dumps=_dumps)

    def _check_rate_limits(self, method: str, chat_key: int | str | None) -> None:
        if self._rate_total is None and self._rate_chat is None:
            return
        if chat_key is None or not self._is_sending(method):
            return
        now = time.monotonic()
        checks: list[tuple[_SlidingWindow, float]] = []
        if self._rate_total is not None:
            checks.append((self._window_total, max(1.0, self._rate_total)))
        if self._rate_chat is not None:
            window = self._windows_chat.setdefault(chat_key, _SlidingWindow(1.0))
            checks.append((window, max(1.0, self._rate_chat)))
        is_group = isinstance(chat_key, int) and chat_key < 0
        if self._rate_group_minute is not None and is_group:
            window = self._windows_group.setdefault(chat_key, _SlidingWindow(60.0))
            checks.append((window, max(1.0, self._rate_group_minute)))
        for window, capacity in checks:
            if window.count(now) >= capacity:
                self.throttled += 1
                retry = window.retry_after(now)
                raise _ApiError(
                    429,
                    f"Too Many Requests: retry after {retry}",
                    parameters={"retry_after": retry},
                    invalid=False,
                )
        for window, _capacity in checks:
            window.add(now)

    @staticmethod
    def _is_sending(method: str) -> bool:
        return (method.startswith("send") and method != "sendChatAction") or method in (
            "forwardMessage",
            "forwardMessages",
            "copyMessage",
            "copyMessages",
        )

    # ---------------------------------------------------------------- validation

    def _validate_params(self, method: str, raw: dict[str, Any]) -> dict[str, Any]:
        fields = self._fields[method]
        params: dict[str, Any] = {}
        for name, value in raw.items():
            spec = fields.get(name)
            if spec is None:
                raise _bad(f"unknown parameter {name!r} for method {method}")
            params[name] = self._coerce(name, value, spec["types"])
        for name, spec in fields.items():
            if spec["required"] and name not in params:
                raise _bad(f"parameter {name!r} is required")
        if "reply_markup" in params:
            self._validate_reply_markup(params["reply_markup"])
        if "caption" in params:
            caption = _plain_text(params["caption"], params.get("parse_mode"))
            if len(caption) > MAX_CAPTION_LENGTH:
                raise _bad("message caption is too long")
        if method in ("sendMessage", "editMessageText") and "text" in params:
            self._check_text(params["text"], params.get("parse_mode"))
        if "chat_id" in params:
            self._validate_chat(method, params["chat_id"])
        return params

    def _validate_chat(self, method: str, chat_id: int | str) -> None:
        key = self._chat_key(chat_id)
        if isinstance(key, str):
            if not key.startswith("@") or len(key) < 2:
                raise _bad("chat not found")
            return
        if key in self._blocked and method != "getChat":
            raise _ApiError(403, "Forbidden: bot was blocked by the user", invalid=False)
        if self.known_chats_only and key not in self._chats:
            raise _bad("chat not found")

    def _coerce(self, name: str, value: Any, types: list[str]) -> Any:
        if isinstance(value, UploadedFile):
            if "InputFile" not in types:
                raise _bad(f"parameter {name!r} can't be a file upload")
            if value.size > MAX_UPLOAD_SIZE:
                raise _ApiError(413, "Request Entity Too Large")
            return value
        if isinstance(value, str):
            value = self._from_form(name, value, types)
        if not any(self._matches(value, t) for t in types):
            raise _bad(f"parameter {name!r} has wrong type: expected {' or '.join(types)}")
        return value

    def _from_form(self, name: str, value: str, types: list[str]) -> Any:
        """Decode a form/query string value according to the field's declared types."""
        if "String" in types:
            if "Integer" in types:
                with contextlib.suppress(ValueError):
                    return int(value)
            return value
        if "Integer" in types:
            try:
                return int(value)
            except ValueError:
                raise _bad(f"parameter {name!r} must be an Integer") from None
        if "Float" in types:
            try:
                return float(value)
            except ValueError:
                raise _bad(f"parameter {name!r} must be a Float") from None
        if "Boolean" in types or "True" in types:
            lowered = value.lower()
            if lowered in ("true", "1"):
                return True
            if lowered in ("false", "0"):
                return False
            raise _bad(f"parameter {name!r} must be a Boolean")
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise _bad(f"can't parse {name} JSON object") from None

    def _matches(self, value: Any, type_name: str, depth: int = 0) -> bool:
        if type_name.startswith("Array of "):
            if isinstance(value, str):
                try:
                    value = json.loads(value)
                except json.JSONDecodeError:
                    return False
            inner = type_name[len("Array of ") :]
            return isinstance(value, list) and all(self._matches(v, inner, depth) for v in value)
        if type_name == "Integer":
            return isinstance(value, int) and not isinstance(value, bool)
        if type_name == "String":
            return isinstance(value, str)
        if type_name in ("Boolean", "True"):
            return isinstance(value, bool)
        if type_name in ("Float", "Float number"):
            return isinstance(value, int | float) and not isinstance(value, bool)
        if type_name == "InputFile":
            return isinstance(value, UploadedFile)
        return self._matches_object(value, type_name, depth)

    def _matches_object(self, value: Any, type_name: str, depth: int) -> bool:
        if not isinstance(value, dict):
            return False
        spec = self._types.get(type_name)
        if spec is None or depth > 6:
            return True
        subtypes = spec.get("subtypes")
        if subtypes:
            return any(self._matches_object(value, sub, depth + 1) for sub in subtypes)
        for f in spec.get("fields", []):
            fname = f["name"]
            if fname not in value:
                if f.get("required"):
                    return False
                continue
            if not any(self._matches(value[fname], t, depth + 1) for t in f["types"]):
                return False
        return True

    def _validate_reply_markup(self, markup: dict[str, Any]) -> None:
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad("can't parse inline keyboard: rows must be Arrays")
            for row in rows:
                for button in row:
                    self._validate_inline_button(button)
        elif "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad("can't parse reply keyboard markup: keyboard must be an Array of Arrays")
            for row in rows:
                for button in row:
                    self._validate_keyboard_button(button)
        elif "remove_keyboard" not in markup and "force_reply" not in markup:
            raise _bad("can't parse reply keyboard markup JSON object")

    @staticmethod
    def _validate_inline_button(button: Any) -> None:
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise _bad("can't parse inline keyboard button: Text must be a String")
        actions = [a for a in _INLINE_BUTTON_ACTIONS if a in button]
        if not actions:
            raise _bad("text buttons are unallowed in the inline keyboard")
        if len(actions) > 1:
            raise _bad(
                "can't parse inline keyboard button: exactly one of the optional fields "
                f"must be used, got {actions}"
            )
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str):
                raise _bad("BUTTON_DATA_INVALID")
            size = len(data.encode("utf-8"))
            if size == 0 or size > MAX_CALLBACK_DATA_BYTES:
                raise _bad("BUTTON_DATA_INVALID")
        if "url" in button:
            url = button["url"]
            if not isinstance(url, str) or not re.match(r"^(https?|tg)://\S+$", url):
                raise _bad("BUTTON_URL_INVALID")

    @staticmethod
    def _validate_keyboard_button(button: Any) -> None:
        if isinstance(button, str):
            if not button:
                raise _bad("can't parse keyboard button: Text must be non-empty")
            return
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise _bad("can't parse keyboard button: Text must be a String")
        if not button["text"]:
            raise _bad("can't parse keyboard button: Text must be non-empty")
        requests = [r for r in _KEYBOARD_BUTTON_REQUESTS if r in button]
        if len(requests) > 1:
            raise _bad(f"can't parse keyboard button: at most one request field, got {requests}")
        for flag in ("request_location", "request_contact"):
            if flag in button and not isinstance(button[flag], bool):
                raise _bad(f'can\'t parse keyboard button: field "{flag}" must be of type Boolean')

    # ---------------------------------------------------------------- methods

    async def _m_getMe(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return self.bot_user

    async def _m_logOut(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return True

    async def _m_close(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return True

    async def _m_getUpdates(self, params: dict[str, Any], call: RecordedCall) -> Any:
        if self._webhook_url:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset", 0)
        limit = min(max(params.get("limit", 100), 1), 100)
        timeout = max(params.get("timeout", 0), 0)
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"]) or None
        self._poll_generation += 1
        generation = self._poll_generation
        assert self._new_update is not None
        self._new_update.set()  # terminate an older long poll, if any
        await asyncio.sleep(0)
        self._confirm(offset)
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise _ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only "
                    "one bot instance is running",
                )
            batch = [u for u in itertools.islice(self._pending, limit)]
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self._closing or self._webhook_url:
                return batch
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), remaining)

    def _confirm(self, offset: int) -> None:
        pending = self._pending
        if offset < 0:
            keep = -offset
            while len(pending) > keep:
                pending.popleft()
        elif offset:
            while pending and pending[0]["update_id"] < offset:
                pending.popleft()
        if offset:
            self._notify()

    async def _m_setWebhook(self, params: dict[str, Any], call: RecordedCall) -> Any:
        url = params["url"]
        if not url:
            return await self._m_deleteWebhook(params, call)
        match = re.match(r"^(https?)://([^/:]+|\[[^\]]+\])(?::(\d+))?(/.*)?$", url)
        if match is None:
            raise _bad("bad webhook: Failed to resolve host: Name or service not known")
        scheme, host = match.group(1), match.group(2)
        if scheme != "https" and host not in _LOOPBACK_HOSTS:
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_RE.match(secret):
            raise _bad("secret token contains unallowed characters")
        max_connections = params.get("max_connections", 40)
        if not 1 <= max_connections <= 100:
            raise _bad("bad webhook: max_connections must be between 1 and 100")
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"]) or None
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self._webhook_url = url
        self._webhook_secret = secret
        self._webhook_max_connections = max_connections
        self._webhook_semaphore = asyncio.Semaphore(max_connections)
        pending = list(self._pending)
        self._pending.clear()
        assert self._new_update is not None
        self._new_update.set()
        for update in pending:
            self._enqueue_webhook(update)
        return True

    async def _m_deleteWebhook(self, params: dict[str, Any], call: RecordedCall) -> Any:
        self._webhook_url = ""
        self._webhook_secret = None
        if params.get("drop_pending_updates"):
            self._pending.clear()
            for queue in self._webhook_queues.values():
                queue.clear()
        return True

    async def _m_getWebhookInfo(self, params: dict[str, Any], call: RecordedCall) -> Any:
        info: dict[str, Any] = {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": self.pending_update_count,
        }
        if self._webhook_url:
            info["max_connections"] = self._webhook_max_connections
            info["ip_address"] = "127.0.0.1"
        if self._allowed_updates:
            info["allowed_updates"] = self._allowed_updates
        if self._last_webhook_error:
            info["last_error_date"], info["last_error_message"] = self._last_webhook_error
        return info

    async def _m_sendMessage(self, params: dict[str, Any], call: RecordedCall) -> Any:
        text = self._check_text(params.get("text"), params.get("parse_mode"))
        self._check_reply(params)
        message = self._new_bot_message(params)
        message["text"] = text
        if "entities" in params:
            message["entities"] = params["entities"]
        return self._store_sent("sendMessage", params, message)

    async def _m_sendPhoto(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return self._send_media("sendPhoto", "photo", params)

    async def _m_sendDocument(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return self._send_media("sendDocument", "document", params)

    async def _m_sendVideo(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return self._send_media("sendVideo", "video", params)

    async def _m_sendVoice(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return self._send_media("sendVoice", "voice", params)

    async def _m_sendAudio(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return self._send_media("sendAudio", "audio", params)

    async def _m_sendAnimation(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return self._send_media("sendAnimation", "animation", params)

    async def _m_sendSticker(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return self._send_media("sendSticker", "sticker", params)

    async def _m_sendLocation(self, params: dict[str, Any], call: RecordedCall) -> Any:
        message = self._new_bot_message(params)
        message["location"] = {
            "latitude": params["latitude"],
            "longitude": params["longitude"],
        }
        return self._store_sent("sendLocation", params, message)

    async def _m_editMessageText(self, params: dict[str, Any], call: RecordedCall) -> Any:
        if "text" not in params and "rich_message" not in params:
            raise _bad("message text is empty")
        text = (
            self._check_text(params["text"], params.get("parse_mode")) if "text" in params else None
        )
        if "inline_message_id" in params:
            return True
        message = self._editable_message(params)
        markup = params.get("reply_markup")
        if message.get("text") == text and message.get("reply_markup") == markup:
            raise _bad(_NOT_MODIFIED)
        if "text" not in message:
            raise _bad("there is no text in the message to edit")
        updated = dict(message)
        updated["text"] = text
        updated["edit_date"] = int(time.time())
        if markup is not None:
            updated["reply_markup"] = markup
        else:
            updated.pop("reply_markup", None)
        self._messages[(message["chat"]["id"], message["message_id"])] = updated
        return updated

    async def _m_editMessageReplyMarkup(self, params: dict[str, Any], call: RecordedCall) -> Any:
        if "inline_message_id" in params:
            return True
        message = self._editable_message(params)
        markup = params.get("reply_markup")
        if message.get("reply_markup") == markup:
            raise _bad(_NOT_MODIFIED)
        updated = dict(message)
        updated["edit_date"] = int(time.time())
        if markup:
            updated["reply_markup"] = markup
        else:
            updated.pop("reply_markup", None)
        self._messages[(message["chat"]["id"], message["message_id"])] = updated
        return updated

    async def _m_editMessageCaption(self, params: dict[str, Any], call: RecordedCall) -> Any:
        if "inline_message_id" in params:
            return True
        message = self._editable_message(params)
        updated = dict(message)
        updated["caption"] = _plain_text(params.get("caption", ""), params.get("parse_mode"))
        if "reply_markup" in params:
            updated["reply_markup"] = params["reply_markup"]
        self._messages[(message["chat"]["id"], message["message_id"])] = updated
        return updated

    async def _m_deleteMessage(self, params: dict[str, Any], call: RecordedCall) -> Any:
        key = (self._chat_key(params["chat_id"]), params["message_id"])
        if self._messages.pop(key, None) is None:
            raise _bad("message to delete not found")
        return True

    async def _m_answerCallbackQuery(self, params: dict[str, Any], call: RecordedCall) -> Any:
        query_id = params["callback_query_id"]
        if self._callback_queries.get(query_id, True):
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        if len(params.get("text", "")) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad("MESSAGE_TOO_LONG")
        self._callback_queries[query_id] = True
        return True

    async def _m_sendChatAction(self, params: dict[str, Any], call: RecordedCall) -> Any:
        if params["action"] not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    async def _m_setMyCommands(self, params: dict[str, Any], call: RecordedCall) -> Any:
        commands = params["commands"]
        if len(commands) > 100:
            raise _bad("too many commands")
        for command in commands:
            if not _COMMAND_RE.match(command.get("command", "")):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise _bad("command description must be 1-256 characters")
        self.commands[self._commands_key(params)] = commands
        return True

    async def _m_deleteMyCommands(self, params: dict[str, Any], call: RecordedCall) -> Any:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _m_getMyCommands(self, params: dict[str, Any], call: RecordedCall) -> Any:
        return self.commands.get(self._commands_key(params), [])

    async def _m_getFile(self, params: dict[str, Any], call: RecordedCall) -> Any:
        record = self._files.get(params["file_id"])
        if record is None:
            raise _bad("invalid file_id")
        if record.file_size > MAX_DOWNLOAD_SIZE:
            raise _bad("file is too big")
        return {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_size": record.file_size,
            "file_path": record.file_path,
        }

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        record = self._files_by_path.get(request.match_info["path"])
        if record is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        data = record.content if record.content is not None else bytes(record.file_size)
        return web.Response(body=data, content_type="application/octet-stream")

    # ---------------------------------------------------------------- method helpers

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return (json.dumps(scope, sort_keys=True), params.get("language_code", ""))

    @staticmethod
    def _check_text(text: Any, parse_mode: str | None) -> str:
        if not isinstance(text, str) or not text.strip():
            raise _bad("message text is empty")
        plain = _plain_text(text, parse_mode)
        if not plain.strip():
            raise _bad("message text is empty")
        if len(plain) > MAX_TEXT_LENGTH:
            raise _bad("message is too long")
        return plain

    def _check_reply(self, params: dict[str, Any]) -> None:
        reply = params.get("reply_parameters")
        if not reply:
            return
        key = self._chat_key(reply.get("chat_id", params["chat_id"]))
        if (key, reply["message_id"]) not in self._messages and not reply.get(
            "allow_sending_without_reply"
        ):
            raise _bad("message to be replied not found")

    def _editable_message(self, params: dict[str, Any]) -> dict[str, Any]:
        if "chat_id" not in params or "message_id" not in params:
            raise _bad("message identifier is not specified")
        key = (self._chat_key(params["chat_id"]), params["message_id"])
        message = self._messages.get(key)
        if message is None:
            raise _bad("message to edit not found")
        if message.get("from", {}).get("id") != self.bot_user["id"] or key in self._not_editable:
            raise _bad("message can't be edited")
        return message

    def _chat_object(self, key: int | str) -> dict[str, Any]:
        chat = self._chats.get(key)
        if chat is not None:
            return dict(chat)
        if isinstance(key, str):
            return {"id": -1000000000000 - (hash(key) % 10**9), "type": "channel", "title": key}
        if key > 0:
            return {"id": key, "type": "private", "first_name": self._user(key)["first_name"]}
        if str(key).startswith("-100"):
            return {"id": key, "type": "supergroup", "title": f"Chat {key}"}
        return {"id": key, "type": "group", "title": f"Chat {key}"}

    def _new_bot_message(self, params: dict[str, Any]) -> dict[str, Any]:
        key = self._chat_key(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": self._next_message_id(key),
            "from": self.bot_user,
            "chat": self._chat_object(key),
            "date": int(time.time()),
        }
        markup = params.get("reply_markup")
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        reply = params.get("reply_parameters")
        if reply:
            replied = self._messages.get((key, reply["message_id"]))
            if replied:
                message["reply_to_message"] = replied
        return message

    def _store_sent(
        self, method: str, params: dict[str, Any], message: dict[str, Any]
    ) -> dict[str, Any]:
        key = self._chat_key(params["chat_id"])
        self._messages[(key, message["message_id"])] = message
        markup = params.get("reply_markup")
        if markup and "inline_keyboard" not in markup:
            self._not_editable.add((key, message["message_id"]))
        entry = dict(params)
        entry["method"] = method
        entry["message_id"] = message["message_id"]
        self._sent.append(entry)
        self._sent_by_chat[key].append(entry)
        self._notify(key)
        return message

    def _send_media(self, method: str, field_name: str, params: dict[str, Any]) -> Any:
        self._check_reply(params)
        value = params[field_name]
        if isinstance(value, UploadedFile):
            ext = (value.filename or "file.bin").rsplit(".", 1)[-1]
            record = self._register_file(
                None, value.size, None, value.data, kind=f"{field_name}s", ext=ext
            )
        elif value in self._files:
            record = self._files[value]
        elif re.match(r"^https?://", value):
            record = self._register_file(None, 100_000, None, None, kind=f"{field_name}s")
        else:
            raise _bad("wrong file identifier/HTTP URL specified")
        message = self._new_bot_message(params)
        descriptor: dict[str, Any] = {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_size": record.file_size,
        }
        if field_name == "photo":
            message["photo"] = [dict(descriptor, width=1280, height=960)]
        elif field_name == "sticker":
            message["sticker"] = dict(
                descriptor, type="regular", width=512, height=512, is_animated=False, is_video=False
            )
        elif field_name in ("video", "animation"):
            message[field_name] = dict(descriptor, width=640, height=360, duration=5)
        elif field_name in ("voice", "audio"):
            message[field_name] = dict(descriptor, duration=3)
        else:
            if isinstance(value, UploadedFile) and value.filename:
                descriptor["file_name"] = value.filename
            message[field_name] = descriptor
        if "caption" in params:
            message["caption"] = _plain_text(params["caption"], params.get("parse_mode"))
        return self._store_sent(method, params, message)

    def _generic_result(self, method: str, params: dict[str, Any]) -> Any:
        returns = self._methods[method].get("returns", ["True"])
        kind = returns[0]
        if kind == "Message" and "chat_id" in params:
            message = self._new_bot_message(params)
            for key in ("text", "caption"):
                if isinstance(params.get(key), str):
                    message[key] = params[key]
            return self._store_sent(method, params, message)
        if kind.startswith("Array of"):
            return []
        if kind == "Integer":
            return 0
        if kind == "String":
            return ""
        if kind in ("Boolean", "True"):
            return True
        if kind == "MessageId" and "chat_id" in params:
            return {"message_id": self._next_message_id(self._chat_key(params["chat_id"]))}
        return True if kind not in self._types else {}

    # ---------------------------------------------------------------- updates: filtering

    @staticmethod
    def _update_kind(update: dict[str, Any]) -> str:
        for key in update:
            if key != "update_id":
                return key
        return ""

    def _update_allowed(self, kind: str) -> bool:
        if self._allowed_updates:
            return kind in self._allowed_updates
        return kind not in _DEFAULT_ALLOWED_UPDATES_EXCLUDED

    # ---------------------------------------------------------------- webhook delivery

    @staticmethod
    def _update_chat(update: dict[str, Any]) -> Any:
        for value in update.values():
            if not isinstance(value, dict):
                continue
            chat = value.get("chat") or (value.get("message") or {}).get("chat")
            if chat:
                return chat.get("id")
            sender = value.get("from")
            if sender:
                return sender.get("id")
        return None

    def _enqueue_webhook(self, update: dict[str, Any]) -> None:
        key = self._update_chat(update)
        queue = self._webhook_queues.get(key)
        if queue is not None:
            queue.append(update)
            return
        queue = collections.deque([update])
        self._webhook_queues[key] = queue
        self._spawn(self._webhook_worker(key, queue))

    async def _webhook_worker(self, key: Any, queue: collections.deque[dict[str, Any]]) -> None:
        try:
            while queue:
                if not self._webhook_url or self._closing:
                    self._pending.extend(queue)
                    queue.clear()
                    if self._new_update is not None:
                        self._new_update.set()
                    break
                update = queue.popleft()
                self._webhook_in_flight += 1
                try:
                    await self._deliver(update)
                finally:
                    self._webhook_in_flight -= 1
                    self._notify()
        finally:
            if self._webhook_queues.get(key) is queue:
                del self._webhook_queues[key]

    async def _deliver(self, update: dict[str, Any]) -> None:
        assert self._session is not None
        assert self._webhook_semaphore is not None
        headers = {"Content-Type": "application/json"}
        if self._webhook_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self._webhook_secret
        body = _dumps(update)
        status: int | None = None
        error: str | None = None
        attempts = 0
        for attempt in range(1, self.webhook_max_tries + 1):
            attempts = attempt
            try:
                async with (
                    self._webhook_semaphore,
                    self._session.post(
                        self._webhook_url,
                        data=body,
                        headers=headers,
                        timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
                    ) as response,
                ):
                    status = response.status
                    await response.read()
                if 200 <= status < 300:
                    self.webhook_deliveries.append(
                        WebhookDelivery(update["update_id"], status, attempts, True)
                    )
                    return
                error = f"Wrong response from the webhook: {status}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                status = None
                error = f"Connection failed: {exc.__class__.__name__}"
            self._last_webhook_error = (int(time.time()), error)
            if attempt < self.webhook_max_tries:
                await asyncio.sleep(self.webhook_retry_delay)
        self.webhook_deliveries.append(
            WebhookDelivery(update["update_id"], status, attempts, False, error)
        )


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
