"""Broadcasts of one's places with their progress (counts, time left), and cancelling one —
through the chat's own ``CancelBroadcast`` effect."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.records import DatabaseRecords
from bot.web.auth import Viewer
from bot.web.kit import ConsoleKit, form_text, row_id
from bot.web.rendering import secured
from conversations.broadcasts import BroadcastProgress, CancelBroadcast, TimeLeft
from conversations.exports import outermost
from conversations.i18n import N_
from conversations.policy import Action, may, scopes

SHOWN = 30


def broadcast_routes(kit: ConsoleKit) -> list[BaseRoute]:
    pages = BroadcastPages(kit)
    return [
        Route("/web/broadcasts", kit.signed_in(pages.broadcasts, reads=True), methods=["GET"]),
        Route(
            "/web/broadcasts/{id}/cancel",
            kit.signed_in(pages.cancel, form=True),
            methods=["POST"],
        ),
    ]


class BroadcastPages:
    def __init__(self, kit: ConsoleKit) -> None:
        self.kit = kit

    async def broadcasts(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        if not may(viewer.grants, Action.BROADCAST):
            return self.kit.not_found(request, viewer)
        records = DatabaseRecords(session, self.kit.sealer)
        now = self.kit.now()
        shown: list[dict[str, Any]] = []
        for place in outermost(scopes(viewer.grants, Action.BROADCAST)):
            for progress in await records.broadcasts.broadcasts_within(place.path, limit=SHOWN):
                left = progress.seconds_left(now)
                shown.append({"progress": progress, "left": self.time_left(request, viewer, left)})
        cancelled = request.query_params.get("done") == "cancel"
        return self.kit.page(
            request, "broadcasts.html", viewer, broadcasts=shown, cancelled=cancelled
        )

    def confirm_cancel(
        self, request: Request, viewer: Viewer, progress: BroadcastProgress
    ) -> Response:
        """Cancelling cannot be undone: a page that asks once more."""
        kit = self.kit
        text_label = kit.text(request, viewer, N_("web.broadcasts.text"))
        return kit.page(
            request,
            "confirm.html",
            viewer,
            question=kit.text(request, viewer, N_("web.confirm.broadcast"), number=progress.id),
            action=f"/web/broadcasts/{progress.id}/cancel",
            fields={},
            details=[(text_label, progress.text_vi)],
            back="/web/broadcasts",
        )

    def time_left(self, request: Request, viewer: Viewer, seconds: float | None) -> str | None:
        """The time left in days and hours, hours and minutes, or minutes (``TimeLeft``)."""
        if seconds is None:
            return None
        left = TimeLeft.of(seconds)
        if left.days:
            key = N_("web.broadcasts.days")
        elif left.hours:
            key = N_("web.broadcasts.hours")
        else:
            key = N_("web.broadcasts.minutes")
        return self.kit.text(
            request, viewer, key, days=left.days, hours=left.hours, minutes=left.minutes
        )

    async def cancel(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        broadcast_id = row_id(request.path_params["id"])
        if broadcast_id is None:
            return self.kit.not_found(request, viewer)
        records = DatabaseRecords(session, self.kit.sealer)
        progress = await records.broadcasts.broadcast_progress(broadcast_id)
        if progress is None or not may(viewer.grants, Action.BROADCAST, progress.place_path):
            return self.kit.not_found(request, viewer)
        if form_text(request, "confirm") != "1":
            return self.confirm_cancel(request, viewer, progress)
        effect = CancelBroadcast(progress.id)
        await self.kit.perform(session, viewer, effect)
        return secured(RedirectResponse("/web/broadcasts?done=cancel", status_code=303))
