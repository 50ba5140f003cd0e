"""The one way back to a resident who wrote to the officers (a tip, an opinion): a named one
through their account, an anonymous one through the record's own sealed route only.

Nothing here logs a route, a member id or a message's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import PRIORITIES, MemberMessage, queue_for_member
from bot.sealing import Sealer
from conversations.i18n import Catalogues
from storage.delivery.outbox import TIP_NOTICE, NewMessage, dedup_key_taken, enqueue

# The extras' key of the buttons under a message to a sender, as [label, command] (a tap is
# read as the command typed; bot.delivery.sender shows them).
BUTTONS = "buttons"


class SendingContext(Protocol):
    """What queueing a message to a sender takes: the transaction, the server key, the texts
    and the time. An effect's context (``bot.effect_context.EffectContext``) is one; the
    command line makes a ``Sending``."""

    @property
    def session(self) -> AsyncSession: ...

    @property
    def sealer(self) -> Sealer: ...

    @property
    def catalogues(self) -> Catalogues: ...

    @property
    def now(self) -> datetime: ...


@dataclass(frozen=True)
class Sending:
    """A ``SendingContext`` outside a chat message's effects (an ``antq`` command)."""

    session: AsyncSession
    sealer: Sealer
    catalogues: Catalogues
    now: datetime


class Sender(Protocol):
    """What a record says about its sender: their member (named) or a sealed route
    (anonymous), and the language they wrote in."""

    @property
    def member_id(self) -> int | None: ...

    @property
    def sender_route(self) -> bytes | None: ...

    @property
    def locale(self) -> str: ...


async def queue_to_sender(
    ctx: SendingContext,
    record: Sender,
    key: str,
    occasion: str,
    params: dict[str, str],
    extras: dict[str, Any] | None = None,
) -> bool:
    """Queue the message ``key`` (with raw ``params``) to the sender of a tip or an opinion,
    in its language; True when queued. The one way anything reaches such a sender: a named one
    through their account, an anonymous one through the record's own sealed route only.

    ``extras`` go with the row for its sender, not into the text: a photo's file id, the
    buttons under it, the thread message it carries (``bot.tips.delivery``)."""
    session, sealer, now = ctx.session, ctx.sealer, ctx.now
    # Keyed: a stored dedup key does not say which record its message was about. While the
    # server key is being replaced, one made under an older listed key counts as well.
    dedup, *older = sealer.opaque_keys(occasion)
    if older and await dedup_key_taken(session, older):
        return False
    if record.member_id is not None:
        message = MemberMessage(
            record.member_id,
            TIP_NOTICE,
            dedup,
            message_key=key,
            params={**params, **(extras or {})},
        )
        return await queue_for_member(session, message, now=now)
    if record.sender_route is None:
        return False
    # Opened here for its channel only (which sender takes the row); the chat stays sealed in
    # the row until the sender opens it to send, and the route is erased once it went.
    channel, _ = sealer.open_route(record.sender_route)
    return await enqueue(
        session,
        NewMessage(
            channel=channel,
            kind=TIP_NOTICE,
            not_before=now,  # tip notices are exempt from the quiet hours
            sealed_route=record.sender_route,
            text=ctx.catalogues.text(record.locale, key, **params),
            params=extras or None,
            dedup_key=dedup,
            priority=PRIORITIES[TIP_NOTICE],
        ),
        now=now,
    )
