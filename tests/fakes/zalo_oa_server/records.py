"""What the fake Zalo OA API keeps and hands out: its limits and error texts, the signature
Zalo puts on a webhook POST, calls, deliveries, injected failures and the token state."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

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


def new_id(digits: int = 19) -> str:
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
class Failure:
    path: str
    error: int | None
    http_status: int | None
    delay: float
    remaining: int


@dataclass
class Grant:
    access_token: str
    refresh_token: str
    access_expires: float


@dataclass
class State:
    codes: set[str] = field(default_factory=set)
    refresh_tokens: set[str] = field(default_factory=set)
    access_tokens: dict[str, float] = field(default_factory=dict)  # token -> expiry
    last_interaction: dict[str, float] = field(default_factory=dict)
