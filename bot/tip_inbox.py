"""The bot's side of the officers' tip inbox.

Reads for the engine (a mixin of the processor's records) and the effects' handlers."""

from __future__ import annotations

from bot.effect_context import EffectHandler
from conversations.effects import Effect


class TipInboxRecords:
    """Reads of the officers' tip inbox."""


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {}
