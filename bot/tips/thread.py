"""The bot's side of a tip's thread: what a tipster adds or answers reaches the tip's officers,
what an officer asks reaches the tip's sender, and both are stored without who wrote them.

The tipster's side is never linked to a member: the message row holds the tip, the side and
the time (to the minute). An officer's question goes out through ``queue_to_sender``, the one
path the status news takes (the tip's own sealed route, an opaque dedup key), with the
buttons that answer it in place ("Trả lời", "Kết thúc trao đổi") and its photos as rows of
their own. Nothing here logs a message's text or a route.
"""

from __future__ import annotations

from bot.effect_context import EffectContext, EffectHandler
from bot.sealed_sender import BUTTONS, queue_to_sender
from bot.tip_officers import tell_officers
from bot.tips.handlers import tip_for
from conversations.effects import Effect
from conversations.fields import format_tip_code
from conversations.i18n import N_, Catalogues
from conversations.tips import (
    FINAL,
    AddToTip,
    AskTipster,
    EndThread,
    MarkThreadMessage,
    may_ask,
)
from storage.delivery.outbox import TIP_NOTICE, reachable_identity
from storage.tips import (
    OFFICER,
    TIPSTER,
    TipRecord,
    add_tip_message,
    end_thread,
    find_tip_by_code,
    mark_important,
)

# The outbox row's extra: the thread message it carries (delivered_at is set when sent); the
# buttons under it go under ``BUTTONS``, as under any message to a sender.
THREAD_MESSAGE = "thread_message"


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
        location=effect.location,
    )
    key = N_("answering.notice") if effect.answer else N_("addition.notice")
    await tell_officers(ctx.session, tip, key, f"tip-addition:{message_id}", ctx.now)


def answer_buttons(catalogues: Catalogues, locale: str | None, code: str) -> list[list[str]]:
    """[label, command] of the buttons under a question: answer it, or end the dialogue."""
    return [
        [catalogues.text(locale, N_("asking.button.reply")), f"/traloi {code}"],
        [catalogues.text(locale, N_("asking.button.end")), f"/ketthuc {code}"],
    ]


async def tip_to_write_to(ctx: EffectContext, code: str) -> TipRecord | None:
    """The tip whose sender the member may write to now (checked again in this very
    transaction: taken, closed or ended meanwhile), or None once they were told why not."""
    found = await tip_for(ctx, code)
    if found is None:
        return None
    tip, view = found
    shown = format_tip_code(tip.code)
    if not may_ask(ctx.member.roles, view) or tip.thread_ended_at is not None:
        ctx.say(N_("inbox.changed_meanwhile"), code=shown)
        return None
    if not view.reachable:  # the flow said so already, unless it changed meanwhile
        ctx.say(N_("asking.undeliverable"), code=shown)
        return None
    return tip


async def ask_tipster(ctx: EffectContext, effect: AskTipster) -> None:
    tip = await tip_to_write_to(ctx, effect.code)
    if tip is None:
        return
    code = format_tip_code(tip.code)
    files = list(effect.attachments)
    message_id = await add_tip_message(
        ctx.session, tip.id, direction=OFFICER, text=effect.text, attachments=files, now=ctx.now
    )
    # Photos go as rows of their own after the question, where the tipster's platform can show
    # them (a Telegram file id is re-sent by the Telegram bot only); the question counts those.
    channel = await _sender_channel(ctx, tip)
    photos = [f for f in files if f.get("kind") == "photo" and f.get("channel") == channel]
    key = N_("asking.to_tipster_with_files") if photos else N_("asking.to_tipster")
    params = {"code": code, "question": effect.text, "count": str(len(photos))}
    extras = {
        THREAD_MESSAGE: message_id,
        BUTTONS: answer_buttons(ctx.catalogues, tip.locale, tip.code),
    }
    queued = await queue_to_sender(ctx, tip, key, f"tip-question:{message_id}", params, extras)
    if not queued:
        ctx.say(N_("asking.undeliverable"), code=code)
        return
    for number, photo in enumerate(photos, 1):
        caption = {"code": code, "number": str(number), "count": str(len(photos))}
        await queue_to_sender(
            ctx,
            tip,
            N_("asking.photo_caption"),
            f"tip-question:{message_id}:photo-{number}",
            caption,
            {"photo": photo["file_id"]},
        )


async def _sender_channel(ctx: EffectContext, tip: TipRecord) -> str | None:
    """The platform the tip's sender is reached on: the sealed route's, or for a named sender
    the account their news goes to."""
    if tip.member_id is not None:  # as ``queue_to_sender`` reaches them
        target = await reachable_identity(ctx.session, tip.member_id, kind=TIP_NOTICE, now=ctx.now)
        return None if target is None else target[1]
    if tip.sender_route is not None:
        return ctx.sealer.open_route(tip.sender_route)[0]
    return None


async def end_dialogue(ctx: EffectContext, effect: EndThread) -> None:
    tip = await find_tip_by_code(ctx.session, effect.code)
    if tip is None:
        return
    if await end_thread(ctx.session, tip.id, now=ctx.now):
        await tell_officers(
            ctx.session, tip, N_("ending.notice"), f"tip-thread-ended:{tip.id}", ctx.now
        )


async def mark_message(ctx: EffectContext, effect: MarkThreadMessage) -> None:
    found = await tip_for(ctx, effect.code)
    if found is None:
        return
    tip, _ = found
    code = format_tip_code(tip.code)
    if not await mark_important(ctx.session, tip.id, effect.number, important=effect.important):
        ctx.say(N_("marking.no_such_message"), code=code, number=effect.number)


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {
    AddToTip: add_to_tip,
    AskTipster: ask_tipster,
    EndThread: end_dialogue,
    MarkThreadMessage: mark_message,
}
