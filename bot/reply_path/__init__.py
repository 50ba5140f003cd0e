"""The reply path: replies stored with the state that caused them, sent after the commit.

``bot.processor`` stores each answer's replies as one batch in the transaction that saves the
conversation; a channel hands the batch to its ``ReplyDispatcher`` (``dispatcher.py``), which
sends each chat's batches in order, deletes them once sent, waits out 429s and outages without
dropping anything, and on start sends whatever an earlier run left unsent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.reply_path.codec import decode_replies
from conversations.replies import Reply
from storage.reply_path.replies import StoredReplies


@dataclass(frozen=True)
class Batch:
    """The replies to one inbound message, on their way to one chat.

    ``id`` is the stored row (None for what is never stored: an apology after an internal
    error, or nothing to say). ``parts_sent`` platform messages of it have gone out already;
    ``removal_owed``: the chat shows a reply keyboard before this batch, which its first plain
    message takes away (decided when the batch was stored, see ``ScreenRule``).
    """

    id: int | None
    channel: str
    chat_id: str
    user_id: str
    created_at: datetime
    replies: tuple[Reply, ...] = field(default_factory=tuple)
    locale: str | None = None
    parts_sent: int = 0
    removal_owed: bool = False
    # The message answered was a tap on an old question's button (it changed nothing).
    stale_tap: bool = False


# What a stored batch keeps under the same name; its payload is decoded into ``replies``.
_STORED_AS_IS = ("id", "channel", "chat_id", "user_id", "created_at", "locale")
_STORED_AS_IS += ("parts_sent", "removal_owed")


def stored_batch(stored: StoredReplies) -> Batch:
    """A batch read back from ``pending_replies`` (a restart, a redelivered update)."""
    same = {name: getattr(stored, name) for name in _STORED_AS_IS}
    return Batch(**same, replies=tuple(decode_replies(stored.payload)))


ScreenRule = Callable[[bool, tuple[Reply, ...]], bool]
"""What a chat shows after replies: given whether it shows a reply keyboard before them (one
that stays until a message takes it away, as Telegram's "share my location" button), whether
it shows one once they went. The processor asks the channel's rule in the transaction that
stores the replies, so that the next batch knows whether it owes the removal before the
previous one was even sent; the sender only follows what the batch says."""


def no_reply_keyboard(shown: bool, replies: tuple[Reply, ...]) -> bool:
    """The rule of a platform without reply keyboards (Zalo, the console)."""
    return False
