"""Linking the console's account with another chat account: the page shows a one-time code
to send from the other account (``/lienket CODE``), made by the chat's own ``CreateLinkCode``
effect, so the code, its lifetime (``link_code_minutes``) and the wrong-code limits of the
account typing it are the chat's. The page lists the viewer's accounts and which one their
notices go to; the platforms' user ids are not shown."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.web.auth import Viewer
from bot.web.kit import ConsoleKit
from conversations.i18n import N_
from conversations.linking import CreateLinkCode, format_link_code, new_link_code
from conversations.policy import Action, may
from conversations.privacy import has_consent
from storage.linking import linked_accounts

LINK_PATH = "/web/link"

# How each platform is named in the list of one's accounts.
CHANNEL_NAMES = {
    "telegram": N_("linking.channel.telegram"),
    "zalo": N_("linking.channel.zalo"),
    "zalo_oa": N_("linking.channel.zalo_oa"),
    "console": N_("linking.channel.console"),
}


def linking_routes(kit: ConsoleKit) -> list[BaseRoute]:
    pages = LinkingPages(kit)
    return [
        Route(LINK_PATH, kit.signed_in(pages.show, reads=True), methods=["GET"]),
        Route(LINK_PATH, kit.signed_in(pages.new_code, form=True), methods=["POST"]),
    ]


class LinkingPages:
    def __init__(self, kit: ConsoleKit) -> None:
        self.kit = kit

    async def show(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        return await self._page(request, session, viewer, code=None)

    async def new_code(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        if not self._may_link(viewer):
            return self.kit.not_found(request, viewer)
        code = new_link_code()
        minutes = self.kit.options.link_code_minutes
        # To the minute, as a chat message's time is (``bot.processor``): a code made at
        # 10:00:30 would otherwise still be taken by a message at 10:10:45, read as 10:10.
        now = self.kit.now().replace(second=0, microsecond=0)
        expires_at = now + timedelta(minutes=minutes)
        await self.kit.perform(session, viewer, CreateLinkCode(code, expires_at))
        return await self._page(request, session, viewer, code=format_link_code(code))

    @staticmethod
    def _may_link(viewer: Viewer) -> bool:
        # As the chat's /lienket: anybody, once they agreed to the privacy notice.
        return may(viewer.grants, Action.MY_DATA) and has_consent(viewer.member.consent_version)

    async def _page(
        self, request: Request, session: AsyncSession, viewer: Viewer, *, code: str | None
    ) -> Response:
        accounts = [
            {
                "name": self.kit.text(request, viewer, CHANNEL_NAMES.get(account.channel, "")),
                "notices": account.notices,
            }
            for account in await linked_accounts(session, viewer.member.id)
            if account.channel in CHANNEL_NAMES
        ]
        return self.kit.page(
            request,
            "linking.html",
            viewer,
            accounts=accounts,
            code=code,
            minutes=self.kit.options.link_code_minutes,
            may_link=self._may_link(viewer),
        )
