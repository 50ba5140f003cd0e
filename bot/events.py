"""The bot's side of events and their participants.

Reads for the engine (a mixin of the processor's records) and the effects' handlers."""

from __future__ import annotations

from bot.effect_context import EffectHandler
from conversations.effects import Effect


class EventRecords:
    """Reads of events and their participants."""


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {}
