"""The bot's side of the officers' tip inbox.

Reads for the engine (a reader the processor's records hold), the effects' handlers (take a tip,
change its status) and the notices they cause: the sender told the new status in their
language, never who the officer is; the officers of a commune told of a new tip at once.

Notices about tips are written out here, in each recipient's language, because their
parameters (a category, a status) are themselves translated and the outbox renders a key with
raw parameters only. Nothing here logs a tip's text, a sender's route or a member id.
"""

from __future__ import annotations

from bot.delivery.queueing import MemberMessage, queue_for_member
from bot.effect_context import EffectContext, EffectHandler
from bot.places import place_of
from bot.rows import from_row
from bot.sealed_sender import queue_to_sender
from bot.tips.reads import load_inbox_tip
from conversations.effects import Effect
from conversations.fields import format_tip_code
from conversations.i18n import N_, Catalogues
from conversations.policy import Action, PolicyViolation, may
from conversations.tips import (
    FINAL,
    MAX_NOTE,
    TAKE,
    ChangeTipStatus,
    InboxTip,
    StoreTip,
    TakeTip,
    allowed_actions,
    note_required,
    status_after,
)
from conversations.tips.report import CATEGORIES
from storage.areas import area_by_id
from storage.audit import record_audit
from storage.delivery.outbox import TIP_NOTICE
from storage.tips import (
    NewAttachment,
    NewTip,
    TipRecord,
    change_tip_status,
    find_tip_by_code,
    staff_over,
    store_tip_record,
    take_tip,
)

TIP_TAKEN = "tip.taken"
TIP_STATUS_CHANGED = "tip.status_changed"

# What the sender is told, per outcome: the code and the new status, never the officer.
SENDER_NOTICES = {
    "acknowledged": N_("inbox.sender.acknowledged"),
    "verifying": N_("inbox.sender.verifying"),
    "forwarded": N_("inbox.sender.forwarded"),
    "closed": N_("inbox.sender.closed"),
    "unfounded": N_("inbox.sender.unfounded"),
    "duplicate": N_("inbox.sender.duplicate"),
    "spam": N_("inbox.sender.spam"),
}


def category_label(catalogues: Catalogues, locale: str | None, category: str) -> str:
    label = CATEGORIES.labels.get(category)
    return catalogues.text(locale, label) if label else category


# -- notices --------------------------------------------------------------------------------


async def tell_sender(ctx: EffectContext, tip: TipRecord, outcome: str) -> bool:
    """Queue the tip's new status to its sender (in the tip's language); True when queued.

    A named sender is reached through their member account. An anonymous one only through the
    sealed route, opened here and written to the outbox row alone; once the route has been
    erased (closed long ago) nobody can be told.
    """
    key = SENDER_NOTICES.get(outcome)
    if key is None:
        return False
    params = {"code": format_tip_code(tip.code)}
    return await queue_to_sender(ctx, tip, key, status_occasion(tip.id, outcome), params)


def status_occasion(tip_id: int, outcome: str) -> str:
    """What the tip's sender was told of (``outcome``): at most once, by a keyed dedup key."""
    return f"tip-status:{tip_id}:{outcome}"


def rating_occasion(tip_id: int) -> str:
    """The invitation to rate the tip's handling, sent once whatever reopens and closes it."""
    return f"tip-rating:{tip_id}"


def recurring_occasions(tip_id: int) -> list[str]:
    """The occasions of a tip that can come again (a tip reopened and closed again), whose
    keyed dedup keys ``antq secret-key rotate`` re-keys; a thread question's occasion names
    its own message and never comes again."""
    return [status_occasion(tip_id, outcome) for outcome in SENDER_NOTICES] + [
        rating_occasion(tip_id)
    ]


async def announce_new_tip(ctx: EffectContext, tip: TipRecord) -> int:
    """Tell the officers of the tip's commune (and of places above it) that it arrived:
    its code and category only. The number of notices queued."""
    session, now, catalogues = ctx.session, ctx.now, ctx.catalogues
    area = await area_by_id(session, tip.area_id) if tip.area_id is not None else None
    if area is None:
        return 0
    queued = 0
    for officer in await staff_over(session, area.path, ("officer",)):
        text = catalogues.text(
            officer.locale,
            N_("inbox.notice.new"),
            code=format_tip_code(tip.code),
            category=category_label(catalogues, officer.locale, tip.category),
            command=f"/xemtin {format_tip_code(tip.code)}",
        )
        message = MemberMessage(
            officer.member_id, TIP_NOTICE, f"tip-new:{tip.id}:{officer.member_id}", text=text
        )
        if await queue_for_member(session, message, now=now):
            queued += 1
    return queued


async def announce_stored_tip(ctx: EffectContext, tip: TipRecord) -> None:
    """Announce ``tip``, stored in this transaction."""
    if await announce_new_tip(ctx, tip) == 0:
        await tell_nobody_heard(ctx, tip)


async def tell_nobody_heard(ctx: EffectContext, tip: TipRecord) -> None:
    """No officer was told of a new tip (none holds a role over its place yet): the admins of
    its commune and province are told at once, and the sender, below the thanks, that an
    urgent matter is for 113."""
    session, now, catalogues = ctx.session, ctx.now, ctx.catalogues
    ctx.say(N_("tip.stored_no_officer"))
    area = await area_by_id(session, tip.area_id) if tip.area_id is not None else None
    if area is None:
        return
    for admin in await staff_over(session, area.path, ("admin",)):
        text = catalogues.text(
            admin.locale,
            N_("inbox.notice.no_officer"),
            code=format_tip_code(tip.code),
            category=category_label(catalogues, admin.locale, tip.category),
            place=place_of(area).full_name,
            command=f"/xemtin {tip.code}",
        )
        occasion = f"tip-no-officer:{tip.id}:{admin.member_id}"
        await queue_for_member(
            session, MemberMessage(admin.member_id, TIP_NOTICE, occasion, text=text), now=now
        )


# -- effects ---------------------------------------------------------------------------------


async def tip_for(ctx: EffectContext, code: str) -> tuple[TipRecord, InboxTip] | None:
    tip = await find_tip_by_code(ctx.session, code)
    if tip is None:
        return None
    view = await load_inbox_tip(ctx.session, tip)
    if not may(ctx.member.roles, Action.HANDLE_TIP, view.place_path):
        raise PolicyViolation("handling a tip outside the member's places")
    return tip, view


async def _audit(ctx: EffectContext, action: str, tip: TipRecord) -> None:
    await record_audit(
        ctx.session,
        action,
        actor_member_id=ctx.member.id,
        subject_kind="tip",
        subject_id=tip.id,
        area_id=tip.area_id,
        at=ctx.now,
    )


async def take(ctx: EffectContext, effect: TakeTip) -> None:
    found = await tip_for(ctx, effect.code)
    if found is None:
        return
    tip, view = found
    taken = TAKE in allowed_actions(ctx.member.roles, view) and await take_tip(
        ctx.session, tip.id, member_id=ctx.member.id, previous=tip.handler_member_id, now=ctx.now
    )
    if not taken:
        # Somebody else was quicker: the flow's confirmation was written before we knew.
        ctx.say(N_("inbox.changed_meanwhile"), code=format_tip_code(tip.code))
        return
    await _audit(ctx, TIP_TAKEN, tip)
    if view.thread:
        # Taking a tip hands its thread over: the tipster's next messages are told to the taker.
        ctx.say(N_("thread.handed_over"), code=format_tip_code(tip.code), count=len(view.thread))
    if tip.acknowledged_at is None:
        await tell_sender(ctx, tip, "acknowledged")


async def change_status(ctx: EffectContext, effect: ChangeTipStatus) -> None:
    found = await tip_for(ctx, effect.code)
    if found is None:
        return
    tip, view = found
    note = (effect.note or "").strip()[:MAX_NOTE] or None
    if note is None and note_required(effect.outcome):
        raise ValueError("a rejection needs a note")
    status = status_after(effect.outcome)
    changed = effect.outcome in allowed_actions(ctx.member.roles, view) and (
        await change_tip_status(
            ctx.session,
            tip.id,
            expected=tip.status,
            status=status,
            outcome=effect.outcome,
            note=note,
            by=ctx.member.id,
            now=ctx.now,
            final=status in FINAL,
        )
    )
    if not changed:
        ctx.say(N_("inbox.changed_meanwhile"), code=format_tip_code(tip.code))
        return
    await _audit(ctx, TIP_STATUS_CHANGED, tip)
    await tell_sender(ctx, tip, effect.outcome)
    if status == "closed":
        # Surveys: the tipster may rate how the tip was handled (``/danhgia``), anonymously.
        params = {"code": format_tip_code(tip.code)}
        await queue_to_sender(
            ctx, tip, N_("surveys.rating.invite"), rating_occasion(tip.id), params
        )


def new_tip(ctx: EffectContext, tip: StoreTip) -> NewTip:
    """The row of a stored tip: an anonymous one keeps no member, no phone, no readable route."""
    message = ctx.message
    return from_row(
        NewTip,
        tip,
        member_id=None if tip.anonymous else ctx.member.id,
        contact_phone=None if tip.anonymous else tip.contact_phone,
        sender_route=ctx.sealer.seal_route(message.channel, message.chat_id),
        received_at=ctx.now,
        attachments=tuple(
            NewAttachment(
                kind=item["kind"],
                channel=item["channel"],
                file_id=item["file_id"],
                file_unique_id=item.get("file_unique_id"),
                mime_type=item.get("mime_type"),
                size_bytes=item.get("size_bytes"),
                file_name=item.get("file_name"),
                duration_seconds=item.get("duration_seconds"),
                caption=item.get("caption"),
            )
            for item in tip.attachments
        ),
    )


async def store_tip(ctx: EffectContext, effect: StoreTip) -> None:
    await announce_stored_tip(ctx, await store_tip_record(ctx.session, new_tip(ctx, effect)))


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {
    StoreTip: store_tip,
    TakeTip: take,
    ChangeTipStatus: change_status,
}
