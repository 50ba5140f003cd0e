"""What the fake Telegram server records and hands out: calls, uploads, webhook deliveries,
failure rules, files, and the errors it answers with."""

from __future__ import annotations

import asyncio
import collections
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


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
class FailureRule:
    method: str
    status: int
    retry_after: int | None
    description: str | None
    remaining: int
    chat_id: int | str | None
    delay: float
    raw_body: str | None


@dataclass(slots=True)
class FileRecord:
    file_id: str
    file_unique_id: str
    file_size: int
    file_path: str
    content: bytes | None = None


@dataclass(slots=True)
class Waiter:
    predicate: Callable[[], Any]
    future: asyncio.Future[Any]


class ApiError(Exception):
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


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


class SlidingWindow:
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


class ChatBucket:
    """One chat's allowance: ``burst`` sends at once, refilled at ``rate`` a second (how
    Telegram lets a chat take a short burst). With ``burst`` 1 it is one send a second."""

    __slots__ = ("burst", "full_at", "rate")

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self.full_at = 0.0  # when the bucket is full again

    def allows(self, now: float) -> bool:
        return self.full_at - now <= (self.burst - 1) / self.rate + 1e-9

    def retry_after(self, now: float) -> int:
        return max(1, math.ceil(self.full_at - (self.burst - 1) / self.rate - now))

    def add(self, now: float) -> None:
        self.full_at = max(self.full_at, now) + 1 / self.rate


# --------------------------------------------------------------------------------------------


def compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
