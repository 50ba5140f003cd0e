"""The year's commendations of one's places in the browser: who, which form, for what, on
which figures, and the decision (read only; proposals and decisions are made in chat or on
the command line)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.web.auth import Viewer
from bot.web.kit import ConsoleKit
from conversations.commendations import (
    STATUS_LABELS,
    SUBJECT_SHORT,
    Status,
    SubjectKind,
    form_label,
    grounds_text,
)
from conversations.exports import outermost
from conversations.i18n import N_
from conversations.localtime import local_today, shown_date
from conversations.policy import Action, may, scopes
from storage.commendations import commendations_of_year

# Commendations are the matter of the admins who run the year's review (as in chat).
ACTION = Action.ASSESS_UNITS


def commendation_routes(kit: ConsoleKit) -> list[BaseRoute]:
    pages = CommendationPages(kit)
    return [
        Route("/web/commendations", kit.signed_in(pages.commendations, reads=True), methods=["GET"])
    ]


class CommendationPages:
    def __init__(self, kit: ConsoleKit) -> None:
        self.kit = kit

    def year(self, request: Request) -> int:
        this_year = self.kit.options.year.calendar.assessed_year(local_today(self.kit.now()))
        asked = request.query_params.get("year", "")
        return int(asked) if asked.isdigit() and 2000 <= int(asked) <= 2999 else this_year

    async def commendations(
        self, request: Request, session: AsyncSession, viewer: Viewer
    ) -> Response:
        if not may(viewer.grants, ACTION):
            return self.kit.not_found(request, viewer)
        year = self.year(request)

        def t(key: str, **params: object) -> str:
            return self.kit.text(request, viewer, key, **params)

        shown: list[dict[str, Any]] = []
        for place in outermost(scopes(viewer.grants, ACTION)):
            for record in await commendations_of_year(session, place.path, year, status=None):
                kind = SubjectKind(record.subject_kind)
                try:
                    figures = json.loads(record.grounds)
                except ValueError:
                    figures = {}
                shown.append(
                    {
                        "id": record.id,
                        "place": record.area_name,
                        "who": f"{record.shown_name} ({t(SUBJECT_SHORT[kind])})",
                        "form": t(form_label(record.form, record.area_path)),
                        "achievement": record.achievement,
                        "grounds": grounds_text(kind, figures, t),
                        "status": t(STATUS_LABELS[Status(record.status)]),
                        "reason": record.decline_reason or "",
                        "awarded": ""
                        if record.event_title is None or record.event_starts_at is None
                        else t(
                            N_("award.at"),
                            title=record.event_title,
                            date=shown_date(record.event_starts_at),
                        ),
                    }
                )
        return self.kit.page(request, "commendations.html", viewer, commendations=shown, year=year)
