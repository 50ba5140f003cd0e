"""The one effect table: every effect a flow may ask for, and the feature handler that does it.

Each feature declares its handlers in ``bot/<feature>/handlers.py`` (a tip's thread in
``bot/tips/thread.py``); this module only puts
them together. An effect type without a handler is a bug found at start-up
(``require_handlers``), not when the first member triggers it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.broadcasts import handlers as broadcasts
from bot.commendations import handlers as commendations
from bot.effect_context import EffectHandler
from bot.events import handlers as events
from bot.exports import handlers as exports
from bot.incidents import handlers as incidents
from bot.linking import handlers as linking
from bot.monthly_reports import handlers as monthly_reports
from bot.movement_year import handlers as movement_year
from bot.opinions import handlers as opinions
from bot.people import handlers as people
from bot.privacy import handlers as privacy
from bot.security_models import handlers as security_models
from bot.surveys import handlers as surveys
from bot.tips import commendation as tip_commendation
from bot.tips import handlers as tips
from bot.tips import thread as tip_thread
from bot.units import handlers as units
from bot.web import handlers as web
from conversations.effects import Effect


def merged(*tables: Mapping[type[Effect], EffectHandler]) -> dict[type[Effect], EffectHandler]:
    """One table from the features' tables; an effect handled twice is refused."""
    table: dict[type[Effect], EffectHandler] = {}
    for part in tables:
        overlap = table.keys() & part.keys()
        if overlap:
            raise RuntimeError(f"effects handled twice: {sorted(t.__name__ for t in overlap)}")
        table.update(part)
    return table


EFFECT_HANDLERS = merged(
    tips.EFFECT_HANDLERS,
    tip_thread.EFFECT_HANDLERS,
    tip_commendation.EFFECT_HANDLERS,
    monthly_reports.EFFECT_HANDLERS,
    events.EFFECT_HANDLERS,
    security_models.EFFECT_HANDLERS,
    incidents.EFFECT_HANDLERS,
    broadcasts.EFFECT_HANDLERS,
    exports.EFFECT_HANDLERS,
    people.EFFECT_HANDLERS,
    privacy.EFFECT_HANDLERS,
    web.EFFECT_HANDLERS,
    movement_year.EFFECT_HANDLERS,
    units.EFFECT_HANDLERS,
    commendations.EFFECT_HANDLERS,
    surveys.EFFECT_HANDLERS,
    linking.EFFECT_HANDLERS,
    opinions.EFFECT_HANDLERS,
)


def effect_types() -> set[type[Effect]]:
    """Every concrete effect type defined so far (the flows' modules define them on import)."""
    found: set[type[Effect]] = set()
    pending = list(Effect.__subclasses__())
    while pending:
        kind = pending.pop()
        found.add(kind)
        pending.extend(kind.__subclasses__())
    return found


def unhandled(
    kinds: Iterable[type[Effect]], table: Mapping[type[Effect], EffectHandler]
) -> list[str]:
    """The names of the effect types ``table`` has no handler for, sorted."""
    return sorted(kind.__name__ for kind in kinds if kind not in table)


def require_handlers(table: Mapping[type[Effect], EffectHandler] = EFFECT_HANDLERS) -> None:
    """Refuse to start when a flow could ask for an effect nothing performs."""
    missing = unhandled(effect_types(), table)
    if missing:
        raise RuntimeError(f"effects without a handler: {', '.join(missing)}")
