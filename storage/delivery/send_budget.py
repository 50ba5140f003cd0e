"""One sending budget per bot token, kept in PostgreSQL so that every process shares it.

``send_budgets`` holds, per channel, the time of the next free send slot and the number of the
last send. A send claims a slot with one statement: the slot is ``max(next_at, now)``,
``next_at`` moves one spacing on, and the send is numbered and logged in ``send_log``. Slots
are claimed only a little ahead (``horizon``): a process that finds the budget taken further
than that waits and asks again, so N processes never queue more claims than the rate can
serve, and a reply (a longer horizon) takes the next slot before an outbox message.

Evenly spaced slots are not enough where the network or a busy process delays one request and
not the next: the platform counts arrivals. So the claim also answers when the send
``capacity`` places before this one was answered (``settle_send`` records it): one second
after that, the platform's window has room whatever the delays. ``chat_send_slots`` keeps the
per-chat gap the same way as the slots; a chat's row names the person it was sent to with the
exact time of the send, so it lives only as long as its gap (``forget_chats_passed`` once the send's
gap passed, ``forget_chats`` when a process stops). The database's clock is the only clock:
processes on several hosts need not agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = [
    "Claim",
    "claim_chat_slot",
    "claim_chat_slot_if_free",
    "claim_send_slot",
    "ensure_budget",
    "forget_chats",
    "forget_chats_passed",
    "prune",
    "push_back",
    "send_answered_wait",
    "settle_send",
]

_ENSURE = text(
    "INSERT INTO send_budgets (channel, next_at) VALUES (:channel, statement_timestamp())"
    " ON CONFLICT (channel) DO NOTHING"
)
# The UPDATE claims when the budget is free within the horizon and numbers the send; the
# INSERT logs it; the SELECT reads (as they were before this statement) the budget, for how
# long to wait if nothing was claimed, and the send ``capacity`` places back.
_CLAIM = text(
    """
    WITH claimed AS (
        UPDATE send_budgets
        SET next_at = GREATEST(next_at, statement_timestamp()) + make_interval(secs => :spacing),
            seq = seq + 1
        WHERE channel = :channel
          AND next_at <= statement_timestamp() + make_interval(secs => :horizon)
        RETURNING seq, next_at
    ), logged AS (
        INSERT INTO send_log (channel, seq, started_at)
        SELECT :channel, seq, statement_timestamp() FROM claimed
    )
    SELECT
        claimed.seq,
        EXTRACT(EPOCH FROM claimed.next_at - statement_timestamp()) - :spacing,
        EXTRACT(EPOCH FROM back.done_at + interval '1 second' - statement_timestamp()),
        back.seq IS NOT NULL AND back.done_at IS NULL
            AND back.started_at > statement_timestamp() - make_interval(secs => :unsettled_for),
        (SELECT EXTRACT(EPOCH FROM next_at - statement_timestamp())
         FROM send_budgets WHERE channel = :channel)
    FROM (SELECT 1) AS one
    LEFT JOIN claimed ON true
    LEFT JOIN send_log AS back
        ON back.channel = :channel AND back.seq = claimed.seq - :capacity
    """
)
# How long until the send ``seq`` was answered a second ago (NULL: not answered yet).
_ANSWERED = text(
    """
    SELECT done_at IS NOT NULL OR started_at <= statement_timestamp()
               - make_interval(secs => :unsettled_for),
           EXTRACT(EPOCH FROM done_at + interval '1 second' - statement_timestamp())
    FROM send_log WHERE channel = :channel AND seq = :seq
    """
)
_SETTLE = text(
    "UPDATE send_log SET done_at = statement_timestamp() WHERE channel = :channel AND seq = :seq"
)
_CHAT = text(
    """
    INSERT INTO chat_send_slots AS slot (channel, chat_id, next_at)
    VALUES (:channel, :chat_id, statement_timestamp() + make_interval(secs => :gap))
    ON CONFLICT (channel, chat_id) DO UPDATE
    SET next_at = GREATEST(slot.next_at, statement_timestamp()) + make_interval(secs => :gap)
    RETURNING EXTRACT(EPOCH FROM slot.next_at - statement_timestamp()) - :gap - :ahead
    """
)
# The chat's slot, taken only if it is free now (an outbox message defers a busy chat).
_CHAT_IF_FREE = text(
    """
    INSERT INTO chat_send_slots AS slot (channel, chat_id, next_at)
    VALUES (:channel, :chat_id, statement_timestamp() + make_interval(secs => :gap))
    ON CONFLICT (channel, chat_id) DO UPDATE
    SET next_at = GREATEST(slot.next_at, statement_timestamp()) + make_interval(secs => :gap)
    WHERE slot.next_at <= statement_timestamp() + make_interval(secs => :ahead)
    RETURNING 0
    """
)
_CHAT_BUSY_FOR = text(
    "SELECT EXTRACT(EPOCH FROM next_at - statement_timestamp()) - :ahead"
    " FROM chat_send_slots WHERE channel = :channel AND chat_id = :chat_id"
)
_PUSH_BACK = text(
    "UPDATE send_budgets SET next_at = GREATEST(next_at, statement_timestamp()"
    " + make_interval(secs => :seconds)) WHERE channel = :channel"
)
_FORGET_PASSED = text(
    "DELETE FROM chat_send_slots WHERE channel = :channel AND chat_id IN :chat_ids"
    " AND next_at <= statement_timestamp() RETURNING chat_id"
).bindparams(bindparam("chat_ids", expanding=True))
_FORGET_CHATS = text(
    "DELETE FROM chat_send_slots WHERE channel = :channel AND chat_id IN :chat_ids"
).bindparams(bindparam("chat_ids", expanding=True))
_PRUNE_CHATS = text("DELETE FROM chat_send_slots WHERE next_at <= statement_timestamp()")
_PRUNE_LOG = text("DELETE FROM send_log WHERE channel = :channel AND seq < :below")


async def ensure_budget(connection: AsyncConnection, channel: str) -> None:
    """The channel's budget row, created free if it is missing."""
    await connection.execute(_ENSURE, {"channel": channel})


@dataclass(frozen=True, slots=True)
class Claim:
    """What a claim answered: ``seq`` and ``wait`` (seconds to the slot) when one was
    claimed; else ``busy_for``, seconds until the budget was free. ``window_wait``: seconds
    until the send ``capacity`` places back was answered a second ago; ``back_unanswered``:
    that send has not been answered yet (ask again with ``send_answered_wait``)."""

    seq: int | None
    wait: float
    window_wait: float
    back_unanswered: bool
    busy_for: float


async def claim_send_slot(
    connection: AsyncConnection,
    channel: str,
    *,
    spacing: float,
    horizon: float,
    capacity: int,
    unsettled_for: float,
) -> Claim:
    """Claim the channel's next send slot if it is free within ``horizon`` seconds."""
    row = (
        await connection.execute(
            _CLAIM,
            {
                "channel": channel,
                "spacing": spacing,
                "horizon": horizon,
                "capacity": capacity,
                "unsettled_for": unsettled_for,
            },
        )
    ).one()
    seq, wait, window_wait, back_unanswered, busy_for = row
    return Claim(
        None if seq is None else int(seq),
        max(0.0, float(wait or 0.0)),
        max(0.0, float(window_wait or 0.0)),
        bool(back_unanswered),
        float(busy_for or 0.0),
    )


async def send_answered_wait(
    connection: AsyncConnection, channel: str, seq: int, *, unsettled_for: float
) -> float | None:
    """Seconds until send ``seq`` was answered a second ago; None while it is unanswered."""
    row = (
        await connection.execute(
            _ANSWERED, {"channel": channel, "seq": seq, "unsettled_for": unsettled_for}
        )
    ).first()
    if row is None:
        return 0.0  # pruned long ago
    answered, wait = row
    if not answered:
        return None
    return max(0.0, float(wait or 0.0))


async def settle_send(connection: AsyncConnection, channel: str, seq: int) -> None:
    """The platform answered send ``seq``."""
    await connection.execute(_SETTLE, {"channel": channel, "seq": seq})


async def claim_chat_slot(
    connection: AsyncConnection, channel: str, chat_id: str, *, gap: float, burst: int = 1
) -> float:
    """Claim the chat's next slot; the seconds to wait for it (0 when it is free now). A chat
    takes ``burst`` sends at once before they are ``gap`` apart (its slot's ``next_at`` is
    when its bucket is full again)."""
    values = {"channel": channel, "chat_id": chat_id, "gap": gap, "ahead": gap * (burst - 1)}
    wait = await connection.scalar(_CHAT, values)
    return max(0.0, float(wait or 0.0))


async def claim_chat_slot_if_free(
    connection: AsyncConnection, channel: str, chat_id: str, *, gap: float, burst: int = 1
) -> float:
    """Claim the chat's slot if it is free now: 0; else the seconds until it is."""
    values = {"channel": channel, "chat_id": chat_id, "gap": gap, "ahead": gap * (burst - 1)}
    if (await connection.execute(_CHAT_IF_FREE, values)).first() is not None:
        return 0.0
    busy_for = await connection.scalar(_CHAT_BUSY_FOR, values)
    return max(0.001, float(busy_for or 0.0))


async def forget_chats_passed(
    connection: AsyncConnection, channel: str, chat_ids: list[str]
) -> set[str]:
    """Forget those of the chats whose gap has passed (a row a later claim moved on stays);
    the chats forgotten."""
    result = await connection.execute(_FORGET_PASSED, {"channel": channel, "chat_ids": chat_ids})
    return set(result.scalars())


async def forget_chats(connection: AsyncConnection, channel: str, chat_ids: list[str]) -> None:
    """Forget these chats now, gap or not: the process that sent to them stops."""
    if chat_ids:
        await connection.execute(_FORGET_CHATS, {"channel": channel, "chat_ids": chat_ids})


async def push_back(connection: AsyncConnection, channel: str, seconds: float) -> None:
    """Nothing goes on ``channel`` for ``seconds`` (the platform answered 429), in any process."""
    await connection.execute(_PUSH_BACK, {"channel": channel, "seconds": seconds})


async def prune(connection: AsyncConnection, channel: str, *, below_seq: int) -> None:
    """Forget chats whose gap passed (a stopped process's), and sends numbered below
    ``below_seq``."""
    await connection.execute(_PRUNE_CHATS)
    await connection.execute(_PRUNE_LOG, {"channel": channel, "below": below_seq})
