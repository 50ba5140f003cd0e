"""The effects of opinions and proposals: store one (and tell the commune's officers), answer
one and mark one done (and tell its sender, through ``queue_to_sender`` as a tip's sender is
told: a named one through their account, an anonymous one through the sealed route only).

Nothing here logs an opinion's words, an answer, a route or a member id.
"""

from __future__ import annotations

from bot.delivery.queueing import MemberMessage, queue_for_member
from bot.effect_context import EffectContext, EffectHandler
from bot.sealed_sender import queue_to_sender
from conversations.effects import Effect
from conversations.fields import format_tip_code
from conversations.i18n import N_
from conversations.opinions import AnswerOpinion, FinishOpinion, StoreOpinion
from conversations.policy import Action, PolicyViolation, may
from storage.areas import area_by_id
from storage.delivery.outbox import NOTICE
from storage.opinions import (
    DONE,
    NewOpinion,
    OpinionRecord,
    add_answer,
    find_opinion_by_code,
    insert_opinion,
    mark_done,
)
from storage.tips import staff_over


async def store_opinion(ctx: EffectContext, effect: StoreOpinion) -> None:
    area = await area_by_id(ctx.session, effect.area_id)
    message = ctx.message
    opinion = NewOpinion(
        code=effect.code,
        category=effect.category,
        text=effect.text,
        place_text=effect.place_text,
        latitude=effect.latitude,
        longitude=effect.longitude,
        photo=effect.photo,
        anonymous=effect.anonymous,
        member_id=None if effect.anonymous else ctx.member.id,
        # The way back to an anonymous sender, sealed: the table alone names nobody.
        sender_route=ctx.sealer.seal_route(message.channel, message.chat_id)
        if effect.anonymous
        else None,
        locale=effect.locale,
        area_id=None if area is None else area.id,
    )
    opinion_id = await insert_opinion(ctx.session, opinion, now=ctx.now)
    if area is None:
        return
    params = {"code": format_tip_code(effect.code), "command": "/xemgopy"}
    for officer in await staff_over(ctx.session, area.path, ("officer",)):
        notice = MemberMessage(
            officer.member_id,
            NOTICE,
            ctx.sealer.opaque_key(f"opinion-new:{opinion_id}:{officer.member_id}"),
            message_key=N_("opinions.notice.new"),
            params=params,
        )
        await queue_for_member(ctx.session, notice, now=ctx.now)


async def _handled(ctx: EffectContext, code: str) -> OpinionRecord | None:
    """The opinion an officer acts on, still open; refused outside the officer's places."""
    opinion = await find_opinion_by_code(ctx.session, code)
    if opinion is None or opinion.status == DONE:
        ctx.say(N_("opinions.queue.gone"))
        return None
    if not may(ctx.member.roles, Action.HANDLE_OPINIONS, opinion.area_path or ""):
        raise PolicyViolation("handling an opinion outside the member's places")
    return opinion


async def answer_opinion(ctx: EffectContext, effect: AnswerOpinion) -> None:
    opinion = await _handled(ctx, effect.code)
    if opinion is None:
        return
    answer_id = await add_answer(ctx.session, opinion.id, effect.text, now=ctx.now)
    params = {"code": format_tip_code(opinion.code), "answer": effect.text}
    key = N_("opinions.to_sender.answer")
    if not await queue_to_sender(ctx, opinion, key, f"opinion-answer:{answer_id}", params):
        ctx.say(N_("opinions.officer.undeliverable"), code=params["code"])


async def finish_opinion(ctx: EffectContext, effect: FinishOpinion) -> None:
    opinion = await _handled(ctx, effect.code)
    if opinion is None or not await mark_done(ctx.session, opinion.id, now=ctx.now):
        return
    params = {"code": format_tip_code(opinion.code)}
    key = N_("opinions.to_sender.done")
    await queue_to_sender(ctx, opinion, key, f"opinion-done:{opinion.id}", params)


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {
    StoreOpinion: store_opinion,
    AnswerOpinion: answer_opinion,
    FinishOpinion: finish_opinion,
}
