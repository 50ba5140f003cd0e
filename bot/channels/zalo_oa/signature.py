"""The webhook's signature: ``X-ZEvent-Signature: mac=<sha256 hex>`` (ZALO_OA.md §2).

``mac = sha256(app_id + raw body + timestamp + OA secret key)``: a plain SHA-256 of the
concatenation (not an HMAC), where ``timestamp`` is the string inside the body and the key is
the *OA Secret Key* from the app's Webhook page (not the app secret), as in Zalo's own Java
SDK (``MacUtils.buildMac``) and Chatwoot.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

SIGNATURE_HEADER = "X-ZEvent-Signature"
PREFIX = "mac="


def mac(app_id: str, raw_body: bytes, timestamp: str, secret_key: str) -> str:
    digest = hashlib.sha256()
    digest.update(app_id.encode())
    digest.update(raw_body)
    digest.update(timestamp.encode())
    digest.update(secret_key.encode())
    return digest.hexdigest()


def is_signed(
    header: str | None, raw_body: bytes, payload: Any, *, app_id: str, secret_key: str
) -> bool:
    """Whether ``header`` is the mac of this body, compared in constant time."""
    if not header or not isinstance(payload, dict):
        return False
    timestamp = payload.get("timestamp")
    if not isinstance(timestamp, str | int) or isinstance(timestamp, bool):
        return False
    given = header.strip().removeprefix(PREFIX).strip().lower()
    expected = mac(app_id, raw_body, str(timestamp), secret_key)
    return hmac.compare_digest(given.encode(), expected.encode())
