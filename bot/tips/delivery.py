"""What the outbox sender tells a tip's thread once its messages went or will never go.

An officer's question carries the id of its thread message in its outbox row (``extras``,
erased with the row's text once it is finished). When the platform took it, the thread
message gets its ``delivered_at`` (to the minute). No platform we speak tells a bot when a
message was read (Telegram does not; Zalo OA's "seen" events are not wired), so ``read_at``
stays empty. When the tipster blocked the bot (or the message was refused for good), the
officers of the thread are told once per tip that their question did not arrive.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.tips.thread import THREAD_MESSAGE, tell_officers
from conversations.i18n import N_
from storage.delivery.outbox import ClaimedMessage
from storage.tips import mark_thread_delivered, tip_of_message


def _thread_message(message: ClaimedMessage) -> int | None:
    value = message.params.get(THREAD_MESSAGE)
    return value if isinstance(value, int) else None


async def thread_messages_finished(
    session: AsyncSession, finished: list[tuple[ClaimedMessage, str]], now: datetime
) -> None:
    """The sender's ``on_finished`` hook: ``finished`` holds (row, sent|blocked|failed)."""
    delivered = [
        message_id
        for message, status in finished
        if status == "sent" and (message_id := _thread_message(message)) is not None
    ]
    await mark_thread_delivered(session, delivered, now=now)
    for message, status in finished:
        message_id = _thread_message(message)
        if status == "sent" or message_id is None:
            continue
        tip = await tip_of_message(session, message_id)
        if tip is not None:
            # Once per tip: every later question would meet the same blocked chat.
            occasion = f"tip-undelivered:{tip.id}"
            await tell_officers(session, tip, N_("asking.blocked_notice"), occasion, now)
