"""A tip's sender commended by their own choice: the proposal made when they accept the
invitation sent through the tip's thread (``bot.tips.commendation``), and the decision told to
them in the same thread.

How the decision reaches the sender while the proposal holds nothing of the tip: the proposal
(``commendations``) is an ordinary one for a named person, made at the tip's commune with no
proposer member and no audit row at its making; its row has no column that could name the tip
or its sender. The thread's side (``tip_commendation_invites``, keyed by the tip) keeps the
proposal's id sealed with the server key: a reader of the database sees no link either way.
When the level above decides, the bot opens the few waiting references to find the one that
names the decided proposal, tells the sender through the tip's own sealed route
(``bot.sealed_sender``) and erases the reference: from then on no row, even with the key,
ties the two. The answer's time is not kept on the thread's side; the proposal keeps a day
stamp, as every row naming a person does. Nothing here logs a name, a phone or a code.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidTag

from bot.commendations import service
from bot.commendations.service import CommendationRefused
from bot.effect_context import EffectContext, EffectHandler
from bot.places import place_of
from bot.sealed_sender import SendingContext, queue_to_sender
from bot.tip_officers import tell_officers
from conversations.commendations import SubjectKind, form_label
from conversations.effects import Effect
from conversations.fields import format_tip_code
from conversations.i18n import N_
from conversations.tips.commendation import AnswerInvitation
from storage.areas import area_by_id
from storage.commendations import CommendationRecord
from storage.tips import find_tip_by_code
from storage.tips.invites import (
    accepted_invitations,
    answer_invitation,
    forget_reference,
    invitation_of,
    tip_code_of,
)

# What the sealed reference is for: one sealed value cannot be passed off as another.
PURPOSE = "tip-commendation"


async def answer(ctx: EffectContext, effect: AnswerInvitation) -> None:
    tip = await find_tip_by_code(ctx.session, effect.code)
    waiting = None if tip is None else await invitation_of(ctx.session, tip.id)
    if tip is None or waiting is None or waiting.status != "invited":
        ctx.say(N_("tip_commendation.no_invitation"), code=format_tip_code(effect.code))
        return
    code = format_tip_code(tip.code)
    if not effect.accepted:
        await answer_invitation(ctx.session, tip.id, accepted=False, sealed_ref=None)
        await tell_officers(
            ctx.session, tip, N_("tip_commendation.notice.declined"), f"tip-cm-no:{tip.id}", ctx.now
        )
        return
    area = await area_by_id(ctx.session, tip.area_id or 0)
    if area is None:
        ctx.say(N_("tip_commendation.no_commune"), code=code)
        return
    place = place_of(area)
    role = effect.role or ctx.catalogues.text("vi", N_("tip_commendation.default_role"))
    try:
        proposal_id, _ = await service.propose(
            ctx.session,
            kind=SubjectKind.PERSON,
            place=place,
            proposer_place=await service.proposing_place(ctx.session, place),
            ref_id=None,
            member_id=None,
            person_name=effect.name,
            person_role=role,
            person_phone=effect.phone,
            form=waiting.form or "",
            achievement=waiting.achievement or "",
            year=effect.year,
            by=None,  # never the sender's member: the proposal is the commune's
            now=ctx.now,
        )
    except CommendationRefused:
        ctx.say(N_("tip_commendation.not_made"), code=code)
        return
    sealed = ctx.sealer.seal_secret(PURPOSE, str(proposal_id))
    await answer_invitation(ctx.session, tip.id, accepted=True, sealed_ref=sealed)
    await tell_officers(
        ctx.session, tip, N_("tip_commendation.notice.accepted"), f"tip-cm-yes:{tip.id}", ctx.now
    )


async def tell_tipster(ctx: SendingContext, record: CommendationRecord) -> bool:
    """Tell the sender whose invitation made the decided proposal, if one did, and forget the
    reference; True when one did (a decision in chat or from the command line). A reference
    sealed under a key no longer listed cannot be opened and is left (its sender is not
    told)."""
    for tip_id, sealed in await accepted_invitations(ctx.session):
        try:
            if ctx.sealer.open_secret(PURPOSE, sealed) != str(record.id):
                continue
        except InvalidTag:
            continue
        await forget_reference(ctx.session, tip_id)
        code = await tip_code_of(ctx.session, tip_id)
        tip = None if code is None else await find_tip_by_code(ctx.session, code)
        if tip is None:
            return True
        approved = record.status == "approved"
        key = (
            N_("tip_commendation.outcome.approved")
            if approved
            else N_("tip_commendation.outcome.declined")
        )
        params = {
            "code": format_tip_code(tip.code),
            "form": ctx.catalogues.text(tip.locale, form_label(record.form, record.area_path)),
        }
        await queue_to_sender(ctx, tip, key, f"tip-commendation-outcome:{tip_id}", params)
        return True
    return False


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {AnswerInvitation: answer}
