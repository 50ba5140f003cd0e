"""Looking up what a resident sent (a tip, an opinion) by its secret code, under the one
stored lockout (``conversations.secret_codes``): guessing one kind of code counts against
guessing the other, a wrong code and a malformed one get the same "not found", and while
locked out nothing is looked up."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from conversations.effects import Effect
from conversations.flow import Completion, FlowContext
from conversations.i18n import N_
from conversations.localtime import shown
from conversations.replies import Text
from conversations.secret_codes import LOCKOUTS, CodeKind

Found = TypeVar("Found")


@dataclass(frozen=True)
class SecretCodeCheck(Generic[Found]):
    """A sender's code checked against the lockout: the record it opens, or the answer to
    give instead (waiting, or "not found" with the failure counted)."""

    found: Found | None
    refusal: Completion | None = None
    effects: list[Effect] = field(default_factory=list)


async def check_secret_code(
    code: str,
    ctx: FlowContext,
    find: Callable[[str], Awaitable[Found | None]],
    not_found: str = N_("status.not_found"),
    slow_down: str = N_("status.slow_down"),
) -> SecretCodeCheck[Found]:
    """A code that opens what a resident sent (a tip; an opinion, ``conversations.opinions``)
    looked up by ``find`` under the one stored lockout, so guessing one kind of code counts
    against guessing the other, and a wrong code is answered alike."""
    attempts = await ctx.records.people.code_attempts(ctx.member.id, CodeKind.TIP)
    if attempts.minutes_to_wait(ctx.now) is not None and attempts.locked_until is not None:
        refusal = Completion(replies=[locked_reply(attempts.locked_until, ctx, slow_down)])
        return SecretCodeCheck(None, refusal)
    found = await find(code) if code else None
    if found is None:
        return SecretCodeCheck(
            None,
            Completion(
                replies=[Text(ctx.t(not_found))],
                effects=[attempts.failed(CodeKind.TIP, ctx.now)],
            ),
        )
    return SecretCodeCheck(found, effects=attempts.succeeded(CodeKind.TIP))


def locked_reply(
    locked_until: datetime, ctx: FlowContext, key: str = N_("status.slow_down")
) -> Text:
    """Why a code is not looked up now, and until when (local time): the lock's own end."""
    lockout = LOCKOUTS[CodeKind.TIP]
    return Text(
        ctx.t(
            key,
            count=lockout.max_wrong,
            until=shown(locked_until),
        )
    )
