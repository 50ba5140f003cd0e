"""What the fake Zalo Bot API records and hands out: its limits, calls, webhook deliveries,
injected failures and refusals, and ids as Zalo makes them."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

DEFAULT_TOKEN = "1459232241454765289:fAkE-zalo-secret-for-antq-tests"
MAX_TEXT_LENGTH = 2000
SECRET_HEADER = "X-Bot-Api-Secret-Token"
CHAT_ACTIONS = frozenset({"typing", "upload_photo"})
SECRET_LENGTHS = range(8, 257)
URL_RE = re.compile(r"^(https?)://([^/:]+|\[[^\]]+\])(?::(\d+))?(/.*)?$")
GATEWAY_PAGE = (
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
class Failure:
    method: str
    error_code: int | None
    http_status: int | None
    description: str | None
    delay: float
    remaining: int


class Refusal(Exception):
    """An ``ok: false`` answer; ``invalid`` marks a request the real API would refuse too."""

    def __init__(self, error_code: int, description: str, *, invalid: bool = True) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.invalid = invalid


def now_ms() -> int:
    return int(time.time() * 1000)


def new_id() -> str:
    return secrets.token_hex(10)  # Zalo ids look like "16f6366b3f02645a3d15"
