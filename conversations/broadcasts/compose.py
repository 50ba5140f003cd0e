"""Admins write a campaign message for people of their place, see how many it reaches and
exactly how it will look, and send it now or at a local time; ``/broadcasts`` shows progress,
``/huybantin N`` stops one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from conversations.audience import audience_of, audience_steps, quiet_replies, reach_replies
from conversations.broadcasts import (
    CANCELLABLE,
    COPY_KEY,
    MAX_TEXT,
    STATUS_LABELS,
    BroadcastProgress,
    CancelBroadcast,
    CreateBroadcast,
    TimeLeft,
)
from conversations.broadcasts.fields import PhotoOrNone, SendTime, english_or_none
from conversations.fields import FreeText, Number
from conversations.flow import FINISHED, Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.localtime import LOCAL_TIME, shown
from conversations.policy import Action, may, scopes
from conversations.replies import Text

MAX_LISTED = 10


def send_moment(answers: dict[str, Any], now: datetime) -> datetime:
    """When the broadcast goes out (UTC): now, or the chosen local time if still ahead."""
    when = answers["when"]
    if when.get("now"):
        return now
    chosen = datetime.fromisoformat(when["at"]).replace(tzinfo=LOCAL_TIME).astimezone(UTC)
    return max(chosen, now)


def copy_as_sent(ctx: FlowContext, locale: str, text: str, place: str) -> str:
    """A copy exactly as a recipient reading ``locale`` gets it (the outbox renders the same)."""
    return ctx.catalogues.text(locale, COPY_KEY, text=text, place=place)


async def show_preview(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    """Once every question is answered (and after any change from the summary): the reach,
    the copies as they will look, and when they go; then the summary."""
    if any(step not in answers for step in ("text", "photo", "english", "areas", "roles")):
        return None
    if any(step not in answers for step in ("channels", "when")):
        return None
    count = await ctx.records.broadcasts.broadcast_reach(audience_of(answers))
    place = answers["areas"]["within"]["own_name"]
    replies = reach_replies(ctx, count, N_("broadcasts.reach"), N_("broadcasts.reach_none"))
    heading = N_("broadcasts.preview_photo") if answers["photo"] else N_("broadcasts.preview")
    replies.append(Text(ctx.t(heading)))
    replies.append(Text(copy_as_sent(ctx, "vi", answers["text"], place)))
    if answers["english"]:
        replies.append(Text(ctx.t(N_("broadcasts.preview_english"))))
        replies.append(Text(copy_as_sent(ctx, "en", answers["english"], place)))
    replies += quiet_replies(ctx, send_moment(answers, ctx.now), N_("broadcasts.quiet_wait"))
    return Redirect(replies=replies)


async def create(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    within = answers["areas"]["within"]
    if not may(ctx.member.roles, Action.BROADCAST, within["path"]):
        return Completion(replies=[Text(ctx.t(N_("policy.denied")))])
    audience = audience_of(answers)
    count = await ctx.records.broadcasts.broadcast_reach(audience)
    if count == 0:
        return Completion(replies=[Text(ctx.t(N_("broadcasts.not_created_empty")))])
    moment = send_moment(answers, ctx.now)
    photo = answers["photo"] or {}
    effect = CreateBroadcast(
        area_id=within["id"],
        audience=audience,
        text_vi=answers["text"],
        text_en=answers["english"] or None,
        photo_channel=photo.get("channel"),
        photo_file_id=photo.get("file_id"),
        send_at=moment,
    )
    if moment <= ctx.now:
        said = ctx.t(N_("broadcasts.created_now"), count=count)
    else:
        said = ctx.t(N_("broadcasts.created_later"), count=count, when=shown(moment))
    return Completion(replies=[Text(said)], effects=[effect])


def broadcast_flow() -> Flow:
    # Every step shows the preview once all are answered: a change made from the summary is
    # previewed again before it can be confirmed.
    preview = show_preview
    return Flow(
        "broadcast",
        title=N_("broadcasts.menu.compose"),
        steps=[
            Step(
                "text",
                N_("broadcasts.ask.text"),
                FreeText(min_length=5, max_length=MAX_TEXT),
                title=N_("broadcasts.field.text"),
                after=preview,
            ),
            Step(
                "photo",
                N_("broadcasts.ask.photo"),
                PhotoOrNone(),
                title=N_("broadcasts.field.photo"),
                after=preview,
            ),
            Step(
                "english",
                N_("broadcasts.ask.english"),
                english_or_none(),
                title=N_("broadcasts.field.english"),
                after=preview,
            ),
            *audience_steps(after=preview),
            Step(
                "when",
                N_("broadcasts.ask.when"),
                SendTime(),
                title=N_("broadcasts.field.when"),
                after=preview,
            ),
        ],
        complete=create,
        commands=("guithongbao", "broadcast"),
        action=Action.BROADCAST,
    )


# -- progress ---------------------------------------------------------------------------------


def describe(progress: BroadcastProgress, ctx: FlowContext) -> str:
    """One broadcast's line block: number, state, counts and the time left."""
    lines = [
        ctx.t(
            N_("broadcasts.item"),
            number=progress.id,
            status=ctx.t(STATUS_LABELS.get(progress.status, progress.status)),
            place=progress.place_name,
            when=shown(progress.send_at),
            start=_first_words(progress.text_vi),
        ),
        ctx.t(
            N_("broadcasts.counts"),
            recipients=progress.recipients or 0,
            queued=progress.waiting,
            sent=progress.sent,
            failed=progress.failed,
            blocked=progress.blocked,
        ),
    ]
    seconds = progress.seconds_left(ctx.now)
    if seconds is not None:
        left = TimeLeft.of(seconds)
        if left.days:
            key = N_("broadcasts.eta_days")
        elif left.hours:
            key = N_("broadcasts.eta_hours")
        else:
            key = N_("broadcasts.eta")
        lines.append(ctx.t(key, days=left.days, hours=left.hours, minutes=left.minutes))
    return "\n".join(lines)


def _first_words(text: str, limit: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit].rstrip() + "…"


async def skip_to_list(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    return Redirect(step=FINISHED)


async def list_broadcasts(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    found: dict[int, BroadcastProgress] = {}
    for scope in scopes(ctx.member.roles, Action.BROADCAST):
        for progress in await ctx.records.broadcasts.broadcasts_within(
            scope.path, limit=MAX_LISTED
        ):
            found.setdefault(progress.id, progress)
    newest = sorted(found.values(), key=lambda item: item.id, reverse=True)[:MAX_LISTED]
    if not newest:
        return Completion(replies=[Text(ctx.t(N_("broadcasts.list_empty")))])
    blocks = "\n\n".join(describe(progress, ctx) for progress in newest)
    return Completion(replies=[Text(ctx.t(N_("broadcasts.list"), broadcasts=blocks))])


def broadcasts_flow() -> Flow:
    return Flow(
        "broadcasts",
        title=N_("broadcasts.menu.list"),
        # Never asked: the list is shown at once (see ``skip_to_list``).
        steps=[
            Step("list", N_("broadcasts.list_empty"), FreeText(), title=N_("broadcasts.menu.list"))
        ],
        complete=list_broadcasts,
        confirm=False,
        begin=skip_to_list,
        commands=("broadcasts", "bantin", "dsthongbao"),
        action=Action.BROADCAST,
    )


# -- cancelling -------------------------------------------------------------------------------


async def _cancellable(answers: dict[str, Any], ctx: FlowContext) -> BroadcastProgress | str:
    progress = await ctx.records.broadcasts.broadcast_progress(int(answers["number"]))
    if progress is None or not may(ctx.member.roles, Action.BROADCAST, progress.place_path):
        return ctx.t(N_("broadcasts.not_found"), number=answers["number"])
    if progress.status not in CANCELLABLE:
        status = ctx.t(STATUS_LABELS.get(progress.status, progress.status))
        return ctx.t(N_("broadcasts.not_cancellable"), number=progress.id, status=status)
    return progress


async def show_target(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    found = await _cancellable(answers, ctx)
    if isinstance(found, str):
        return Redirect(replies=[Text(found)], stop=True)
    return Redirect(replies=[Text(describe(found, ctx))])


async def cancel(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    found = await _cancellable(answers, ctx)
    if isinstance(found, str):
        return Completion(replies=[Text(found)])
    done = ctx.t(N_("broadcasts.cancelled"), number=found.id)
    return Completion(replies=[Text(done)], effects=[CancelBroadcast(found.id)])


def broadcast_cancel_flow() -> Flow:
    return Flow(
        "broadcast_cancel",
        title=N_("broadcasts.menu.cancel"),
        steps=[
            Step(
                "number",
                N_("broadcasts.ask.number"),
                Number(minimum=1),
                title=N_("broadcasts.field.number"),
                after=show_target,
            )
        ],
        complete=cancel,
        commands=("huybantin", "cancelbroadcast"),
        action=Action.BROADCAST,
    )
