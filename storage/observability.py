"""The counts ``/metrics`` reads from the database at scrape time (``bot.observability``):
what waits (replies unsent, updates not yet applied, the outbox by status) and when the
retention schedule last ran. Every process of the bot reads the same rows, so they agree.

Each is one grouped query over an index or a small table; none reads a message, an id or a
chat, only counts and times.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import outbox, pending_replies, retention_runs
from storage.inbox import inbox


@dataclass(frozen=True)
class WaitingCounts:
    """What the database holds for the bot to do, by channel."""

    # (channel, status) -> outbox rows (sent, failed, ... rows stay until retention erases them)
    outbox: dict[tuple[str, str], int] = field(default_factory=dict)
    unsent_replies: dict[str, int] = field(default_factory=dict)
    # channel -> when its oldest unsent reply batch was stored (seconds since the epoch)
    oldest_unsent_reply: dict[str, float] = field(default_factory=dict)
    inbox: dict[str, int] = field(default_factory=dict)
    # when the retention schedule last ran (seconds since the epoch), None if never
    retention_last_run: float | None = None


async def waiting_counts(session: AsyncSession) -> WaitingCounts:
    """Every count ``/metrics`` shows from the database, in one transaction."""
    by_status = await session.execute(
        select(outbox.c.channel, outbox.c.status, func.count()).group_by(
            outbox.c.channel, outbox.c.status
        )
    )
    replies = await session.execute(
        select(
            pending_replies.c.channel, func.count(), func.min(pending_replies.c.created_at)
        ).group_by(pending_replies.c.channel)
    )
    waiting = await session.execute(select(inbox.c.channel, func.count()).group_by(inbox.c.channel))
    last_run = await session.scalar(select(func.max(retention_runs.c.ran_at)))
    reply_rows = replies.all()
    return WaitingCounts(
        outbox={(channel, status): count for channel, status, count in by_status},
        unsent_replies={channel: count for channel, count, _ in reply_rows},
        oldest_unsent_reply={
            channel: _epoch(oldest) for channel, _, oldest in reply_rows if oldest is not None
        },
        inbox={channel: count for channel, count in waiting},
        retention_last_run=None if last_run is None else _epoch(last_run),
    )


def _epoch(moment: datetime) -> float:
    # The database keeps UTC without a zone (storage.tables.utcnow).
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
