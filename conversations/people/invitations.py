"""One-time invitation codes: how they look, how long they live, how guessing is slowed down.

A code is 10 Crockford base32 characters (50 bits, the tip codes' alphabet): it cannot be
guessed, and wrong codes in a row slow the member down (``conversations.secret_codes``). It
travels in a Telegram deep link
(``https://t.me/<bot>?start=<code>``) or is typed, in any case and with or without the dash.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from conversations.fields import TIP_CODE_ALPHABET

INVITE_CODE_LENGTH = 10
INVITE_TTL = timedelta(days=7)

_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_DIGITS = frozenset("0123456789")


def new_invite_code() -> str:
    """A random code holding at least one digit, so a typed word is never taken for one."""
    while True:
        code = "".join(secrets.choice(TIP_CODE_ALPHABET) for _ in range(INVITE_CODE_LENGTH))
        if _DIGITS & set(code):
            return code


def normalise_invite_code(text: str) -> str | None:
    """A typed or linked code in canonical form, or None when it cannot be one."""
    cleaned = re.sub(r"[\s\-_.]", "", text).upper().translate(_ALIASES)
    if len(cleaned) != INVITE_CODE_LENGTH or any(c not in TIP_CODE_ALPHABET for c in cleaned):
        return None
    return cleaned


def looks_like_invite_code(text: str) -> bool:
    """Typed at the menu, is this an invitation code rather than words?"""
    code = normalise_invite_code(text)
    return code is not None and bool(_DIGITS & set(code))


def format_invite_code(code: str) -> str:
    """``K7Q2M-9XDA4``: two groups of five, easier to read out."""
    return f"{code[:5]}-{code[5:]}"


def deep_link(bot_username: str | None, code: str) -> str | None:
    """The Telegram link that opens the bot and sends ``/start <code>``; None without a bot."""
    if not bot_username:
        return None
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"
