"""What the scheduler checks: rules that say who should be told what.

Each rule runs in its own transaction and returns the messages to queue in it, so a rule's
reads, its bookkeeping and the queued messages commit together.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import MemberMessage
from storage.notices import mark_notices_delivered, pending_notices

# Reminders (monthly update, events) go out at this local time: late enough in the morning to
# be read, early enough to act on the same day.
REMIND_AT = time(9, 0)
NOTICE_BATCH = 500


async def deliver_notices(now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
    """Move notices written by chat flows (an invitation used, a role revoked) to the outbox.

    The dedup key makes a second process that read the same notices queue nothing twice.
    """
    pending = await pending_notices(session, limit=NOTICE_BATCH)
    await mark_notices_delivered(session, [notice.id for notice in pending], now=now)
    return [
        MemberMessage(
            member_id=notice.member_id,
            kind="notice",
            dedup_key=f"notice:{notice.id}",
            message_key=notice.key,
            params=notice.params,
        )
        for notice in pending
    ]
