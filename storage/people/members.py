"""Members and their channel identities: who is writing, in which language.

``find_or_create_member`` runs for every inbound message, so the common case is one SELECT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, exists, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import dialect_name, identities, member_roles, members, run_together
from storage.errors import ConcurrentUpdate
from storage.linking import note_account_used, notice_accounts
from storage.tables import day_stamp, utcnow

__all__ = [
    "MemberRecord",
    "create_member",
    "create_member_noting",
    "find_or_create_member",
    "mark_identity_inactive",
    "member_locale",
    "set_locale",
]


_DISPLAY_NAME_MAX = 128


@dataclass(frozen=True, slots=True)
class MemberRecord:
    """A member as seen through the identity they are writing from."""

    id: int
    locale: str | None
    display_name: str | None
    identity_id: int
    identity_active: bool
    # Whether any role is in force: most members hold none, and then nobody needs to read them.
    holds_roles: bool
    # The chat shows a keyboard the next message must take away (storage.reply_path.replies).
    reply_keyboard: bool = False
    # The privacy notice version the member agreed to (None: never, refused or withdrawn).
    consent_version: int | None = None


IDENTITY_COLUMNS = (
    identities.c.id.label("identity_id"),
    identities.c.active.label("identity_active"),
    identities.c.chat_id.label("identity_chat_id"),
    identities.c.last_seen_at.label("identity_last_seen_at"),
    identities.c.reply_keyboard.label("identity_reply_keyboard"),
    members.c.id.label("member_id"),
    members.c.locale.label("member_locale"),
    members.c.display_name.label("member_display_name"),
    members.c.consent_version.label("member_consent_version"),
    exists()
    .where(member_roles.c.member_id == members.c.id, member_roles.c.revoked_at.is_(None))
    .label("member_holds_roles"),
    # A linked member's account their notices follow (storage.linking); None for most.
    select(notice_accounts.c.identity_id)
    .where(notice_accounts.c.member_id == members.c.id, notice_accounts.c.chosen.is_(False))
    .scalar_subquery()
    .label("member_notice_identity"),
)
IDENTITY_MATCH = (
    identities.c.channel == bindparam("channel"),
    identities.c.platform_user_id == bindparam("platform_user_id"),
)

_find_member = (
    select(*IDENTITY_COLUMNS)
    .select_from(identities.join(members, members.c.id == identities.c.member_id))
    .where(*IDENTITY_MATCH)
)

# Built once, like every statement of the hot path: building one per message (its WHERE and
# VALUES clauses, its cache key) costs more CPU than SQLite's work for it. An UPDATE's SET
# columns come from the parameters' keys; a ``_`` ends the WHERE's names, which are not columns.
_insert_member = insert(members).returning(members.c.id)
_insert_identity = insert(identities).returning(identities.c.id)
# A first message's identity: one that a concurrent first message of the same user stored
# meanwhile inserts nothing instead of failing the transaction (no SAVEPOINT, two statements
# fewer for every new member).
_IDENTITY_INSERTS: dict[str, Any] = {
    name: make_insert(identities)
    .on_conflict_do_nothing(index_elements=[identities.c.channel, identities.c.platform_user_id])
    .returning(identities.c.id)
    for name, make_insert in (("sqlite", sqlite_insert), ("postgresql", pg_insert))
}
_delete_member = delete(members).where(members.c.id == bindparam("member_id"))
_update_identity = update(identities).where(identities.c.id == bindparam("identity_id_"))
_update_member = update(members).where(members.c.id == bindparam("member_id_"))


def _today(now: datetime | None = None) -> datetime:
    """``now`` (or now), to the day: a member's or an identity's times must not single out the
    message that wrote them, whatever the traffic of that day (``day_stamp``)."""
    return day_stamp(now or utcnow())


def _clip_name(display_name: str | None) -> str | None:
    if display_name is None:
        return None
    return display_name.strip()[:_DISPLAY_NAME_MAX] or None


async def refresh_identity(
    session: AsyncSession,
    row: Any,
    *,
    chat_id: str,
    display_name: str | None,
    now: datetime | None = None,
) -> MemberRecord:
    """Turn a row of ``IDENTITY_COLUMNS`` (its values by label, as attributes) into a record,
    writing only what changed.

    Reactivates a blocked identity (the user wrote again, so they unblocked the bot), follows a
    changed chat id, refreshes last_seen_at on a new day and fills a
    missing display name — only for a member who agreed to the privacy notice or holds a role
    (a name is personal data the bot does not need to answer anybody else).
    """
    now = _today(now)
    member_display_name = row.member_display_name
    if (
        not row.identity_active
        or row.identity_chat_id != chat_id
        # Kept to the day: written once a day at most, so most messages cost no write.
        or row.identity_last_seen_at != now
    ):
        await run_together(
            session,
            [
                (
                    _update_identity,
                    {
                        "identity_id_": row.identity_id,
                        "active": True,
                        "chat_id": chat_id,
                        "last_seen_at": now,
                    },
                )
            ],
        )
    notice_identity = getattr(row, "member_notice_identity", None)
    if notice_identity is not None and notice_identity != row.identity_id:
        await note_account_used(session, row.member_id, row.identity_id)
    name = _clip_name(display_name)
    may_keep_name = row.member_consent_version is not None or bool(row.member_holds_roles)
    if member_display_name is None and name is not None and may_keep_name:
        await run_together(
            session, [(_update_member, {"member_id_": row.member_id, "display_name": name})]
        )
        member_display_name = name
    return MemberRecord(
        id=row.member_id,
        locale=row.member_locale,
        display_name=member_display_name,
        identity_id=row.identity_id,
        identity_active=True,
        holds_roles=bool(row.member_holds_roles),
        reply_keyboard=bool(row.identity_reply_keyboard),
        consent_version=row.member_consent_version,
    )


async def create_member(
    session: AsyncSession,
    *,
    channel: str,
    platform_user_id: str,
    chat_id: str,
    display_name: str | None,
    now: datetime | None = None,
) -> MemberRecord:
    """Create a member and its identity; if a concurrent message created them first, read those.

    A unique violation leaves the caller's transaction usable (ON CONFLICT DO NOTHING, or a
    SAVEPOINT where the database has none). The display name is not kept yet: a new member
    has not agreed to the privacy notice.
    """
    member, _ = await create_member_noting(
        session,
        channel=channel,
        platform_user_id=platform_user_id,
        chat_id=chat_id,
        display_name=display_name,
        now=now,
    )
    return member


async def create_member_noting(
    session: AsyncSession,
    *,
    channel: str,
    platform_user_id: str,
    chat_id: str,
    display_name: str | None,
    now: datetime | None = None,
) -> tuple[MemberRecord, bool]:
    """``create_member``, and whether this transaction created the member (False: a concurrent
    first message of the same user did, and the member may already have a conversation)."""
    now = _today(now)
    member_values = {"locale": None, "display_name": None, "created_at": now}
    identity_values = {
        "channel": channel,
        "platform_user_id": platform_user_id,
        "chat_id": chat_id,
        "active": True,
        "reply_keyboard": False,
        "created_at": now,
        "last_seen_at": now,
    }
    identity_insert = _IDENTITY_INSERTS.get(dialect_name(session))
    if identity_insert is None:
        return await _create_in_savepoint(
            session, member_values, identity_values, display_name=display_name, now=now
        )
    (member,) = await run_together(session, [(_insert_member, member_values)])
    member_id = member.rows[0][0]
    (identity,) = await run_together(
        session, [(identity_insert, {**identity_values, "member_id": member_id})]
    )
    if not identity.rows:
        # Lost the race against another first message of the same user: theirs is committed,
        # and the member inserted here is nobody's.
        await run_together(session, [(_delete_member, {"member_id": member_id})])
        found = await _found(session, identity_values, display_name=display_name, now=now)
        if found is None:
            raise ConcurrentUpdate("an identity was created and removed meanwhile")
        return found, False
    return _created(member_id, identity.rows[0][0]), True


def _created(member_id: int, identity_id: int) -> MemberRecord:
    return MemberRecord(
        id=member_id,
        locale=None,
        display_name=None,
        identity_id=identity_id,
        identity_active=True,
        holds_roles=False,
    )


async def _found(
    session: AsyncSession,
    identity_values: dict[str, Any],
    *,
    display_name: str | None,
    now: datetime,
) -> MemberRecord | None:
    """The member a concurrent first message created, refreshed as this message sees it."""
    match = {key: identity_values[key] for key in ("channel", "platform_user_id")}
    row = (await session.execute(_find_member, match)).one_or_none()
    if row is None:
        return None
    chat_id = identity_values["chat_id"]
    return await refresh_identity(session, row, chat_id=chat_id, display_name=display_name, now=now)


async def _create_in_savepoint(
    session: AsyncSession,
    member_values: dict[str, Any],
    identity_values: dict[str, Any],
    *,
    display_name: str | None,
    now: datetime,
) -> tuple[MemberRecord, bool]:
    """``create_member_noting`` where INSERT has no ON CONFLICT: the inserts in a SAVEPOINT,
    so that a unique violation leaves the caller's transaction usable."""
    try:
        async with session.begin_nested():
            member_id = (await session.execute(_insert_member, member_values)).scalar_one()
            identity_id = (
                await session.execute(_insert_identity, {**identity_values, "member_id": member_id})
            ).scalar_one()
    except IntegrityError:
        found = await _found(session, identity_values, display_name=display_name, now=now)
        if found is None:
            raise
        return found, False
    return _created(member_id, identity_id), True


async def find_or_create_member(
    session: AsyncSession,
    *,
    channel: str,
    platform_user_id: str,
    chat_id: str,
    display_name: str | None,
) -> MemberRecord:
    """The member writing from (channel, platform_user_id), created on their first message."""
    row = (
        await session.execute(
            _find_member, {"channel": channel, "platform_user_id": platform_user_id}
        )
    ).one_or_none()
    if row is not None:
        return await refresh_identity(session, row, chat_id=chat_id, display_name=display_name)
    return await create_member(
        session,
        channel=channel,
        platform_user_id=platform_user_id,
        chat_id=chat_id,
        display_name=display_name,
    )


async def set_locale(session: AsyncSession, member_id: int, locale: str) -> None:
    """Remember the language the member chose."""
    await run_together(session, [(_update_member, {"member_id_": member_id, "locale": locale})])


async def mark_identity_inactive(
    session: AsyncSession, *, channel: str, platform_user_id: str
) -> None:
    """Stop sending to an identity whose user blocked the bot (until they write again)."""
    await session.execute(
        update(identities)
        .where(
            identities.c.channel == channel,
            identities.c.platform_user_id == platform_user_id,
        )
        .values(active=False)
    )


async def member_locale(session: AsyncSession, member_id: int) -> str | None:
    """The language the member chose (None until they choose): a notice is written in it."""
    return await session.scalar(select(members.c.locale).where(members.c.id == member_id))
