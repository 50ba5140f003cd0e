"""One module per conversation; ``build_engine`` assembles them with the main menu."""

from __future__ import annotations

from datetime import timedelta

from conversations.engine import Engine
from conversations.flows.areas import add_area_flow, rename_area_flow
from conversations.flows.invite import invite_flow
from conversations.flows.join import join_flow
from conversations.flows.language import language_flow
from conversations.flows.roles import roles_flow
from conversations.flows.staff import revoke_flow, staff_flow
from conversations.flows.status import status_flow
from conversations.flows.tip import tip_flow
from conversations.flows.tip_read import tip_read_flow
from conversations.i18n import Catalogues

# Menu order; each member sees only the items the policy allows them (see conversations.policy).
MAIN_MENU = [
    "tip",
    "status",
    "language",
    "tip_read",
    "roles",
    "invite",
    "staff",
    "area_add",
    "area_rename",
]


def build_engine(
    catalogues: Catalogues,
    *,
    draft_ttl: timedelta = timedelta(hours=24),
    bot_username: str | None = None,
) -> Engine:
    """The engine with every flow this release offers, in menu order.

    ``bot_username`` (Telegram, without "@") lets invitations carry a deep link.
    """
    flows = [
        tip_flow(),
        status_flow(),
        language_flow(),
        join_flow(),
        tip_read_flow(),
        roles_flow(),
        invite_flow(bot_username),
        staff_flow(),
        revoke_flow(),
        add_area_flow(),
        rename_area_flow(),
    ]
    return Engine(flows, catalogues, menu=MAIN_MENU, draft_ttl=draft_ttl)
