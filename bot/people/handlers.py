"""Performing the effects about roles, invitations and places, in the message's transaction.

The flows asked the policy before producing these effects; it is asked again here, against
the member's roles as loaded in this very transaction, so a stale conversation can never
write what the member is no longer allowed to.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import MemberMessage, queue_for_member
from bot.effect_context import EffectContext, EffectHandler
from bot.places import clean_name, grant_of, new_area, place_of
from conversations.effects import Effect
from conversations.i18n import N_, Catalogues
from conversations.parsing import fold
from conversations.people import (
    AcceptInvitation,
    AddArea,
    CreateInvitation,
    GiveUpRole,
    RenameArea,
    SetCampaigns,
    SetLocale,
    SetReminders,
)
from conversations.policy import (
    ROLE_LABELS,
    Action,
    PolicyViolation,
    Role,
    may_grant,
    may_revoke,
)
from conversations.secret_codes import RecordCodeAttempts
from conversations.tips import RecordTipView
from storage.areas import area_by_id, insert_areas, next_child_codes, rename_area
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
from storage.code_attempts import save_code_attempts
from storage.delivery.outbox import NOTICE
from storage.people.invitations import claim_invitation, create_invitation
from storage.people.members import member_locale, set_locale
from storage.people.preferences import set_campaigns, set_reminders
from storage.people.roles import grant_role, revoke_role, role_by_id
from storage.tips import find_tip_by_code
from storage.web_sessions import end_member_sessions


async def set_member_locale(ctx: EffectContext, effect: SetLocale) -> None:
    await set_locale(ctx.session, ctx.member.id, effect.locale)


async def set_member_reminders(ctx: EffectContext, effect: SetReminders) -> None:
    await set_reminders(ctx.session, ctx.member.id, effect.on, now=ctx.now)


async def set_member_campaigns(ctx: EffectContext, effect: SetCampaigns) -> None:
    await set_campaigns(ctx.session, ctx.member.id, effect.enabled, now=ctx.now)


async def _accept_invitation(ctx: EffectContext, effect: AcceptInvitation) -> None:
    await accept_invitation(
        ctx.session, ctx.member.id, ctx.message.display_name, effect.code, ctx.now, ctx.catalogues
    )


async def _record_code_attempts(ctx: EffectContext, effect: RecordCodeAttempts) -> None:
    await save_code_attempts(
        ctx.session,
        ctx.member.id,
        effect.kind,
        failures=effect.failures,
        locked_until=effect.locked_until,
        now=ctx.now,
    )


async def accept_invitation(
    session: AsyncSession,
    member_id: int,
    display_name: str | None,
    code: str,
    now: datetime,
    catalogues: Catalogues,
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
        # Written out in the creator's language: the role's label is itself translated (the
        # outbox fills a key with raw parameters only).
        locale = await member_locale(session, invitation.created_by)
        name = clean_name(display_name or "") or catalogues.text(
            locale, N_("staff.unnamed_member"), number=member_id
        )
        role = catalogues.text(locale, ROLE_LABELS[Role(invitation.role)])
        text = catalogues.text(
            locale, N_("notice.invitation_used"), name=name, role=role, place=place
        )
        notice = MemberMessage(
            invitation.created_by, NOTICE, f"notice:invitation-used:{invitation.id}", text=text
        )
        await queue_for_member(session, notice, now=now)
    return role_id


async def _create_invitation(ctx: EffectContext, effect: CreateInvitation) -> None:
    session, member, now = ctx.session, ctx.member, ctx.now
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
    await ctx.audit(
        INVITATION_CREATED,
        subject_kind="invitation",
        subject_id=invitation_id,
        role=effect.role,
        area_id=effect.area_id,
    )


async def _give_up_role(ctx: EffectContext, effect: GiveUpRole) -> None:
    session, member, now = ctx.session, ctx.member, ctx.now
    role = await role_by_id(session, effect.role_id)
    if role is None or role.revoked_at is not None:
        return  # already ended (a second tap): nothing to do
    if effect.leaving and role.member_id != member.id:
        raise PolicyViolation("leaving somebody else's role")
    if not may_revoke(member.roles, member.id, role.member_id, grant_of(role)):
        raise PolicyViolation("revoking a role outside the member's places")
    await revoke_role(session, role.id, by=member.id, now=now)
    # Their browsers lose the web console now, not at their next page.
    await end_member_sessions(session, role.member_id, now=now)
    await ctx.audit(
        ROLE_LEFT if role.member_id == member.id else ROLE_REVOKED,
        subject_kind="member",
        subject_id=role.member_id,
        role=role.role,
        area_id=role.area_id,
    )
    if role.member_id != member.id:
        notice = MemberMessage(
            role.member_id,
            NOTICE,
            f"notice:role-revoked:{role.id}",
            message_key=N_("notice.role_revoked"),
            params={"role": role.role, "place": grant_of(role).place.full_name},
        )
        await queue_for_member(session, notice, now=now)


async def _add_area(ctx: EffectContext, effect: AddArea) -> None:
    refused = "adding a place outside the member's places"
    parent = await ctx.place_where(Action.MANAGE_AREAS, refused, area_id=effect.parent_id)
    (code,) = await next_child_codes(ctx.session, parent.code, 1)
    area = new_area(code, effect.name, effect.kind, parent.code, households=effect.households)
    await insert_areas(ctx.session, [area], now=ctx.now)
    await ctx.audit(AREA_ADDED, area_id=parent.id, subject_kind="area")


async def _rename_area(ctx: EffectContext, effect: RenameArea) -> None:
    refused = "renaming a place outside the member's places"
    area = await ctx.place_where(Action.MANAGE_AREAS, refused, area_id=effect.area_id)
    name = clean_name(effect.name)
    await rename_area(
        ctx.session,
        area.id,
        name=name,
        name_folded=fold(name),
        former_name=area.name,
        former_name_folded=fold(area.name),
    )
    await ctx.audit(AREA_RENAMED, subject_kind="area", subject_id=area.id, area_id=area.id)


async def _record_tip_view(ctx: EffectContext, effect: RecordTipView) -> None:
    tip = await find_tip_by_code(ctx.session, effect.code)
    if tip is None:
        return
    await ctx.audit(TIP_VIEWED, subject_kind="tip", subject_id=tip.id, area_id=tip.area_id)


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {
    SetLocale: set_member_locale,
    SetReminders: set_member_reminders,
    SetCampaigns: set_member_campaigns,
    AcceptInvitation: _accept_invitation,
    RecordCodeAttempts: _record_code_attempts,
    CreateInvitation: _create_invitation,
    GiveUpRole: _give_up_role,
    AddArea: _add_area,
    RenameArea: _rename_area,
    RecordTipView: _record_tip_view,
}
