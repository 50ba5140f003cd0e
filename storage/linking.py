"""One person, several accounts: link codes, merging the member of a newly linked account into
the person's, taking an account out again, and which account a linked member's notices go to.

A member is one person; each of their accounts is an identity pointing at them. Linking
points the second account's identity at the person's member, so everything keyed by member
(roles, consent, language, preferences, registrations, named reports) follows by itself. An
anonymous tip keeps no member (only a route sealed to its account's chat): nothing here adds
a link from it to anybody."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, bindparam, case, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import audit_log, conversations, identities, member_roles, members
from storage.tables import Base, LinkCode, NoticeAccount, day_stamp

__all__ = [
    "ACCOUNTS_LINKED",
    "ACCOUNT_UNLINKED",
    "LinkedAccount",
    "choose_notice_account",
    "holds_roles",
    "identity_count",
    "link_codes",
    "linked_accounts",
    "linked_draft",
    "lock_members",
    "merge_members",
    "note_account_used",
    "notice_account_first",
    "store_link_code",
    "take_link_code",
    "unlink_identity",
]

ACCOUNTS_LINKED = "member.linked"
ACCOUNT_UNLINKED = "member.unlinked"

link_codes: Table = LinkCode.__table__  # type: ignore[assignment]
notice_accounts: Table = NoticeAccount.__table__  # type: ignore[assignment]

# What the person's member takes from the absorbed one when it has none of its own.
_FILLED = ("locale", "display_name", "home_area_id", "consent_version")


async def store_link_code(
    session: AsyncSession, member_id: int, code: str, expires_at: datetime, now: datetime
) -> None:
    """Keep ``code`` for the member until ``expires_at``; a code they had before is gone, and
    so are everybody's expired ones (a code's exact time names its member: it must not stay)."""
    await session.execute(
        delete(link_codes).where(
            (link_codes.c.member_id == member_id) | (link_codes.c.expires_at <= now)
        )
    )
    await session.execute(
        insert(link_codes).values(code=code, member_id=member_id, expires_at=expires_at)
    )


async def linked_draft(
    session: AsyncSession, code: str, member_id: int, now: datetime
) -> tuple[dict[str, Any], bool] | None:
    """The unfinished conversation of the member who asked for ``code``, if typing it now
    merges them into ``member_id`` (a good code of another member, not both holding roles),
    and whether it was touched later than ``member_id``'s own (to the day: a tie is the
    member's). Their draft put aside, else the flow they are in (the engine keeps it only
    where it is a draft)."""
    owner = await session.scalar(
        select(link_codes.c.member_id).where(
            link_codes.c.code == code, link_codes.c.expires_at > now
        )
    )
    if owner is None or owner == member_id:
        return None
    if await holds_roles(session, owner) and await holds_roles(session, member_id):
        return None
    saved = {
        row.member_id: row
        for row in await session.execute(
            select(
                conversations.c.member_id,
                conversations.c.flow,
                conversations.c.step,
                conversations.c.data,
                conversations.c.updated_at,
            ).where(conversations.c.member_id.in_([owner, member_id]))
        )
    }
    theirs = saved.get(owner)
    if theirs is None:
        return None
    data = theirs.data or {}
    draft = data.get("draft")
    if draft is None and theirs.flow is not None:
        kept = ("answers", "editing", "item", "given")
        draft = {"flow": theirs.flow, "step": theirs.step} | {
            name: data[name] for name in kept if name in data
        }
    if draft is None:
        return None
    mine = saved.get(member_id)
    return draft, mine is None or theirs.updated_at > mine.updated_at


async def take_link_code(session: AsyncSession, code: str, now: datetime) -> int | None:
    """The member who asked for ``code`` if it has not expired; the code is used up either way
    (and expired codes of anybody are dropped). None when there is no such code."""
    await session.execute(delete(link_codes).where(link_codes.c.expires_at <= now))
    member_id = await session.scalar(
        delete(link_codes).where(link_codes.c.code == code).returning(link_codes.c.member_id)
    )
    return member_id


async def lock_members(session: AsyncSession, *member_ids: int) -> bool:
    """Hold the members' rows until the transaction ends; False when one of them is gone.

    Two links touching one member (two codes used at once, or a member absorbed by one link
    while another moves rows to it) must run one after the other: otherwise one could move
    rows to a member the other is deleting, and the delete would take them along. Locked in
    id order, so two links never wait on each other in a circle. On PostgreSQL a member
    merged away while this waited is not returned (then the message runs again, reading
    afresh); SQLite has one writer at a time and renders no ``FOR UPDATE``."""
    wanted = sorted(set(member_ids))
    locked = await session.execute(
        select(members.c.id)
        .where(members.c.id.in_(wanted))
        .order_by(members.c.id)
        .with_for_update()
    )
    return len(locked.all()) == len(wanted)


async def holds_roles(session: AsyncSession, member_id: int) -> bool:
    """Whether the member holds any role in force."""
    held = await session.scalar(
        select(func.count())
        .select_from(member_roles)
        .where(member_roles.c.member_id == member_id, member_roles.c.revoked_at.is_(None))
    )
    return bool(held)


async def identity_count(session: AsyncSession, member_id: int) -> int:
    """How many accounts point at the member."""
    count = await session.scalar(
        select(func.count()).select_from(identities).where(identities.c.member_id == member_id)
    )
    return int(count or 0)


def _member_references() -> list[tuple[Table, str]]:
    """(table, column) of every column that names a member by foreign key, schema-walked, so a
    table added later follows a merge without editing this module."""
    found = []
    for table in Base.metadata.sorted_tables:
        if table.name in {"members", "link_codes", "conversations"}:
            continue
        for column in table.columns:
            if any(fk.column.table.name == "members" for fk in column.foreign_keys):
                found.append((table, column.name))
    return found


async def _move_rows(session: AsyncSession, table: Table, column: str, into: int, absorbed: int):
    """Point ``table``'s rows naming ``absorbed`` in ``column`` at ``into``; a row that would
    clash with one ``into`` has already (its preferences, its registration to the same event)
    stays behind and goes with the absorbed member."""
    where = table.c[column] == absorbed
    try:
        async with session.begin_nested():
            await session.execute(update(table).where(where).values({column: into}))
        return
    except IntegrityError:
        pass
    keys = list(table.primary_key.columns)
    for row in (await session.execute(select(*keys).where(where))).all():
        match = [key == value for key, value in zip(keys, row, strict=True)]
        try:
            async with session.begin_nested():
                await session.execute(update(table).where(*match).values({column: into}))
        except IntegrityError:
            continue


async def merge_members(session: AsyncSession, *, into: int, absorbed: int) -> None:
    """Make ``absorbed`` part of ``into``: its accounts, roles, consent, registrations and
    everything else keyed by member move over; what ``into`` lacks (language, name, home place,
    consent) it takes; then the absorbed member is deleted with its conversation: its draft
    was offered to the person's own conversation by the engine (``linked_draft``)."""
    absorbed_row = (
        await session.execute(
            select(*[members.c[name] for name in _FILLED]).where(members.c.id == absorbed)
        )
    ).one()
    into_row = (
        await session.execute(
            select(*[members.c[name] for name in _FILLED]).where(members.c.id == into)
        )
    ).one()
    filled = {
        name: getattr(absorbed_row, name)
        for name in _FILLED
        if getattr(into_row, name) is None and getattr(absorbed_row, name) is not None
    }
    if filled:
        await session.execute(update(members).where(members.c.id == into).values(filled))
    await session.execute(delete(link_codes).where(link_codes.c.member_id == absorbed))
    await session.execute(delete(conversations).where(conversations.c.member_id == absorbed))
    for table, column in _member_references():
        await _move_rows(session, table, column, into, absorbed)
    # The audit log names its subjects by kind and number, not by key.
    await session.execute(
        update(audit_log)
        .where(audit_log.c.subject_kind == "member", audit_log.c.subject_id == absorbed)
        .values(subject_id=into)
    )
    await session.execute(delete(members).where(members.c.id == absorbed))


async def unlink_identity(
    session: AsyncSession, identity_id: int, member_id: int, now: datetime
) -> int:
    """Take the account out of the member: a new member of its own (the language kept, no
    role, no consent yet: the notice is shown again); its id."""
    locale = await session.scalar(select(members.c.locale).where(members.c.id == member_id))
    new_id = (
        await session.execute(
            insert(members)
            .values(locale=locale, display_name=None, created_at=day_stamp(now))
            .returning(members.c.id)
        )
    ).scalar_one()
    await session.execute(
        update(identities).where(identities.c.id == identity_id).values(member_id=new_id)
    )
    await session.execute(
        delete(notice_accounts).where(
            notice_accounts.c.member_id == member_id, notice_accounts.c.identity_id == identity_id
        )
    )
    if await identity_count(session, member_id) <= 1:
        await session.execute(
            delete(notice_accounts).where(notice_accounts.c.member_id == member_id)
        )
    return new_id


async def choose_notice_account(
    session: AsyncSession, member_id: int, identity_id: int, *, chosen: bool
) -> None:
    """Send the member's notices to ``identity_id``: always (``chosen``) or until they write
    from another of their accounts."""
    values = {"identity_id": identity_id, "chosen": chosen}
    result = await session.execute(
        update(notice_accounts).where(notice_accounts.c.member_id == member_id).values(values)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        await session.execute(insert(notice_accounts).values(member_id=member_id, **values))


# Built once: run for a linked member's every message from another account than the last.
_follow_account = (
    update(notice_accounts)
    .where(
        notice_accounts.c.member_id == bindparam("member_id_"),
        notice_accounts.c.chosen.is_(False),
        notice_accounts.c.identity_id != bindparam("identity_id_"),
    )
    .values(identity_id=bindparam("identity_id_"))
)


async def note_account_used(session: AsyncSession, member_id: int, identity_id: int) -> None:
    """The member wrote from ``identity_id``: a linked member's notices follow them there,
    unless they chose an account. Writes only when the account changed."""
    await session.execute(_follow_account, {"member_id_": member_id, "identity_id_": identity_id})


def notice_account_first(member_id: int | ColumnElement[int]) -> ColumnElement[int]:
    """An ORDER BY term putting the account the member's notices go to first (``member_id``: a
    number, or the column of the query's rows)."""
    wanted = (
        select(notice_accounts.c.identity_id)
        .where(notice_accounts.c.member_id == member_id)
        .scalar_subquery()
    )
    return case((identities.c.id == wanted, 0), else_=1)


@dataclass(frozen=True, slots=True)
class LinkedAccount:
    """One of a member's accounts, as the member sees it listed: its platform, and whether
    their notices go to it (the chosen account, or the one used last)."""

    channel: str
    notices: bool


async def linked_accounts(session: AsyncSession, member_id: int) -> list[LinkedAccount]:
    """The member's accounts that still receive messages, the one their notices go to first."""
    first = notice_account_first(member_id)
    found = await session.execute(
        select(identities.c.channel)
        .where(identities.c.member_id == member_id, identities.c.active.is_(True))
        .order_by(first, identities.c.last_seen_at.desc(), identities.c.id.desc())
    )
    accounts = list(found.all())
    return [
        LinkedAccount(row.channel, notices=index == 0 and len(accounts) > 1)
        for index, row in enumerate(accounts)
    ]
