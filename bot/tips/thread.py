"""The bot's side of a tip's thread: what a tipster adds reaches the tip's officers, what an
officer asks reaches the tip's sender, and both are stored without who wrote them.

The tipster's side is never linked to a member: the message row holds the tip, the side and
the time (to the minute). An officer's question goes out through ``queue_to_sender``, the one
path the status news takes (the tip's own sealed route, an opaque dedup key). Nothing here
logs a message's text or a route.
"""

from __future__ import annotations

from bot.delivery.queueing import MemberMessage, queue_for_member
from bot.effect_context import EffectContext, EffectHandler
from bot.tips.handlers import queue_to_sender, say, tip_for
from conversations.effects import Effect
from conversations.fields import format_tip_code
from conversations.i18n import N_
from conversations.tips import FINAL, AddToTip, AskTipster, may_ask
from storage.areas import area_by_id
from storage.outbox import TIP_NOTICE
from storage.tips import (
    OFFICER,
    TIPSTER,
    TipRecord,
    add_tip_message,
    find_tip_by_code,
    staff_over,
)


async def officers_to_tell(ctx: EffectContext, tip: TipRecord) -> list[int]:
    """Who hears of a tipster's message: the tip's handler, or while nobody has taken it, the
    officers of its commune and of the places above it (as for a new tip)."""
    if tip.handler_member_id is not None:
        return [tip.handler_member_id]
    area = await area_by_id(ctx.session, tip.area_id) if tip.area_id is not None else None
    if area is None:
        return []
    officers = await staff_over(ctx.session, area.path, ("officer",))
    return [officer.member_id for officer in officers]


async def add_to_tip(ctx: EffectContext, effect: AddToTip) -> None:
    tip = await find_tip_by_code(ctx.session, effect.code)
    if tip is None or tip.status in FINAL:
        return  # the flow said so before the effect ran
    message_id = await add_tip_message(
        ctx.session,
        tip.id,
        direction=TIPSTER,
        text=effect.text,
        attachments=list(effect.attachments),
        now=ctx.now,
    )
    params = {"code": format_tip_code(tip.code), "command": f"/xemtin {tip.code}"}
    for officer_id in await officers_to_tell(ctx, tip):
        notice = MemberMessage(
            officer_id,
            TIP_NOTICE,
            f"tip-addition:{message_id}:{officer_id}",
            message_key=N_("addition.notice"),
            params=params,
        )
        await queue_for_member(ctx.session, notice, now=ctx.now)


async def ask_tipster(ctx: EffectContext, effect: AskTipster) -> None:
    found = await tip_for(ctx, effect.code)
    if found is None:
        return
    tip, view = found
    code = format_tip_code(tip.code)
    if not may_ask(ctx.member.roles, view):
        say(ctx, N_("inbox.changed_meanwhile"), code=code)
        return
    if tip.member_id is None and tip.sender_route is None:
        say(ctx, N_("asking.undeliverable"), code=code)
        return
    message_id = await add_tip_message(
        ctx.session, tip.id, direction=OFFICER, text=effect.text, attachments=[], now=ctx.now
    )
    params = {"code": code, "question": effect.text}
    queued = await queue_to_sender(
        ctx.session,
        ctx.sealer,
        tip,
        N_("asking.to_tipster"),
        f"tip-question:{message_id}",
        ctx.now,
        params,
    )
    if not queued:
        say(ctx, N_("asking.undeliverable"), code=code)


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {
    AddToTip: add_to_tip,
    AskTipster: ask_tipster,
}
