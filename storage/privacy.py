"""A person's own data: their consent, everything held about them, and erasing them.

``member_data`` is the one list of what the bot holds about a member (chat /dulieucuatoi and
``antq privacy export`` both print it); ``erase_member`` removes the member and every link to
them while their tips stay (the law requires tips to be kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import (
    areas,
    consent_decisions,
    conversations,
    event_participants,
    events,
    identities,
    member_preferences,
    member_roles,
    members,
    outbox,
    security_models,
    tips,
)
from storage.audit import record_audit
from storage.commendations import commendations as commendation_rows
from storage.commendations import commendations_of_member
from storage.opinions import forget_member_opinions, member_opinions, opinions
from storage.tables import day_stamp
from storage.web_sessions import open_sessions

__all__ = [
    "MEMBER_ERASED",
    "ErasedMember",
    "SealedRoute",
    "erase_member",
    "forget_profile",
    "member_chats",
    "member_data",
    "member_of_identity",
    "record_consent",
    "sealed_routes",
]

MEMBER_ERASED = "member.erased"


# Built once (a privacy notice is answered in a message's transaction); an UPDATE's SET columns
# come from the parameters' keys, the WHERE's names end with ``_``.
_insert_decision = consent_decisions.insert()
_update_member = update(members).where(members.c.id == bindparam("member_id_"))
_name_if_none = update(members).where(
    members.c.id == bindparam("member_id_"), members.c.display_name.is_(None)
)


async def record_consent(
    session: AsyncSession,
    member_id: int,
    *,
    decision: str,
    notice_version: int,
    display_name: str | None,
    now: datetime,
) -> None:
    """Store the answer (the proof the law asks for) and the member's current consent; a
    member who agrees has their display name kept from now on."""
    await session.execute(
        _insert_decision,
        {
            "member_id": member_id,
            "decision": decision,
            "notice_version": notice_version,
            "decided_at": day_stamp(now),
        },
    )
    consent_version = notice_version if decision == "given" else None
    await session.execute(
        _update_member, {"member_id_": member_id, "consent_version": consent_version}
    )
    if decision == "given" and display_name:
        await session.execute(
            _name_if_none,
            {"member_id_": member_id, "display_name": display_name.strip()[:128] or None},
        )


async def forget_profile(session: AsyncSession, member_id: int, *, keep_name: bool) -> None:
    """What withdrawing consent removes: the name (kept for a role holder, whose name serves
    their official work), the home place and the event registrations."""
    values: dict[str, Any] = {"home_area_id": None}
    if not keep_name:
        values["display_name"] = None
    await session.execute(update(members).where(members.c.id == member_id).values(values))
    await session.execute(
        delete(event_participants).where(event_participants.c.member_id == member_id)
    )


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def member_data(
    session: AsyncSession, member_id: int, *, now: datetime
) -> dict[str, Any] | None:
    """Everything held about the member, as plain JSON-ready data; None when there is none.
    Their web console sessions open at ``now`` are listed by their times (never a token)."""
    member = (
        await session.execute(
            select(members, areas.c.name.label("home_name"))
            .select_from(members.outerjoin(areas, areas.c.id == members.c.home_area_id))
            .where(members.c.id == member_id)
        )
    ).one_or_none()
    if member is None:
        return None
    identity_rows = (
        await session.execute(
            select(identities).where(identities.c.member_id == member_id).order_by(identities.c.id)
        )
    ).all()
    role_rows = (
        await session.execute(
            select(member_roles, areas.c.name.label("place_name"))
            .join(areas, areas.c.id == member_roles.c.area_id)
            .where(member_roles.c.member_id == member_id)
            .order_by(member_roles.c.id)
        )
    ).all()
    preferences = (
        await session.execute(
            select(member_preferences).where(member_preferences.c.member_id == member_id)
        )
    ).one_or_none()
    conversation = (
        await session.execute(select(conversations).where(conversations.c.member_id == member_id))
    ).one_or_none()
    tip_rows = (
        await session.execute(
            select(tips.c.code, tips.c.status, tips.c.received_at, tips.c.contact_phone)
            .where(tips.c.member_id == member_id)
            .order_by(tips.c.id)
        )
    ).all()
    event_rows = (
        await session.execute(
            select(
                events.c.title,
                events.c.starts_at,
                event_participants.c.registered_at,
                event_participants.c.cancelled_at,
            )
            .join(events, events.c.id == event_participants.c.event_id)
            .where(event_participants.c.member_id == member_id)
            .order_by(events.c.starts_at)
        )
    ).all()
    consent_rows = (
        await session.execute(
            select(consent_decisions)
            .where(consent_decisions.c.member_id == member_id)
            .order_by(consent_decisions.c.id)
        )
    ).all()
    web = await open_sessions(session, member_id, now=now)
    commended = await commendations_of_member(session, member_id)
    # Their named opinions only: an anonymous one keeps no link to them to be found by.
    opinions_sent = await member_opinions(session, member_id)
    drafts = []
    if conversation is not None:
        if conversation.flow:
            drafts.append(conversation.flow)
        draft = (conversation.data or {}).get("draft")
        if draft and draft.get("flow"):
            drafts.append(draft["flow"])
    return {
        "member_id": member.id,
        "display_name": member.display_name,
        "locale": member.locale,
        "home_place": member.home_name,
        "created_at": _moment(member.created_at),
        "consent_version": member.consent_version,
        "identities": [
            {
                "channel": row.channel,
                "platform_user_id": row.platform_user_id,
                "chat_id": row.chat_id,
                "active": row.active,
                "created_at": _moment(row.created_at),
                "last_seen_at": _moment(row.last_seen_at),
            }
            for row in identity_rows
        ],
        "roles": [
            {
                "role": row.role,
                "place": row.place_name,
                "granted_at": _moment(row.granted_at),
                "revoked_at": _moment(row.revoked_at),
            }
            for row in role_rows
        ],
        "preferences": {
            "reminders": True if preferences is None else preferences.reminders,
            "campaigns": True if preferences is None else preferences.campaigns,
        },
        "drafts": drafts,
        "tips_with_contact": [
            {
                "code": row.code,
                "status": row.status,
                "received_at": _moment(row.received_at),
                "contact_phone": row.contact_phone,
            }
            for row in tip_rows
        ],
        "event_registrations": [
            {
                "event": row.title,
                "starts_at": _moment(row.starts_at),
                "registered_at": _moment(row.registered_at),
                "cancelled_at": _moment(row.cancelled_at),
            }
            for row in event_rows
        ],
        "consent_history": [
            {
                "decision": row.decision,
                "notice_version": row.notice_version,
                "at": _moment(row.decided_at),
            }
            for row in consent_rows
        ],
        "commendations": [
            {
                "year": each.year,
                "form": each.form,
                "status": each.status,
                "achievement": each.achievement,
                "proposed_at": _moment(each.proposed_at),
            }
            for each in commended
        ],
        "opinions": [
            {
                "code": each.code,
                "category": each.category,
                "text": each.text,
                "place": each.place_text,
                "commune": each.area_name,
                "status": each.status,
                "received_on": _moment(each.received_on),
            }
            for each in opinions_sent
        ],
        "web_sessions": [
            {"started_at": _moment(each.created_at), "expires_at": _moment(each.expires_at)}
            for each in web
        ],
    }


@dataclass(frozen=True, slots=True)
class SealedRoute:
    """A sealed route stored somewhere: which table and row, and the sealed bytes."""

    table: str
    row_id: int
    sealed: bytes


async def member_of_identity(session: AsyncSession, channel: str, user_id: str) -> int | None:
    """The member behind a platform account, if the bot knows it."""
    return (
        await session.execute(
            select(identities.c.member_id).where(
                identities.c.channel == channel, identities.c.platform_user_id == user_id
            )
        )
    ).scalar_one_or_none()


async def member_chats(session: AsyncSession, member_id: int) -> set[tuple[str, str]]:
    """(channel, chat id) of each of the member's identities."""
    rows = await session.execute(
        select(identities.c.channel, identities.c.chat_id).where(
            identities.c.member_id == member_id
        )
    )
    return {(row.channel, row.chat_id) for row in rows}


async def sealed_routes(session: AsyncSession) -> list[SealedRoute]:
    """Every sealed route still stored (tips' and queued news'), for the caller to open with
    the key and find the ones that lead to a person being erased."""
    found = [
        SealedRoute("tips", row.id, bytes(row.sender_route))
        for row in await session.execute(
            select(tips.c.id, tips.c.sender_route).where(tips.c.sender_route.is_not(None))
        )
    ]
    found += [
        SealedRoute("outbox", row.id, bytes(row.sealed_route))
        for row in await session.execute(
            select(outbox.c.id, outbox.c.sealed_route).where(outbox.c.sealed_route.is_not(None))
        )
    ]
    found += [
        SealedRoute("opinions", row.id, bytes(row.sender_route))
        for row in await session.execute(
            select(opinions.c.id, opinions.c.sender_route).where(
                opinions.c.sender_route.is_not(None)
            )
        )
    ]
    return found


@dataclass(frozen=True)
class ErasedMember:
    """What an erasure removed, as counts (an audit of ids only)."""

    member_id: int
    identities: int = 0
    roles: int = 0
    tips_unlinked: int = 0
    routes_erased: int = 0
    news_dropped: int = 0


async def erase_member(
    session: AsyncSession,
    member_id: int,
    *,
    routes_to_them: list[SealedRoute],
    actor_member_id: int | None,
    now: datetime,
) -> ErasedMember | None:
    """Erase the member: their row and, with it, identities, conversation, preferences, roles,
    registrations, consent history, queued messages and wrong-code counts (foreign keys
    cascade). Their identified tips stay with member, phone and route removed; the
    ``routes_to_them`` (anonymous tips' routes and queued news the caller found leading to
    them) are erased or dropped. An audit entry names the member by id only."""
    if (
        await session.execute(select(members.c.id).where(members.c.id == member_id))
    ).one_or_none() is None:
        return None
    identity_count = len(
        (
            await session.execute(
                select(identities.c.id).where(identities.c.member_id == member_id)
            )
        ).all()
    )
    role_count = len(
        (
            await session.execute(
                select(member_roles.c.id).where(member_roles.c.member_id == member_id)
            )
        ).all()
    )
    identified = set(
        (await session.execute(select(tips.c.id).where(tips.c.member_id == member_id))).scalars()
    )
    unlinked = await session.execute(
        update(tips)
        .where(tips.c.member_id == member_id)
        .values(member_id=None, contact_phone=None, sender_route=None)
    )
    tip_ids = [
        route.row_id
        for route in routes_to_them
        if route.table == "tips" and route.row_id not in identified
    ]
    news_ids = [route.row_id for route in routes_to_them if route.table == "outbox"]
    if tip_ids:
        await session.execute(update(tips).where(tips.c.id.in_(tip_ids)).values(sender_route=None))
    if news_ids:
        await session.execute(delete(outbox).where(outbox.c.id.in_(news_ids)))
    # Their anonymous opinions can no longer be answered (a named one loses its member below).
    opinion_ids = [route.row_id for route in routes_to_them if route.table == "opinions"]
    if opinion_ids:
        await session.execute(
            update(opinions).where(opinions.c.id.in_(opinion_ids)).values(sender_route=None)
        )
    # Their named opinions stay for the commune's figures, without them (storage.opinions).
    await forget_member_opinions(session, member_id)
    # A commendation of the member keeps its record (the yearly report), not their name.
    await session.execute(
        update(commendation_rows)
        .where(commendation_rows.c.recipient_member_id == member_id)
        .values(subject_name="")
    )
    # A model's lead may be named by text as well as by member.
    await session.execute(
        update(security_models)
        .where(security_models.c.lead_member_id == member_id)
        .values(lead_member_id=None, lead_name=None)
    )
    await session.execute(delete(members).where(members.c.id == member_id))
    await record_audit(
        session,
        MEMBER_ERASED,
        actor_member_id=actor_member_id if actor_member_id != member_id else None,
        subject_kind="member",
        subject_id=member_id,
        at=now,
    )
    return ErasedMember(
        member_id=member_id,
        identities=identity_count,
        roles=role_count,
        tips_unlinked=unlinked.rowcount or 0,  # type: ignore[attr-defined]
        routes_erased=len(tip_ids),
        news_dropped=len(news_ids),
    )
