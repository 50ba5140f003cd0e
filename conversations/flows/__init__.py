"""One module per conversation; ``build_engine`` assembles them with the main menu."""

from __future__ import annotations

from datetime import timedelta

from conversations.engine import Engine
from conversations.flows.language import language_flow
from conversations.flows.status import status_flow
from conversations.flows.tip import tip_flow
from conversations.i18n import Catalogues

MAIN_MENU = ["tip", "status", "language"]


def build_engine(catalogues: Catalogues, *, draft_ttl: timedelta = timedelta(hours=24)) -> Engine:
    """The engine with every flow this release offers, in menu order."""
    flows = [tip_flow(), status_flow(), language_flow()]
    return Engine(flows, catalogues, menu=MAIN_MENU, draft_ttl=draft_ttl)
