"""Keeping a tipster's identity, and the platform credentials, out of readable storage.

Three things are derived from the server key:
- a *sealed route*: the channel and chat id encrypted with AES-GCM, so an officer's news can be
  relayed to an anonymous sender without anyone reading where it goes (erased after the tip's
  retention: after that, nothing links the tip to anybody, even with the key);
- *opaque keys*: keyed digests used as dedup keys that do not say which tip a message is about.
- *sealed secrets*: platform credentials the bot must store (the Zalo OA token pair),
  encrypted with AES-GCM under their own derived key.

Following a tip up takes its code alone (the code is the secret, with a lockout against
guessing); no proof ties a tip to a member.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger(__name__)

KEY_BYTES = 32
NONCE_BYTES = 12


class MissingSecretKey(RuntimeError):
    """No server key is configured where one is required."""


class Sealer:
    """Sealed routes and opaque keys under one server key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("the server key must be 32 bytes")
        # The label predates the proofs' removal; changing it would change every opaque key.
        self._digest_key = hmac.new(key, b"antq tip sender proof", hashlib.sha256).digest()
        self._aead = AESGCM(hmac.new(key, b"antq tip route", hashlib.sha256).digest())
        self._secrets = AESGCM(hmac.new(key, b"antq stored secret", hashlib.sha256).digest())

    @classmethod
    def from_base64(cls, text: str) -> Sealer:
        return cls(base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4)))

    def opaque_key(self, text: str) -> str:
        """A stable name for ``text`` that only the key can make: a dedup key that does not
        say which tip a message is about."""
        digest = hmac.new(self._digest_key, b"dedup:" + text.encode(), hashlib.sha256)
        return digest.hexdigest()[:40]

    def seal_route(self, channel: str, chat_id: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps({"channel": channel, "chat_id": chat_id}).encode()
        return nonce + self._aead.encrypt(nonce, plain, b"route")

    def open_route(self, sealed: bytes) -> tuple[str, str]:
        plain = self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], b"route")
        route = json.loads(plain)
        return route["channel"], route["chat_id"]

    def seal_secret(self, purpose: str, plain: str) -> bytes:
        """``plain`` (a platform token, say) encrypted for storage; ``purpose`` must match
        when it is opened, so that one sealed secret cannot be passed off as another."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._secrets.encrypt(nonce, plain.encode(), purpose.encode())

    def open_secret(self, purpose: str, sealed: bytes) -> str:
        return self._secrets.decrypt(
            sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], purpose.encode()
        ).decode()


def new_key() -> str:
    """A fresh key in the form ``ANTQ_SECRET_KEY`` takes."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def load_sealer(configured: str | None, *, data_dir: Path, allow_local_key: bool) -> Sealer:
    """The sealer from ``ANTQ_SECRET_KEY``, or — for a local SQLite set-up only — from a key
    file created once in the data directory so that ``make run`` works out of the box."""
    if configured:
        return Sealer.from_base64(configured)
    if not allow_local_key:
        raise MissingSecretKey("set ANTQ_SECRET_KEY (generate one with `antq secret-key`)")
    path = data_dir / "secret.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(new_key())
        path.chmod(0o600)
        log.warning("ANTQ_SECRET_KEY is not set: created a local key in %s", path)
    return Sealer.from_base64(path.read_text())
