"""The officers' web console: the routes of its pages, composed.

Each page module adds its own routes on the shared kit (``bot.web.kit``), as a Starlette
router includes another: sign-in (``bot.web.signin``) and one module per feature under
``bot.web.pages``. The pages never import this module; an import-linter contract keeps it so.
"""

from __future__ import annotations

import time

from starlette.routing import BaseRoute

from bot.sealing import Sealer
from bot.web.kit import ConsoleKit, ConsoleOptions
from bot.web.limits import AttemptLimiter
from bot.web.pages.broadcasts import broadcast_routes
from bot.web.pages.exports import export_routes
from bot.web.pages.movement_year import movement_year_routes
from bot.web.pages.tips import tip_routes
from bot.web.signin import signin_routes
from conversations.i18n import Catalogues
from storage.database import Database

__all__ = ["ConsoleOptions", "WebConsole"]


class WebConsole:
    """The console on one database, key and catalogues: its routes, for ``bot.web.app``."""

    def __init__(
        self,
        database: Database,
        sealer: Sealer,
        catalogues: Catalogues,
        options: ConsoleOptions | None = None,
        *,
        login_limiter: AttemptLimiter | None = None,
    ) -> None:
        self.kit = ConsoleKit(database, sealer, catalogues, options)
        self.login_limiter = login_limiter or AttemptLimiter(clock=time.monotonic)

    def routes(self) -> list[BaseRoute]:
        return [
            *signin_routes(self.kit, self.login_limiter),
            *tip_routes(self.kit),
            *movement_year_routes(self.kit),
            *broadcast_routes(self.kit),
            *export_routes(self.kit),
        ]
