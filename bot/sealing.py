"""Keeping a tipster's identity, and the platform credentials, out of readable storage.

Three things are derived from the server key:
- a *sealed route*: the channel and chat id encrypted with AES-GCM, so an officer's news can be
  relayed to an anonymous sender without anyone reading where it goes (erased after the tip's
  retention: after that, nothing links the tip to anybody, even with the key);
- *opaque keys*: keyed digests used as dedup keys that do not say which tip a message is about.
- *sealed secrets*: platform credentials the bot must store (the Zalo OA token pair),
  encrypted with AES-GCM under their own derived key.

The server key can be replaced: ``ANTQ_SECRET_KEY`` then lists the new key and the old one
("NEW,OLD"); what either sealed opens, new seals use the new one, and ``antq secret-key
rotate`` re-seals the stored values (``bot.operations.secret_key``) before the old key goes.

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
from collections.abc import Callable
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger(__name__)

KEY_BYTES = 32
NONCE_BYTES = 12


class MissingSecretKey(RuntimeError):
    """No server key is configured where one is required."""


# Keys listed in ANTQ_SECRET_KEY (and in the local key file) are separated by commas, the
# newest first: "NEW,OLD" while the server key is being replaced.
KEY_SEPARATOR = ","


class _KeyUses:
    """What one server key is derived into."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("the server key must be 32 bytes")
        # The label predates the proofs' removal; changing it would change every opaque key.
        self.digest_key = hmac.new(key, b"antq tip sender proof", hashlib.sha256).digest()
        self.routes = AESGCM(hmac.new(key, b"antq tip route", hashlib.sha256).digest())
        self.secrets = AESGCM(hmac.new(key, b"antq stored secret", hashlib.sha256).digest())


class Sealer:
    """Sealed routes and opaque keys under the server key.

    While the key is being replaced the sealer holds the new key and the older ones: it seals
    and makes opaque keys with the newest only, and opens what any of them sealed
    (``antq secret-key rotate`` re-seals the stored values under the newest, after which the
    older keys can go).
    """

    def __init__(self, key: bytes, *older: bytes) -> None:
        self._keys = [_KeyUses(key), *(_KeyUses(each) for each in older)]
        self._newest = self._keys[0]

    @classmethod
    def from_base64(cls, text: str) -> Sealer:
        """The sealer of ``ANTQ_SECRET_KEY``'s value: one key, or several separated by commas,
        the newest first."""
        keys = [part.strip() for part in text.split(KEY_SEPARATOR) if part.strip()]
        if not keys:
            raise ValueError("the server key is empty")
        newest, *older = (base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)) for key in keys)
        return cls(newest, *older)

    @property
    def key_count(self) -> int:
        """How many keys open sealed values (more than one while the key is being replaced)."""
        return len(self._keys)

    def opaque_key(self, text: str) -> str:
        """A stable name for ``text`` that only the key can make: a dedup key that does not
        say which tip a message is about (made with the newest key)."""
        return _opaque_key(self._newest, text)

    def opaque_keys(self, text: str) -> list[str]:
        """``text``'s opaque key under each listed key, the newest first: to check a signature
        made before the key was replaced (a console session's cookie), or to find a stored
        keyed mark made before it (``bot.operations.rekeying``)."""
        return [_opaque_key(uses, text) for uses in self._keys]

    def seal_route(self, channel: str, chat_id: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps({"channel": channel, "chat_id": chat_id}).encode()
        return nonce + self._newest.routes.encrypt(nonce, plain, b"route")

    def open_route(self, sealed: bytes) -> tuple[str, str]:
        """The route's channel and chat id; InvalidTag when no key of the sealer sealed it."""
        route = json.loads(self._opened_route(sealed)[0])
        return route["channel"], route["chat_id"]

    def reseal_route(self, sealed: bytes) -> bytes | None:
        """``sealed`` sealed anew under the newest key, or None when it already is; InvalidTag
        when no key of the sealer sealed it."""
        plain, uses = self._opened_route(sealed)
        if uses is self._newest:
            return None
        route = json.loads(plain)
        return self.seal_route(route["channel"], route["chat_id"])

    def seal_secret(self, purpose: str, plain: str) -> bytes:
        """``plain`` (a platform token, say) encrypted for storage; ``purpose`` must match
        when it is opened, so that one sealed secret cannot be passed off as another."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._newest.secrets.encrypt(nonce, plain.encode(), purpose.encode())

    def open_secret(self, purpose: str, sealed: bytes) -> str:
        """The secret; InvalidTag when no key of the sealer sealed it (for this purpose)."""
        return self._opened_secret(purpose, sealed)[0]

    def reseal_secret(self, purpose: str, sealed: bytes) -> bytes | None:
        """``sealed`` sealed anew under the newest key, or None when it already is."""
        plain, uses = self._opened_secret(purpose, sealed)
        return None if uses is self._newest else self.seal_secret(purpose, plain)

    def _opened_route(self, sealed: bytes) -> tuple[bytes, _KeyUses]:
        nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
        return _first_opening((lambda uses: uses.routes.decrypt(nonce, body, b"route")), self._keys)

    def _opened_secret(self, purpose: str, sealed: bytes) -> tuple[str, _KeyUses]:
        nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
        plain, uses = _first_opening(
            (lambda uses: uses.secrets.decrypt(nonce, body, purpose.encode())), self._keys
        )
        return plain.decode(), uses


def _opaque_key(uses: _KeyUses, text: str) -> str:
    digest = hmac.new(uses.digest_key, b"dedup:" + text.encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


def _first_opening(
    open_with: Callable[[_KeyUses], bytes], keys: list[_KeyUses]
) -> tuple[bytes, _KeyUses]:
    """What the first key that can open a sealed value opens it to, and that key."""
    for uses in keys[:-1]:
        try:
            return open_with(uses), uses
        except InvalidTag:
            continue
    return open_with(keys[-1]), keys[-1]  # the last key's InvalidTag says none could


def new_key() -> str:
    """A fresh key in the form ``ANTQ_SECRET_KEY`` takes."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def load_sealer(configured: str | None, *, data_dir: Path, allow_local_key: bool) -> Sealer:
    """The sealer from ``ANTQ_SECRET_KEY``, or — for a local SQLite set-up only — from a key
    file created once in the data directory so that ``make run`` works out of the box. Either
    may list older keys after the newest, separated by commas."""
    if configured:
        return Sealer.from_base64(configured)
    if not allow_local_key:
        raise MissingSecretKey("set ANTQ_SECRET_KEY (generate one with `antq secret-key`)")
    path = local_key_file(data_dir)
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(new_key())
        path.chmod(0o600)
        log.warning("ANTQ_SECRET_KEY is not set: created a local key in %s", path)
    return Sealer.from_base64(path.read_text())


def local_key_file(data_dir: Path) -> Path:
    """Where a local SQLite set-up keeps its server key when ANTQ_SECRET_KEY is not set."""
    return data_dir / "secret.key"
