"""A tip's sender invited, through the tip's thread, to be proposed for a commendation
(``conversations.tips.commendation``): the invitation is held on the thread's side and goes
through the tip's own sealed route; the sender's answer and the proposal are
``bot.commendations.tipster``'s.
"""

from __future__ import annotations

from bot.effect_context import EffectContext, EffectHandler
from bot.sealed_sender import BUTTONS, queue_to_sender
from bot.tips.thread import answer_buttons, tip_to_write_to
from conversations.commendation_forms import form_label
from conversations.effects import Effect
from conversations.fields import format_tip_code
from conversations.i18n import N_
from conversations.tips.commendation import InviteTipster
from storage.areas import area_by_id
from storage.tips.invites import invite


async def invite_tipster(ctx: EffectContext, effect: InviteTipster) -> None:
    tip = await tip_to_write_to(ctx, effect.code)
    if tip is None:
        return
    code = format_tip_code(tip.code)
    if tip.area_id is None:
        ctx.say(N_("tip_commendation.no_commune"), code=code)
        return
    if not await invite(ctx.session, tip.id, form=effect.form, achievement=effect.achievement):
        ctx.say(N_("tip_commendation.invited_already"), code=code)
        return
    area = await area_by_id(ctx.session, tip.area_id)
    label = form_label(effect.form, area.path if area else "")
    params = {
        "code": code,
        "form": ctx.catalogues.text(tip.locale, label),
    }
    buttons = [
        [ctx.catalogues.text(tip.locale, N_("tip_commendation.button")), f"/khenthuong {tip.code}"],
        answer_buttons(ctx.catalogues, tip.locale, tip.code)[1],  # end the dialogue
    ]
    occasion = f"tip-commendation-invite:{tip.id}"
    sent = await queue_to_sender(
        ctx, tip, N_("tip_commendation.invitation"), occasion, params, {BUTTONS: buttons}
    )
    if not sent:
        ctx.say(N_("asking.undeliverable"), code=code)


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {InviteTipster: invite_tipster}
