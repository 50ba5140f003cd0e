"""The bot's side of admin broadcasts (campaign messages).

Reads for the engine (a mixin of the processor's records) and the effects' handlers."""

from __future__ import annotations

from bot.effect_context import EffectHandler
from conversations.effects import Effect


class BroadcastRecords:
    """Reads of broadcasts and their audiences."""


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {}
