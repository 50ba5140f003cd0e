"""Who is looking at the console: one-time login links, signed session cookies, CSRF tokens.

A token is 32 random bytes; the database keeps only its SHA-256 digest (``storage.web_sessions``),
so a copy of the database opens nothing. The session cookie carries the token and a keyed
digest of it made with the server key (``Sealer.opaque_key``): a cookie nobody signed is refused
before the database is asked. A form's CSRF token is another keyed digest of the session's
token, so it is tied to one session and needs nothing stored.

Every request loads the member's roles afresh, as the chat does for every message; a session
ends as soon as one of the roles it began with is revoked, and every session of that member
ends with it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.places import load_grants
from bot.sealing import Sealer
from conversations.policy import Action, Grant, may
from conversations.ports import Member
from storage.web_sessions import (
    create_login_link,
    end_member_sessions,
    session_by_token,
    start_session,
    use_login_link,
    web_member,
)

SESSION_COOKIE = "antq_web"
LOGIN_PATH = "/web/login/"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """What the database keeps of a token."""
    return hashlib.sha256(_bytes(token)).hexdigest()


def same_secret(expected: str, sent: str) -> bool:
    """Whether ``sent`` is ``expected``, compared in constant time. Whatever a stranger sends
    (letters beyond ASCII too, which ``hmac.compare_digest`` refuses as text) is compared as
    bytes, so that a forged value is a mismatch, never an error."""
    return hmac.compare_digest(_bytes(expected), _bytes(sent))


def _bytes(text: str) -> bytes:
    # A lone surrogate (from a badly encoded request) is kept, not an error.
    return text.encode("utf-8", "surrogatepass")


@dataclass(frozen=True)
class Viewer:
    """A signed-in member as every page sees them: their roles now and the form token."""

    member: Member
    display_name: str | None
    csrf: str
    session_token: str

    @property
    def grants(self) -> tuple[Grant, ...]:
        return self.member.roles

    @property
    def assesses_units(self) -> bool:
        """May open the units' and the commendations' pages (the nav shows them only then)."""
        return may(self.grants, Action.ASSESS_UNITS)

    @property
    def handles_opinions(self) -> bool:
        """May open the opinions' pages (bot.web.pages.opinions)."""
        return may(self.grants, Action.HANDLE_OPINIONS)


@dataclass(frozen=True)
class Keys:
    """The server key's uses in the console: cookie signatures and CSRF tokens."""

    sealer: Sealer

    def signed(self, token: str) -> str:
        return f"{token}.{self.sealer.opaque_key('web-session:' + token)}"

    def unsigned(self, cookie: str | None) -> str | None:
        """The token of a cookie the server signed, or None."""
        token, _, signature = (cookie or "").rpartition(".")
        if not token or not signature:
            return None
        return token if self._signed_by_a_listed_key("web-session:" + token, signature) else None

    def csrf(self, token: str) -> str:
        return self.sealer.opaque_key("web-csrf:" + token)

    def csrf_matches(self, token: str, sent: str | None) -> bool:
        return bool(sent) and self._signed_by_a_listed_key("web-csrf:" + token, sent or "")

    def _signed_by_a_listed_key(self, text: str, sent: str) -> bool:
        # While the server key is being replaced, what the old key signed still holds: the
        # officers signed in stay signed in.
        return any(same_secret(expected, sent) for expected in self.sealer.opaque_keys(text))


async def issue_login_link(
    session: AsyncSession, member_id: int, *, now: datetime, lifetime: timedelta
) -> str:
    """A new one-time login token for ``member_id`` (stored as its digest)."""
    token = new_token()
    await create_login_link(session, member_id, digest(token), now=now, lifetime=lifetime)
    return token


def may_use_console(grants: tuple[Grant, ...]) -> bool:
    return may(grants, Action.WEB_CONSOLE)


async def log_in(
    session: AsyncSession, link_token: str, *, now: datetime, lifetime: timedelta
) -> tuple[str, int] | None:
    """Spend a login link: a new session's token and its member, or None when the link is
    used, too old, unknown, or its member holds no role the console serves."""
    member_id = await use_login_link(session, digest(link_token), now=now)
    if member_id is None:
        return None
    grants = await load_grants(session, member_id)
    if not may_use_console(grants):
        return None
    token = new_token()
    role_ids = [grant.id for grant in grants]
    await start_session(session, member_id, digest(token), role_ids, now=now, lifetime=lifetime)
    return token, member_id


async def viewer_of(
    session: AsyncSession,
    keys: Keys,
    cookie: str | None,
    *,
    now: datetime,
    revoked: list[int] | None = None,
) -> Viewer | None:
    """The member signed in with ``cookie``, with their roles now; None when nobody is.

    A session whose roles were revoked since it began ends here, with every other session of
    its member; with ``revoked`` given (a read transaction, which writes nothing), the member's
    id is added to it instead, and the caller ends them (``end_member_sessions``)."""
    token = keys.unsigned(cookie)
    if token is None:
        return None
    record = await session_by_token(session, digest(token), now=now)
    if record is None:
        return None
    grants = await load_grants(session, record.member_id)
    held = {grant.id for grant in grants}
    if not set(record.role_ids) <= held or not may_use_console(grants):
        if revoked is None:
            await end_member_sessions(session, record.member_id, now=now)
        else:
            revoked.append(record.member_id)
        return None
    member = await web_member(session, record.member_id)
    if member is None:
        return None
    return Viewer(
        Member(member.id, member.locale, grants, member.consent_version),
        member.display_name,
        keys.csrf(token),
        token,
    )
