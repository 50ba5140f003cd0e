"""Scheduler rules that turn a due broadcast into outbox rows, and tell its admin the result.

``fan_out_broadcasts`` writes one batch of copies per tick (a few thousand rows in one
transaction, far more than a minute of sending at Telegram's 30/s), one row per recipient with
the dedup key ``broadcast:{id}:member:{member_id}``. Recipients are read in member-id order,
and a fan-out resumes after the highest member id already queued, so a crash, a restart or a
second process never queues anybody twice and never skips anybody. When a page comes back
short the broadcast is ``sending``; ``finish_broadcasts`` marks it ``done`` once no copy is
queued or in flight, and queues the admin's result notice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import PRIORITIES, MemberMessage
from bot.delivery.quiet_hours import DEFAULT_QUIET_HOURS, QuietHours
from conversations.broadcasts import COPY_KEY, DONE, QUEUEING, SCHEDULED, SENDING, choose_text
from conversations.i18n import N_
from storage.broadcasts import (
    BroadcastRecord,
    Recipient,
    broadcast_by_id,
    due_broadcasts,
    finished_broadcasts,
    last_queued_member,
    lock_broadcast,
    recipients_page,
    set_broadcast_status,
)
from storage.delivery.outbox import BROADCAST, NOTICE, NewMessage, count_by_broadcast, enqueue_many

# Copies written per tick: a minute of Telegram's 30/s is 1,800, so the senders never wait.
FANOUT_BATCH = 5_000


def copy_dedup_key(broadcast_id: int, member_id: int) -> str:
    return f"broadcast:{broadcast_id}:member:{member_id}"


def _copy(record: BroadcastRecord, recipient: Recipient, not_before: datetime) -> NewMessage:
    params: dict[str, Any] = {
        "text": choose_text(record.text_vi, record.text_en, recipient.locale),
        "place": record.area_name,
    }
    photo = record.photo
    if photo and photo.get("channel") == recipient.channel:
        # A platform's file id is only valid on that platform: others get the text alone.
        params["photo"] = photo["file_id"]
    if record.buttons:
        # Shown where the platform has buttons (a tap sends the command); elsewhere the text
        # names the command itself.
        params["buttons"] = record.buttons.get(recipient.locale or "vi") or record.buttons["vi"]
    return NewMessage(
        channel=recipient.channel,
        kind=BROADCAST,
        not_before=not_before,
        identity_id=recipient.identity_id,
        member_id=recipient.member_id,
        message_key=COPY_KEY,
        params=params,
        dedup_key=copy_dedup_key(record.id, recipient.member_id),
        priority=PRIORITIES[BROADCAST],
        broadcast_id=record.id,
    )


async def fan_out_batch(
    session: AsyncSession,
    broadcast_id: int,
    *,
    now: datetime,
    limit: int = FANOUT_BATCH,
    quiet_hours: QuietHours = DEFAULT_QUIET_HOURS,
) -> int:
    """Queue the next ``limit`` copies of a due broadcast; the number of recipients read.

    Another process fanning out the same broadcast holds its row: then nothing is done.
    """
    if not await lock_broadcast(session, broadcast_id):
        return 0
    record = await broadcast_by_id(session, broadcast_id)
    if record is None or record.status not in (SCHEDULED, QUEUEING) or record.send_at > now:
        return 0
    if record.status == SCHEDULED:
        await set_broadcast_status(session, broadcast_id, QUEUEING, started_at=now)
    after = await last_queued_member(session, broadcast_id)
    page = await recipients_page(session, record.audience, after_member_id=after, limit=limit)
    not_before = quiet_hours.not_before(BROADCAST, now)
    await enqueue_many(session, [_copy(record, person, not_before) for person in page], now=now)
    if len(page) < limit:
        counts = (await count_by_broadcast(session, [broadcast_id]))[broadcast_id]
        await set_broadcast_status(session, broadcast_id, SENDING, recipients=sum(counts.values()))
    return len(page)


async def fan_out_broadcasts(now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
    """Rule: write the next batch of copies of the broadcast due first."""
    for broadcast_id in await due_broadcasts(session, now=now, limit=1):
        await fan_out_batch(session, broadcast_id, now=now)
    return []


async def finish_broadcasts(now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
    """Rule: a broadcast with no copy left to send is done; its admin gets the counts."""
    finished = await finished_broadcasts(session)
    counts = await count_by_broadcast(session, finished)
    notices: list[MemberMessage] = []
    for broadcast_id in finished:
        if not await set_broadcast_status(
            session, broadcast_id, DONE, expected=[SENDING], finished_at=now
        ):
            continue
        record = await broadcast_by_id(session, broadcast_id)
        if record is None or record.created_by is None:
            continue
        by_status = counts.get(broadcast_id, {})
        notices.append(
            MemberMessage(
                member_id=record.created_by,
                kind=NOTICE,
                dedup_key=f"broadcast:{broadcast_id}:done",
                message_key=N_("broadcasts.done_notice"),
                params={
                    "number": broadcast_id,
                    "sent": by_status.get("sent", 0),
                    "failed": by_status.get("failed", 0),
                    "blocked": by_status.get("blocked", 0),
                    "cancelled": by_status.get("cancelled", 0),
                },
            )
        )
    return notices
