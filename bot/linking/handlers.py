"""Linking a second account, choosing where notices go, and unlinking, in the message's
transaction.

When the account typing the code already belongs to a member of its own, the two members
become one (``storage.linking.merge_members``): the member writing stays, and the one who asked
for the code is merged into it. Both holding roles is refused: which of two sets of duties
wins is not the bot's to decide; the person leaves the roles on one account first."""

from __future__ import annotations

from sqlalchemy import select

from bot.effect_context import EffectContext, EffectHandler
from bot.linking.marks import carry_member_marks
from conversations.effects import Effect
from conversations.i18n import N_
from conversations.linking import ChooseNoticeAccount, CreateLinkCode, UnlinkAccount, UseLinkCode
from conversations.secret_codes import CodeKind
from storage._sql import identities
from storage.code_attempts import save_code_attempts
from storage.errors import ConcurrentUpdate
from storage.linking import (
    ACCOUNT_UNLINKED,
    ACCOUNTS_LINKED,
    choose_notice_account,
    holds_roles,
    identity_count,
    lock_members,
    merge_members,
    store_link_code,
    take_link_code,
    unlink_identity,
)


async def _identity_writing(ctx: EffectContext) -> int:
    """The id of the account the message came from."""
    identity_id = await ctx.session.scalar(
        select(identities.c.id).where(
            identities.c.channel == ctx.message.channel,
            identities.c.platform_user_id == ctx.message.user_id,
        )
    )
    assert identity_id is not None, "a message always comes from a stored account"
    return identity_id


async def _create_link_code(ctx: EffectContext, effect: CreateLinkCode) -> None:
    await store_link_code(ctx.session, ctx.member.id, effect.code, effect.expires_at, ctx.now)


async def _use_link_code(ctx: EffectContext, effect: UseLinkCode) -> None:
    session, member_id = ctx.session, ctx.member.id
    owner = await take_link_code(session, effect.code, ctx.now)
    if effect.carried and (owner is None or owner == member_id):
        # The draft was carried over on a good code that another link took meanwhile.
        raise ConcurrentUpdate("a link code was taken meanwhile")
    if owner is None:
        wrong = effect.attempts.failed(CodeKind.LINK, ctx.now)
        await save_code_attempts(
            session,
            member_id,
            CodeKind.LINK,
            failures=wrong.failures,
            locked_until=wrong.locked_until,
            now=ctx.now,
        )
        ctx.say(N_("linking.not_found"))
        return
    if effect.attempts.failures:
        await save_code_attempts(
            session, member_id, CodeKind.LINK, failures=0, locked_until=None, now=ctx.now
        )
    if owner == member_id:
        ctx.say(N_("linking.already"))
        return
    if not await lock_members(session, owner, member_id):
        # One of the two was merged into another account meanwhile: run the message again.
        raise ConcurrentUpdate("a member being linked was linked elsewhere meanwhile")
    if await holds_roles(session, owner) and await holds_roles(session, member_id):
        if effect.carried:
            raise ConcurrentUpdate("a role was given meanwhile")
        ctx.say(N_("linking.both_hold_roles"))
        return
    # Keyed marks of the absorbed id (answered surveys) first: they are made from its id.
    await carry_member_marks(session, ctx.sealer, into=member_id, absorbed=owner)
    await merge_members(session, into=member_id, absorbed=owner)
    # Notices follow the account used last: this one, until the person writes from another.
    await choose_notice_account(session, member_id, await _identity_writing(ctx), chosen=False)
    await ctx.audit(ACCOUNTS_LINKED, subject_kind="member", subject_id=member_id)
    ctx.say(N_("linking.linked"))


async def _choose_notice_account(ctx: EffectContext, effect: ChooseNoticeAccount) -> None:
    if await identity_count(ctx.session, ctx.member.id) <= 1:
        ctx.say(N_("linking.not_linked"))
        return
    identity_id = await _identity_writing(ctx)
    await choose_notice_account(ctx.session, ctx.member.id, identity_id, chosen=effect.here)
    ctx.say(N_("linking.notices_here") if effect.here else N_("linking.notices_last"))


async def _unlink_account(ctx: EffectContext, effect: UnlinkAccount) -> None:
    if await identity_count(ctx.session, ctx.member.id) <= 1:
        ctx.say(N_("linking.not_linked"))
        return
    identity_id = await _identity_writing(ctx)
    await unlink_identity(ctx.session, identity_id, ctx.member.id, ctx.now)
    await ctx.audit(ACCOUNT_UNLINKED, subject_kind="member", subject_id=ctx.member.id)
    ctx.say(N_("linking.unlinked"))


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {
    CreateLinkCode: _create_link_code,
    UseLinkCode: _use_link_code,
    ChooseNoticeAccount: _choose_notice_account,
    UnlinkAccount: _unlink_account,
}
