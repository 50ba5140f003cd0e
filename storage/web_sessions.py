"""The web console's one-time login links and sessions, stored by the digest of their token.

The caller makes the tokens and their digests (``bot.web.auth``); this module never sees a
token, so the database alone opens no console.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import members, web_login_links, web_sessions
from storage.retention import Expiry

__all__ = [
    "DEAD_LOGIN_LINKS",
    "DEAD_SESSIONS",
    "OpenWebSession",
    "WebMember",
    "WebSessionRecord",
    "create_login_link",
    "end_member_sessions",
    "end_session",
    "login_link_member",
    "open_sessions",
    "session_by_token",
    "start_session",
    "use_login_link",
    "web_member",
]

# For the daily retention run (``bot.privacy.retention``): a link or a session that opens
# nothing any more is only a trace of a sign-in, deleted the first morning after.
DEAD_LOGIN_LINKS = Expiry(
    web_login_links,
    lambda cut: or_(web_login_links.c.expires_at <= cut, web_login_links.c.used_at <= cut),
)
DEAD_SESSIONS = Expiry(
    web_sessions, lambda cut: or_(web_sessions.c.expires_at <= cut, web_sessions.c.ended_at <= cut)
)


async def create_login_link(
    session: AsyncSession, member_id: int, token_hash: str, *, now: datetime, lifetime: timedelta
) -> None:
    """Store a new link for ``member_id``, the only one of theirs that works: their earlier
    links not used yet are revoked (a link left in a chat opens nothing once a newer one was
    asked for). Links past their time are deleted on the way."""
    await session.execute(
        delete(web_login_links).where(
            or_(
                web_login_links.c.expires_at <= now,
                (web_login_links.c.member_id == member_id) & web_login_links.c.used_at.is_(None),
            )
        )
    )
    await session.execute(
        insert(web_login_links).values(
            token_hash=token_hash, member_id=member_id, created_at=now, expires_at=now + lifetime
        )
    )


def _usable(token_hash: str, now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        web_login_links.c.token_hash == token_hash,
        web_login_links.c.used_at.is_(None),
        web_login_links.c.expires_at > now,
    )


async def login_link_member(session: AsyncSession, token_hash: str, *, now: datetime) -> int | None:
    """The member a link that still works belongs to (the link stays unused)."""
    return await session.scalar(
        select(web_login_links.c.member_id).where(*_usable(token_hash, now))
    )


async def use_login_link(session: AsyncSession, token_hash: str, *, now: datetime) -> int | None:
    """Spend the link: its member, or None when it was used, is past its time or never was.
    Of two browsers using one link at once, one wins (a conditional update)."""
    member_id = await login_link_member(session, token_hash, now=now)
    if member_id is None:
        return None
    result = await session.execute(
        update(web_login_links).where(*_usable(token_hash, now)).values(used_at=now)
    )
    return member_id if result.rowcount else None


@dataclass(frozen=True, slots=True)
class WebSessionRecord:
    """A session in force: its member and the role ids they held when it began."""

    id: int
    member_id: int
    role_ids: list[int]
    created_at: datetime
    expires_at: datetime


async def start_session(
    session: AsyncSession,
    member_id: int,
    token_hash: str,
    role_ids: Collection[int],
    *,
    now: datetime,
    lifetime: timedelta,
) -> None:
    """Store a session; sessions past their time or ended are deleted on the way."""
    await session.execute(
        delete(web_sessions).where(
            or_(web_sessions.c.expires_at <= now, web_sessions.c.ended_at.is_not(None))
        )
    )
    await session.execute(
        insert(web_sessions).values(
            token_hash=token_hash,
            member_id=member_id,
            role_ids=sorted(role_ids),
            created_at=now,
            expires_at=now + lifetime,
        )
    )


async def session_by_token(
    session: AsyncSession, token_hash: str, *, now: datetime
) -> WebSessionRecord | None:
    """The session in force with this digest, or None (ended, past its time, unknown)."""
    row = (
        await session.execute(
            select(
                web_sessions.c.id,
                web_sessions.c.member_id,
                web_sessions.c.role_ids,
                web_sessions.c.created_at,
                web_sessions.c.expires_at,
            ).where(
                web_sessions.c.token_hash == token_hash,
                web_sessions.c.ended_at.is_(None),
                web_sessions.c.expires_at > now,
            )
        )
    ).first()
    return None if row is None else WebSessionRecord(**row._asdict())


async def end_session(session: AsyncSession, token_hash: str, *, now: datetime) -> None:
    """Log out: the session with this digest ends."""
    await session.execute(
        update(web_sessions)
        .where(web_sessions.c.token_hash == token_hash, web_sessions.c.ended_at.is_(None))
        .values(ended_at=now)
    )


async def end_member_sessions(session: AsyncSession, member_id: int, *, now: datetime) -> int:
    """Every session of ``member_id`` ends (a role of theirs was revoked); how many did."""
    result = await session.execute(
        update(web_sessions)
        .where(web_sessions.c.member_id == member_id, web_sessions.c.ended_at.is_(None))
        .values(ended_at=now)
    )
    return result.rowcount or 0


@dataclass(frozen=True, slots=True)
class OpenWebSession:
    """A session still in force, as the member's own data lists it: times only."""

    created_at: datetime
    expires_at: datetime


async def open_sessions(
    session: AsyncSession, member_id: int, *, now: datetime
) -> list[OpenWebSession]:
    """The member's sessions not ended nor past their time at ``now``, oldest first."""
    rows = await session.execute(
        select(web_sessions.c.created_at, web_sessions.c.expires_at)
        .where(
            web_sessions.c.member_id == member_id,
            web_sessions.c.ended_at.is_(None),
            web_sessions.c.expires_at > now,
        )
        .order_by(web_sessions.c.id)
    )
    return [OpenWebSession(row.created_at, row.expires_at) for row in rows]


@dataclass(frozen=True, slots=True)
class WebMember:
    """What the console needs of a signed-in member."""

    id: int
    locale: str | None
    display_name: str | None
    consent_version: int | None


async def web_member(session: AsyncSession, member_id: int) -> WebMember | None:
    row = (
        await session.execute(
            select(
                members.c.id, members.c.locale, members.c.display_name, members.c.consent_version
            ).where(members.c.id == member_id)
        )
    ).first()
    return None if row is None else WebMember(**row._asdict())
