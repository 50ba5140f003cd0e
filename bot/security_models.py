"""The bot's side of self-managed security models and their activity logs.

Reads for the engine (a mixin of the processor's records) and the effects' handlers."""

from __future__ import annotations

from bot.effect_context import EffectHandler
from conversations.effects import Effect


class SecurityModelRecords:
    """Reads of self-managed security models and their activity logs."""


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {}
