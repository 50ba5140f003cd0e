"""What the scheduler checks: rules that say who should be told what.

A rule is an async callable ``rule(now, session) -> [MemberMessage, ...]``. Each rule runs in
its own transaction and returns the messages to queue in it, so a rule's reads, its
bookkeeping and the queued messages commit together. A rule object may carry a ``name``
(a reminder campaign, the officers' digest): the logs call it by that name.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import MemberMessage

Rule = Callable[[datetime, AsyncSession], Awaitable[Sequence[MemberMessage]]]

# Reminders (monthly update, the movement's year, events) go out at this local time: late
# enough in the morning to be read, early enough to act on the same day.
REMIND_AT = time(9, 0)


def rule_name(rule: Rule) -> str:
    """What the logs call ``rule``: its ``name``, else the function's own name."""
    name = getattr(rule, "name", None)
    if isinstance(name, str):
        return name
    return getattr(rule, "__qualname__", type(rule).__name__)
