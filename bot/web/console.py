"""The officers' web console: the routes of its pages, composed.

Each page module adds its own routes on the shared kit (``bot.web.kit``), as a Starlette
router includes another: sign-in (``bot.web.signin``) and one module per feature under
``bot.web.pages``. The pages never import this module; an import-linter contract keeps it so.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from bot.web.kit import ConsoleKit, ConsoleOptions
from bot.web.limits import AttemptLimiter
from bot.web.pages.broadcasts import broadcast_routes
from bot.web.pages.commendations import commendation_routes
from bot.web.pages.exports import export_routes
from bot.web.pages.linking import linking_routes
from bot.web.pages.movement_year import movement_year_routes
from bot.web.pages.opinions import opinion_routes
from bot.web.pages.surveys import survey_routes
from bot.web.pages.tips import tip_routes
from bot.web.pages.units import unit_routes
from bot.web.signin import signin_routes

__all__ = ["ConsoleKit", "ConsoleOptions", "WebConsole"]


class WebConsole:
    """The console's pages on one kit (database, key, catalogues, options): its routes, for
    ``bot.web.app``; sign-in attempts counted by ``login_limiter``."""

    def __init__(self, kit: ConsoleKit, *, login_limiter: AttemptLimiter | None = None) -> None:
        self.kit = kit
        self.login_limiter = login_limiter or AttemptLimiter(kit.database, clock=kit.now)

    def routes(self) -> list[BaseRoute]:
        return [
            *signin_routes(self.kit, self.login_limiter),
            *tip_routes(self.kit),
            *opinion_routes(self.kit),
            *movement_year_routes(self.kit),
            *broadcast_routes(self.kit),
            *export_routes(self.kit),
            *unit_routes(self.kit),
            *commendation_routes(self.kit),
            *survey_routes(self.kit),
            *linking_routes(self.kit),
        ]
