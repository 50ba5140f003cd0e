"""The effects of opinions and proposals: store one (and tell the commune's officers), answer
one and mark one done (and tell its sender, through ``queue_to_sender`` as a tip's sender is
told: a named one through their account, an anonymous one through the sealed route only).

Nothing here logs an opinion's words, an answer, a route or a member id.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import MemberMessage, queue_for_member
from bot.effect_context import EffectContext, EffectHandler
from bot.sealed_sender import BUTTONS, queue_to_sender
from conversations.effects import Effect
from conversations.fields import format_tip_code
from conversations.i18n import N_
from conversations.localtime import shown
from conversations.opinions import (
    AnswerOpinion,
    AttachToForum,
    FinishOpinion,
    StoreOpinion,
    WriteBack,
)
from conversations.policy import Action, PolicyViolation, may
from storage.areas import area_by_id
from storage.delivery.outbox import NOTICE
from storage.opinions import (
    DONE,
    OFFICER,
    RESIDENT,
    NewOpinion,
    OpinionRecord,
    add_answer,
    attach_to_event,
    find_opinion_by_code,
    forums_for,
    insert_opinion,
    mark_done,
    thread_of,
)
from storage.tips import staff_over

# Who handles a commune's queue (conversations.policy: Action.HANDLE_OPINIONS).
HANDLERS = ("officer", "admin")


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
    await tell_commune(ctx, area.path, effect.code, N_("opinions.notice.new"), f"new:{opinion_id}")


async def commune_handlers(session: AsyncSession, path: str) -> list[int]:
    """The members who handle the queue of the commune at ``path``: its officers and its own
    admins, each once."""
    staff = await staff_over(session, path, HANDLERS)
    found = [s.member_id for s in staff if s.role == "officer" or s.area_path == path]
    return list(dict.fromkeys(found))


async def tell_commune(ctx: EffectContext, path: str, code: str, key: str, occasion: str) -> None:
    """A notice ``key`` about opinion ``code`` to the officers and admins of the commune at
    ``path`` (a province's admins see its queues without a notice for each opinion)."""
    params = {"code": format_tip_code(code), "command": "/xemgopy"}
    for member_id in await commune_handlers(ctx.session, path):
        notice = MemberMessage(
            member_id,
            NOTICE,
            ctx.sealer.opaque_key(f"opinion-{occasion}:{member_id}"),
            message_key=key,
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
    code = format_tip_code(opinion.code)
    params = {"code": code, "answer": effect.text}
    key = N_("opinions.to_sender.answer")
    # The button under the answer writes back in place (``/traloigopy``), as under a tip's
    # question: a tap is read as the command typed.
    label = ctx.catalogues.text(opinion.locale, N_("opinions.button.write_back"))
    extras = {BUTTONS: [[label, f"/traloigopy {code}"]]}
    occasion = f"opinion-answer:{answer_id}"
    if not await queue_to_sender(ctx, opinion, key, occasion, params, extras):
        ctx.say(N_("opinions.officer.undeliverable"), code=code)


async def write_back(ctx: EffectContext, effect: WriteBack) -> None:
    """The resident's word back: kept with its side only (never who), once per answer."""
    opinion = await find_opinion_by_code(ctx.session, effect.code)
    if opinion is None or opinion.status == DONE:
        return  # the flow said so before the effect ran
    thread = await thread_of(ctx.session, opinion.id)
    if not thread or thread[-1][0] != OFFICER:
        return  # already answered meanwhile (two taps): one word back per answer
    message_id = await add_answer(ctx.session, opinion.id, effect.text, now=ctx.now, side=RESIDENT)
    if opinion.area_path:
        key = N_("opinions.notice.written_back")
        await tell_commune(ctx, opinion.area_path, opinion.code, key, f"back:{message_id}")


async def attach_to_forum(ctx: EffectContext, effect: AttachToForum) -> None:
    """List an opinion for a forum its officer may list it for; its named sender is told
    when and where (an anonymous one is not: nothing may reach them but answers)."""
    opinion = await _handled(ctx, effect.code)
    if opinion is None:
        return
    forums = await forums_for(ctx.session, opinion.area_path or "", now=ctx.now)
    forum = next((f for f in forums if f.id == effect.event_id), None)
    if forum is None:
        ctx.say(N_("opinions.forum.gone"))
        return
    if not await attach_to_event(ctx.session, forum.id, opinion.id):
        return
    if opinion.member_id is None:
        return
    params = {
        "code": format_tip_code(opinion.code),
        "title": forum.title,
        "when": shown(forum.starts_at),
        "place": forum.place_text,
    }
    key = N_("opinions.to_sender.forum")
    await queue_to_sender(ctx, opinion, key, f"opinion-forum:{opinion.id}:{forum.id}", params)


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
    WriteBack: write_back,
    AttachToForum: attach_to_forum,
}
