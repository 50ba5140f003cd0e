"""The bot's side of the monthly update of residential areas.

Reads for the engine (a mixin of the processor's records) and the effects' handlers."""

from __future__ import annotations

from bot.effect_context import EffectHandler
from conversations.effects import Effect


class ReportRecords:
    """Reads of the monthly update of residential areas."""


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {}
