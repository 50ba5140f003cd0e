"""Following up a tip by its code. The code is the secret, as on every tip line: nothing ties
the tip to the member who sent it, so whoever holds the code sees its status. A wrong code
and a malformed one get the same "not found", and wrong codes in a row lock the member out
for a while (``conversations.secret_codes``), which makes guessing a code useless."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conversations.code_lookup import check_secret_code
from conversations.effects import Effect
from conversations.fields import TipCode, format_tip_code
from conversations.flow import FINISHED, Completion, Flow, FlowContext, Hook, Redirect, Step
from conversations.i18n import N_
from conversations.localtime import shown
from conversations.policy import Action
from conversations.replies import Text
from conversations.secret_codes import CodeKind
from conversations.tips import FINAL, TIPSTER, TipStatus, thread_full
from conversations.tips.inbox import thread_line

STATUS_LABELS = {
    "received": N_("tip.status.received"),
    "acknowledged": N_("tip.status.acknowledged"),
    "forwarded": N_("tip.status.forwarded"),
    "verifying": N_("tip.status.verifying"),
    "closed": N_("tip.status.closed"),
    "rejected": N_("tip.status.rejected"),
}


@dataclass(frozen=True)
class CodeCheck:
    """A tip code a tipster typed, checked against the lockout: the tip it opens, or the
    answer to give instead (waiting, or "not found" with the failure counted)."""

    tip: TipStatus | None
    refusal: Completion | None = None
    effects: list[Effect] = field(default_factory=list)  # when the code was right


async def check_tip_code(code: str, ctx: FlowContext) -> CodeCheck:
    """Every command that takes a tip's code from its sender (``/status``, ``/bosung``) checks
    it here, so the same stored lockout guards them all and a wrong code is answered alike."""
    check = await check_secret_code(code, ctx, ctx.records.tips.tip_status)
    return CodeCheck(check.found, check.refusal, check.effects)


def limit_reply(code: str, ctx: FlowContext, per_hour: int) -> Text:
    return Text(ctx.t(N_("thread.limit"), code=format_tip_code(code), count=per_hour))


def tipster_code_check(per_hour: int) -> Hook:
    """The ``after`` hook of a tipster's code step: a wrong code, or one typed while locked
    out, ends the flow at once (the completion answers it as ``/status`` would and counts the
    failure); a tip over its hourly limit is said so before anything is written."""

    async def check(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
        code = answers["code"]
        attempts = await ctx.records.people.code_attempts(ctx.member.id, CodeKind.TIP)
        if attempts.minutes_to_wait(ctx.now) is None and code:
            found = await ctx.records.tips.tip_status(code)
            if found is not None and found.status not in FINAL:
                if await thread_full(ctx.records.tips, code, TIPSTER, ctx.now, per_hour):
                    return Redirect(replies=[limit_reply(code, ctx, per_hour)], stop=True)
                return None
        return Redirect(answers={"refused": True}, step=FINISHED)

    return check


def tip_code_question() -> Step:
    """A tipster's question for their tip's code, checked by the flow's completion."""
    return Step("code", N_("status.ask_code"), TipCode(), title=N_("status.code"))


def code_step(prompt: str, after: Hook) -> Step:
    """The step that takes a tip's code (a tipster's or an officer's), checked by ``after``."""
    return Step("code", prompt, TipCode(), title=N_("status.code"), after=after)


def tipster_code_step(per_hour: int) -> Step:
    """The first step of a tipster writing to their tip (``/bosung``, ``/traloi``): its code,
    checked at once (``tipster_code_check``)."""
    return code_step(N_("status.ask_code"), tipster_code_check(per_hour))


@dataclass(frozen=True)
class WritableTip:
    """A tip its tipster may write to now: its stored code and the lockout's effects."""

    code: str
    effects: list[Effect]


async def writable_tip(code: str, ctx: FlowContext, per_hour: int) -> WritableTip | Completion:
    """The tip ``code`` opens when its tipster may add to its thread; otherwise the answer
    that says why not (a wrong code, the tip closed, the hour's messages used up)."""
    check = await check_tip_code(code, ctx)
    if check.tip is None:
        assert check.refusal is not None
        return check.refusal
    if check.tip.status in FINAL:
        closed = Text(ctx.t(N_("addition.closed"), code=format_tip_code(check.tip.code)))
        return Completion(replies=[closed], effects=check.effects)
    if await thread_full(ctx.records.tips, check.tip.code, TIPSTER, ctx.now, per_hour):
        return Completion(replies=[limit_reply(check.tip.code, ctx, per_hour)])
    return WritableTip(check.tip.code, check.effects)


async def look_up_status(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    check = await check_tip_code(answers["code"], ctx)
    if check.tip is None:
        assert check.refusal is not None
        return check.refusal
    found = check.tip
    label = STATUS_LABELS.get(found.status, N_("tip.status.received"))
    lines = [
        ctx.t(
            N_("status.found"),
            code=format_tip_code(found.code),
            status=ctx.t(label),
            received=shown(found.received_at),
        )
    ]
    if found.thread:
        # A closed tip takes no more answers: /traloi is not suggested.
        over = found.status in FINAL or found.thread_ended
        title = N_("status.thread_title_closed") if over else N_("status.thread_title")
        lines.append(ctx.t(title))
        lines.extend(thread_line(message, ctx) for message in found.thread)
    if found.thread_ended:
        lines.append(ctx.t(N_("status.thread_ended")))
    return Completion(effects=check.effects, replies=[Text("\n".join(lines))])


def status_flow() -> Flow:
    commands = ("status", "tracuu", "trangthai")
    return Flow.one_question(
        "status",
        N_("menu.status"),
        tip_code_question(),
        look_up_status,
        commands=commands,
        action=Action.FOLLOW_OWN_TIP,
    )
