"""The residents' opinions and proposals on the web console, beside the tips and never mixed
with them: the queue of one's places, one opinion with its thread, answering it and marking
it done (the chat's own effects, ``AnswerOpinion`` and ``FinishOpinion``), and the opinions
as a CSV or XLSX file (the exports' writers).

An opinion is addressed by its code and opened only where the policy lets the viewer handle
opinions: another commune's answers 404, as an unknown code does. Nothing of a sender is
shown: named or anonymous only.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.opinions.reads import opinion_view
from bot.web.auth import Viewer
from bot.web.kit import ConsoleKit, form_text
from bot.web.rendering import secured
from bot.workbooks import open_book
from conversations.fields import format_tip_code, normalise_tip_code
from conversations.i18n import N_
from conversations.opinions import CATEGORIES, MAX_ANSWER, AnswerOpinion, FinishOpinion, OpinionView
from conversations.opinions.follow import STATUS_LABELS
from conversations.places import outermost
from conversations.policy import Action, may, scopes
from storage.opinions import OpinionRecord, find_opinion_by_code, opinions_in, thread_of

ACTION = Action.HANDLE_OPINIONS
SHOWN = 100
# The queue's filter: the open ones (the default), the done ones, all.
SHOWS = {"open": False, "done": True, "all": None}
SHOW_LABELS = {
    "open": N_("opinions.web.show.open"),
    "done": N_("opinions.web.show.done"),
    "all": N_("opinions.web.show.all"),
}
FILES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DONE_SAID = {"answer": N_("opinions.web.answered"), "done": N_("opinions.web.done")}
COLUMNS = (
    N_("opinions.web.col.code"),
    N_("opinions.web.col.received"),
    N_("opinions.web.col.commune"),
    N_("opinions.web.col.category"),
    N_("opinions.web.col.place"),
    N_("opinions.web.col.text"),
    N_("opinions.web.col.sender"),
    N_("opinions.web.col.status"),
    N_("opinions.web.col.answered"),
    N_("opinions.web.col.done"),
)


def opinion_routes(kit: ConsoleKit) -> list[BaseRoute]:
    pages = OpinionPages(kit)
    signed_in = kit.signed_in
    return [
        Route("/web/opinions", signed_in(pages.queue, reads=True), methods=["GET"]),
        Route("/web/opinions/file/{format}", signed_in(pages.file, reads=True), methods=["GET"]),
        Route("/web/opinions/{code}", signed_in(pages.opinion, reads=True), methods=["GET"]),
        Route("/web/opinions/{code}/answer", signed_in(pages.answer, form=True), methods=["POST"]),
        Route("/web/opinions/{code}/done", signed_in(pages.finish, form=True), methods=["POST"]),
    ]


def _paths(viewer: Viewer) -> list[str]:
    return [place.path for place in outermost(scopes(viewer.grants, ACTION))]


class OpinionPages:
    def __init__(self, kit: ConsoleKit) -> None:
        self.kit = kit

    async def queue(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        if not may(viewer.grants, ACTION):
            return self.kit.not_found(request, viewer)
        show = request.query_params.get("show", "open")
        show = show if show in SHOWS else "open"
        found = await opinions_in(session, _paths(viewer), done=SHOWS[show], limit=SHOWN)
        return self.kit.page(
            request,
            "opinions.html",
            viewer,
            opinions=[opinion_view(record) for record in found],
            categories=CATEGORIES.labels,
            status_labels=STATUS_LABELS,
            shows=SHOW_LABELS,
            show=show,
            code=format_tip_code,
        )

    async def readable(
        self, session: AsyncSession, viewer: Viewer, code: str
    ) -> OpinionView | None:
        """The opinion ``code`` with its thread when the viewer may handle it; else None,
        which looks like no opinion."""
        normal = normalise_tip_code(code)
        record = await find_opinion_by_code(session, normal) if normal else None
        if record is None or not may(viewer.grants, ACTION, record.area_path or ""):
            return None
        return opinion_view(record, tuple(await thread_of(session, record.id)))

    async def opinion(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        view = await self.readable(session, viewer, request.path_params["code"])
        if view is None:
            return self.kit.not_found(request, viewer)
        return self.page(request, viewer, view)

    def page(
        self,
        request: Request,
        viewer: Viewer,
        view: OpinionView,
        *,
        said: list[str] | None = None,
        error: str | None = None,
        typed: str = "",
        status_code: int = 200,
    ) -> Response:
        done = DONE_SAID.get(request.query_params.get("done", ""))
        if done is not None and not said:
            said = [self.kit.text(request, viewer, done)]
        return self.kit.page(
            request,
            "opinion.html",
            viewer,
            status_code=status_code,
            opinion=view,
            shown_code=format_tip_code(view.code),
            category=CATEGORIES.labels.get(view.category, view.category),
            status_labels=STATUS_LABELS,
            said=said or [],
            error=error,
            typed=typed,
            max_text=MAX_ANSWER,
        )

    async def answer(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        view = await self.readable(session, viewer, request.path_params["code"])
        if view is None:
            return self.kit.not_found(request, viewer)
        text = form_text(request, "text").strip()
        if view.status == "done":
            said = [self.kit.text(request, viewer, N_("web.not_allowed_now"))]
            return self.page(request, viewer, view, said=said, status_code=409)
        if len(text) < 2 or len(text) > MAX_ANSWER:
            error = N_("web.error.text_length")
            return self.page(request, viewer, view, error=error, typed=text, status_code=400)
        said = await self.kit.perform(session, viewer, AnswerOpinion(view.code, text))
        if said:
            fresh = await self.readable(session, viewer, view.code) or view
            return self.page(request, viewer, fresh, said=said)
        return _back_to(view.code, "answer")

    async def finish(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        view = await self.readable(session, viewer, request.path_params["code"])
        if view is None:
            return self.kit.not_found(request, viewer)
        said = await self.kit.perform(session, viewer, FinishOpinion(view.code))
        if said:
            fresh = await self.readable(session, viewer, view.code) or view
            return self.page(request, viewer, fresh, said=said)
        return _back_to(view.code, "done")

    async def file(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        format = request.path_params["format"]
        if format not in FILES or not may(viewer.grants, ACTION):
            return self.kit.not_found(request, viewer)

        def t(key: str, **params: object) -> str:
            return self.kit.text(request, viewer, key, **params)

        target = io.BytesIO()
        book = open_book(format, target)
        sheet = book.sheet(t(N_("opinions.web.title")), [t(column) for column in COLUMNS])
        for record in await opinions_in(session, _paths(viewer), done=None):
            sheet.append(row(record, t))
        book.close()
        name = f"gop-y-kien-nghi.{format}"
        response = Response(
            target.getvalue(),
            media_type=FILES[format],
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
        return secured(response)


def row(record: OpinionRecord, t: Callable[..., str]) -> list[Any]:
    """One opinion as a row of the file: never who sent it, named or anonymous only."""
    sender = N_("opinions.sender.anonymous") if record.anonymous else N_("opinions.sender.named")

    def day(moment: datetime | None) -> str:
        return moment.strftime("%d/%m/%Y") if moment else ""

    return [
        format_tip_code(record.code),
        day(record.received_on),
        record.area_name or "",
        t(CATEGORIES.labels.get(record.category, record.category)),
        record.place_text or "",
        record.text,
        t(sender),
        t(STATUS_LABELS.get(record.status, STATUS_LABELS["received"])),
        day(record.answered_on),
        day(record.done_on),
    ]


def _back_to(code: str, done: str) -> Response:
    return secured(RedirectResponse(f"/web/opinions/{code}?done={done}#top", status_code=303))
