"""What a conversation asks the bot to do besides replying; performed in the same transaction
as the new conversation state, so either both happen or neither does."""

from __future__ import annotations


class Effect:
    """Base of everything a flow asks the bot to do besides replying.

    Each feature defines its effects as frozen dataclasses deriving from this class, in its
    vocabulary (``conversations/<feature>/__init__.py``); the bot performs them through the one
    effect table (``bot.effects``), in the message's transaction.
    """

    __slots__ = ()
