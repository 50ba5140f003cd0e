"""Putting a message for a member in the outbox: which account, when, and only once.

Everything the bot tells a member unprompted (reminders and digests of the scheduler's rules,
tip news, notices such as "your role was revoked", broadcasts) goes into the outbox inside the
transaction of its cause, through ``queue_for_member``: there is no other path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.quiet_hours import DEFAULT_QUIET_HOURS, QuietHours
from storage.delivery.outbox import (
    BROADCAST,
    TIP_NOTICE,
    URGENT,
    NewMessage,
    enqueue,
    reachable_identity,
)

# Higher goes first when several messages are due: an urgent incident before anything, a
# tipster's news before a reminder, and a reminder before the 10,000th copy of a broadcast.
PRIORITIES: dict[str, int] = {URGENT: 20, TIP_NOTICE: 10, BROADCAST: -10}


@dataclass(frozen=True, slots=True)
class MemberMessage:
    """A message for a member, as a rule or an effect describes it.

    ``dedup_key`` names the occasion ("reminder:monthly:2026-11:area-17:d-3:member-5"): queued
    twice, it is stored once. ``due`` is the earliest time it may go (default: now).
    """

    member_id: int
    kind: str
    dedup_key: str | None
    message_key: str | None = None
    params: dict[str, Any] | None = None
    text: str | None = None
    due: datetime | None = None


async def queue_for_member(
    session: AsyncSession,
    message: MemberMessage,
    *,
    now: datetime,
    quiet_hours: QuietHours = DEFAULT_QUIET_HOURS,
) -> bool:
    """Queue ``message`` to the member's most recently used account (a linked member's chosen
    one; another of theirs when that one is past its messaging window now); True when newly
    queued.

    Nothing is queued when the member cannot be reached (every account blocked the bot), has
    turned this kind of message off, or the same ``dedup_key`` is already in the outbox.
    """
    target = await reachable_identity(session, message.member_id, kind=message.kind, now=now)
    if target is None:
        return False
    identity_id, channel = target
    return await enqueue(
        session,
        NewMessage(
            channel=channel,
            kind=message.kind,
            not_before=quiet_hours.not_before(message.kind, message.due or now),
            identity_id=identity_id,
            member_id=message.member_id,
            text=message.text,
            message_key=message.message_key,
            params=message.params,
            dedup_key=message.dedup_key,
            priority=PRIORITIES.get(message.kind, 0),
        ),
        now=now,
    )
