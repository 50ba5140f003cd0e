"""One person, several accounts (Telegram, Zalo, the console): a member asks for a one-time
code on one account (``/lienket``) and types it on the other within minutes; both accounts then
point at one member, so roles, consent, language, preferences and registrations follow.

The code is 8 Crockford base32 characters (40 bits) living ``link_code_minutes`` (settings);
wrong codes in a row slow the member down as every secret code does
(``conversations.secret_codes``)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from conversations.effects import Effect
from conversations.fields import TIP_CODE_ALPHABET
from conversations.secret_codes import CodeAttempts

LINK_CODE_LENGTH = 8
DEFAULT_LINK_CODE_MINUTES = 10

_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_DIGITS = frozenset("0123456789")


def new_link_code() -> str:
    """A random code holding at least one digit, so a typed word is never taken for one."""
    while True:
        code = "".join(secrets.choice(TIP_CODE_ALPHABET) for _ in range(LINK_CODE_LENGTH))
        if _DIGITS & set(code):
            return code


def normalise_link_code(text: str) -> str | None:
    """A typed code in canonical form (any case, with or without the dash), or None."""
    cleaned = re.sub(r"[\s\-_.]", "", text).upper().translate(_ALIASES)
    if len(cleaned) != LINK_CODE_LENGTH or any(c not in TIP_CODE_ALPHABET for c in cleaned):
        return None
    if not _DIGITS & set(cleaned):
        return None
    return cleaned


def format_link_code(code: str) -> str:
    """``K7Q2-9XDA``: two groups of four, easier to copy by hand."""
    return f"{code[:4]}-{code[4:]}"


@dataclass(frozen=True)
class CreateLinkCode(Effect):
    """Store a new link code for the member (it replaces the one they had)."""

    code: str
    expires_at: datetime


@dataclass(frozen=True)
class UseLinkCode(Effect):
    """Link the account writing to the member who asked for ``code``, if it is still good;
    otherwise count a wrong code (``attempts``: the member's count before this one). The
    handler tells the member which it was. ``carried``: the completion took the other
    account's draft over, on the strength of the code being good: should the link fail after
    all (another link came first), the message runs again."""

    code: str
    attempts: CodeAttempts
    carried: bool = False


@dataclass(frozen=True)
class ChooseNoticeAccount(Effect):
    """Send the member's notices to this account always (``here``), or to the one they used
    last."""

    here: bool


@dataclass(frozen=True)
class UnlinkAccount(Effect):
    """Take the account writing out of its member: it becomes a person of its own again."""
