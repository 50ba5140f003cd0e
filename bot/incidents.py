"""The bot's side of urgent incident reports.

Reads for the engine (a mixin of the processor's records) and the effects' handlers."""

from __future__ import annotations

from bot.effect_context import EffectHandler
from conversations.effects import Effect


class IncidentRecords:
    """Reads of urgent incident reports."""


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {}
