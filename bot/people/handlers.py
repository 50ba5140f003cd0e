"""Performing the effects about roles, invitations and places, in the message's transaction.

The flows asked the policy before producing these effects; it is asked again here, against
the member's roles as loaded in this very transaction, so a stale conversation can never
write what the member is no longer allowed to.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.people.areas import clean_name
from bot.places import grant_of, place_of
from conversations.effects import (
    AcceptInvitation,
    AddArea,
    CreateInvitation,
    GiveUpRole,
    RecordJoinAttempts,
    RecordTipView,
    RenameArea,
)
from conversations.i18n import N_
from conversations.parsing import fold
from conversations.policy import Action, may, may_grant, may_revoke
from conversations.ports import Member
from storage.areas import NewArea, area_by_id, insert_areas, next_child_codes, rename_area
from storage.audit import (
    AREA_ADDED,
    AREA_RENAMED,
    INVITATION_CREATED,
    INVITATION_USED,
    ROLE_GRANTED,
    ROLE_LEFT,
    ROLE_REVOKED,
    TIP_VIEWED,
    record_audit,
)
from storage.invitations import claim_invitation, create_invitation, save_join_attempts
from storage.notices import add_notice
from storage.roles import grant_role, revoke_role, role_by_id
from storage.tips import find_tip_by_code

StaffEffect = (
    AcceptInvitation
    | RecordJoinAttempts
    | CreateInvitation
    | GiveUpRole
    | AddArea
    | RenameArea
    | RecordTipView
)


class PolicyViolation(Exception):
    """An effect the member is not allowed to perform reached the bot (a bug, never a user's)."""


async def apply_staff_effect(
    session: AsyncSession,
    member: Member,
    display_name: str | None,
    effect: StaffEffect,
    now: datetime,
) -> None:
    if isinstance(effect, AcceptInvitation):
        await accept_invitation(session, member.id, display_name, effect.code, now)
    elif isinstance(effect, RecordJoinAttempts):
        await save_join_attempts(
            session,
            member.id,
            failures=effect.failures,
            locked_until=effect.locked_until,
            now=now,
        )
    elif isinstance(effect, CreateInvitation):
        await _create_invitation(session, member, effect, now)
    elif isinstance(effect, GiveUpRole):
        await _give_up_role(session, member, effect, now)
    elif isinstance(effect, AddArea):
        await _add_area(session, member, effect, now)
    elif isinstance(effect, RenameArea):
        await _rename_area(session, member, effect, now)
    elif isinstance(effect, RecordTipView):
        await _record_tip_view(session, member, effect, now)


async def accept_invitation(
    session: AsyncSession, member_id: int, display_name: str | None, code: str, now: datetime
) -> int:
    """Redeem ``code`` for the member, grant the role, audit it and tell the creator.

    Raises ``InvitationTaken`` when the code was used or expired meanwhile.
    """
    invitation = await claim_invitation(session, code, member_id=member_id, now=now)
    role_id, _new = await grant_role(
        session,
        member_id=member_id,
        role=invitation.role,
        area_id=invitation.area_id,
        granted_by=invitation.created_by,
        now=now,
    )
    common = {"role": invitation.role, "area_id": invitation.area_id, "at": now}
    await record_audit(
        session,
        INVITATION_USED,
        actor_member_id=member_id,
        subject_kind="invitation",
        subject_id=invitation.id,
        **common,
    )
    await record_audit(
        session,
        ROLE_GRANTED,
        actor_member_id=invitation.created_by,
        subject_kind="member",
        subject_id=member_id,
        **common,
    )
    if invitation.created_by is not None:
        area = await area_by_id(session, invitation.area_id)
        place = place_of(area).full_name if area is not None else ""
        await add_notice(
            session,
            invitation.created_by,
            N_("notice.invitation_used"),
            {"name": display_name or "", "role": invitation.role, "place": place},
            now=now,
        )
    return role_id


async def _create_invitation(
    session: AsyncSession, member: Member, effect: CreateInvitation, now: datetime
) -> None:
    area = await area_by_id(session, effect.area_id)
    if area is None or not may_grant(member.roles, effect.role, place_of(area)):
        raise PolicyViolation("invitation outside the member's places")
    invitation_id = await create_invitation(
        session,
        code=effect.code,
        role=effect.role,
        area_id=effect.area_id,
        created_by=member.id,
        expires_at=effect.expires_at,
        now=now,
    )
    await record_audit(
        session,
        INVITATION_CREATED,
        actor_member_id=member.id,
        subject_kind="invitation",
        subject_id=invitation_id,
        role=effect.role,
        area_id=effect.area_id,
        at=now,
    )


async def _give_up_role(
    session: AsyncSession, member: Member, effect: GiveUpRole, now: datetime
) -> None:
    role = await role_by_id(session, effect.role_id)
    if role is None or role.revoked_at is not None:
        return  # already ended (a second tap): nothing to do
    if effect.leaving and role.member_id != member.id:
        raise PolicyViolation("leaving somebody else's role")
    if not may_revoke(member.roles, member.id, role.member_id, grant_of(role)):
        raise PolicyViolation("revoking a role outside the member's places")
    await revoke_role(session, role.id, by=member.id, now=now)
    await record_audit(
        session,
        ROLE_LEFT if role.member_id == member.id else ROLE_REVOKED,
        actor_member_id=member.id,
        subject_kind="member",
        subject_id=role.member_id,
        role=role.role,
        area_id=role.area_id,
        at=now,
    )
    if role.member_id != member.id:
        await add_notice(
            session,
            role.member_id,
            N_("notice.role_revoked"),
            {"role": role.role, "place": grant_of(role).place.full_name},
            now=now,
        )


async def _add_area(session: AsyncSession, member: Member, effect: AddArea, now: datetime) -> None:
    parent = await area_by_id(session, effect.parent_id)
    if parent is None or not may(member.roles, Action.MANAGE_AREAS, parent.path):
        raise PolicyViolation("adding a place outside the member's places")
    (code,) = await next_child_codes(session, parent.code, 1)
    name = clean_name(effect.name)
    await insert_areas(
        session,
        [
            NewArea(
                code=code,
                name=name,
                name_folded=fold(name),
                kind=effect.kind,
                parent_code=parent.code,
                households=effect.households,
            )
        ],
        now=now,
    )
    await record_audit(
        session,
        AREA_ADDED,
        actor_member_id=member.id,
        area_id=parent.id,
        subject_kind="area",
        at=now,
    )


async def _rename_area(
    session: AsyncSession, member: Member, effect: RenameArea, now: datetime
) -> None:
    area = await area_by_id(session, effect.area_id)
    if area is None or not may(member.roles, Action.MANAGE_AREAS, area.path):
        raise PolicyViolation("renaming a place outside the member's places")
    name = clean_name(effect.name)
    await rename_area(
        session,
        area.id,
        name=name,
        name_folded=fold(name),
        former_name=area.name,
        former_name_folded=fold(area.name),
    )
    await record_audit(
        session,
        AREA_RENAMED,
        actor_member_id=member.id,
        subject_kind="area",
        subject_id=area.id,
        area_id=area.id,
        at=now,
    )


async def _record_tip_view(
    session: AsyncSession, member: Member, effect: RecordTipView, now: datetime
) -> None:
    tip = await find_tip_by_code(session, effect.code)
    if tip is None:
        return
    await record_audit(
        session,
        TIP_VIEWED,
        actor_member_id=member.id,
        subject_kind="tip",
        subject_id=tip.id,
        area_id=tip.area_id,
        at=now,
    )
