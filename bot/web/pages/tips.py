"""The tip queue of one's places and one tip with its thread, in the browser.

A tip is addressed by its code, and opened only when the policy lets the viewer read it where it
lies: another commune's tip answers 404, as an unknown code does. Taking, moving and asking go
through the chat's effects (``bot.web.acting``). Nothing of a tip's sender is shown: the thread
says "Người báo tin"; a phone appears only when the sender chose to leave one (as in the chat).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.records import DatabaseRecords
from bot.tips.reads import tip_handler
from bot.web.auth import Viewer
from bot.web.files import stream_attachment, viewable
from bot.web.kit import MAX_ROW_ID, ConsoleKit, form_text
from bot.web.rendering import secured
from conversations.exports import outermost
from conversations.fields import format_tip_code, normalise_tip_code, shown_phone
from conversations.i18n import N_
from conversations.places import COMMUNE, Place
from conversations.policy import ROLE_LABELS, Action, Role, may, scopes
from conversations.tips import (
    ACTION_LABELS,
    FINAL,
    MAX_NOTE,
    MAX_THREAD_TEXT,
    REJECTIONS,
    STATUS_LABELS,
    TAKE,
    AskTipster,
    ChangeTipStatus,
    InboxTip,
    RecordTipView,
    TakeTip,
    TipHandler,
    allowed_actions,
    may_ask,
    status_after,
)
from conversations.tips.report import CATEGORIES
from storage.exports import places_of_kind
from storage.tips import ThreadMessage, find_tip_by_code, tip_thread
from storage.web_queue import QueueFilter, tip_history, tip_queue

PAGE_SIZE = 25
STATUSES = ("received", "acknowledged", "verifying", "forwarded", "closed", "rejected")
# The age filter: tips received at least this long ago.
AGES = {"1d": timedelta(days=1), "2d": timedelta(days=2), "7d": timedelta(days=7)}
# What the page says after an action went through (the chat's own confirmations).
DONE = {
    "take": N_("web.done.taken"),
    "status": N_("web.done.changed"),
    "ask": N_("web.done.asked"),
}
MIN_NOTE = 3


def tip_routes(kit: ConsoleKit) -> list[BaseRoute]:
    pages = TipPages(kit)
    signed_in = kit.signed_in
    return [
        Route("/web/tips", signed_in(pages.queue, reads=True), methods=["GET"]),
        Route("/web/tips/{code}", signed_in(pages.tip), methods=["GET"]),
        Route("/web/tips/{code}/act", signed_in(pages.act, form=True), methods=["POST"]),
        Route("/web/tips/{code}/ask", signed_in(pages.ask, form=True), methods=["POST"]),
        Route("/web/tips/{code}/files/{ref}", signed_in(pages.file), methods=["GET"]),
    ]


class TipPages:
    def __init__(self, kit: ConsoleKit) -> None:
        self.kit = kit

    # -- the queue ------------------------------------------------------------------------

    async def queue(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        query = request.query_params
        own = outermost(scopes(viewer.grants, Action.LIST_TIPS))
        places = await places_to_filter(session, own)
        chosen = next((p for p in places if p.code == query.get("place")), None)
        paths = [chosen.path] if chosen else [p.path for p in own]
        status = query.get("status") if query.get("status") in STATUSES else None
        category = query.get("category") if query.get("category") in CATEGORIES.labels else None
        age = AGES.get(query.get("age", ""))
        oldest_first = query.get("sort", "oldest") != "newest"
        wanted = QueueFilter(
            paths=paths,
            status=status,
            category=category,
            received_before=self.kit.now() - age if age else None,
            tipster_waiting=query.get("waiting") == "1",
            oldest_first=oldest_first,
        )
        page = max(1, _int(query.get("page"), 1))
        offset = (page - 1) * PAGE_SIZE
        if offset > MAX_ROW_ID:  # no queue is that long (nor can a query skip that far)
            return self.kit.not_found(request, viewer)
        found = await tip_queue(session, wanted, offset=offset, limit=PAGE_SIZE)
        handlers = {
            line.code: handler_shown(
                self.kit,
                request,
                viewer,
                await tip_handler(session, line.handler_member_id, line.handler_name),
            )
            for line in found.lines
        }
        pages = max(1, -(-found.total // PAGE_SIZE))
        if page > pages:
            return self.kit.not_found(request, viewer)
        kept = {k: v for k, v in query.items() if k != "page" and v}
        return self.kit.page(
            request,
            "queue.html",
            viewer,
            lines=found.lines,
            handlers=handlers,
            total=found.total,
            page=page,
            pages=pages,
            link_to_page=lambda n: "/web/tips?" + urlencode({**kept, "page": n}),
            places=places,
            statuses=STATUSES,
            categories=CATEGORIES.labels,
            status_labels=STATUS_LABELS,
            ages=AGES,
            query=query,
            now=self.kit.now(),
            age=lambda received: waited(self.kit, request, viewer, received),
        )

    # -- one tip --------------------------------------------------------------------------

    async def readable(self, session: AsyncSession, viewer: Viewer, code: str) -> InboxTip | None:
        """The tip ``code`` when the policy lets the viewer read it; None looks like no tip."""
        normal = normalise_tip_code(code)
        if normal is None:
            return None
        records = DatabaseRecords(session, self.kit.sealer)
        tip = await records.tips.inbox_tip(normal)
        if tip is None or not may(viewer.grants, Action.READ_TIP, tip.place_path):
            return None
        return tip

    async def tip(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        tip = await self.readable(session, viewer, request.path_params["code"])
        if tip is None:
            return self.kit.not_found(request, viewer)
        # Audited as /xemtin audits it: who opened which tip, when.
        await self.kit.perform(session, viewer, RecordTipView(tip.code))
        return await self.tip_page(request, session, viewer, tip)

    async def tip_page(
        self,
        request: Request,
        session: AsyncSession,
        viewer: Viewer,
        tip: InboxTip,
        *,
        said: list[str] | None = None,
        errors: dict[str, str] | None = None,
        typed: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Response:
        record = await find_tip_by_code(session, tip.code)
        thread = await tip_thread(session, record.id) if record is not None else []
        done = DONE.get(request.query_params.get("done", ""))
        if done is not None and not said:
            said = [self.kit.text(request, viewer, done)]
        return self.kit.page(
            request,
            "tip.html",
            viewer,
            status_code=status_code,
            tip=tip,
            handler=handler_shown(self.kit, request, viewer, tip.handler),
            phone=shown_phone(tip.contact_phone) if tip.contact_phone else None,
            category=CATEGORIES.labels.get(tip.category, tip.category),
            status_labels=STATUS_LABELS,
            action_labels=ACTION_LABELS,
            actions=allowed_actions(viewer.grants, tip),
            rejections=REJECTIONS,
            # No form to write to a sender nobody can reach any more (they erased their data).
            may_ask=may_ask(viewer.grants, tip) and tip.reachable,
            history=await tip_history(session, tip.code),
            thread=_thread(thread),
            attachments=_attachments(tip),
            said=said or [],
            errors=errors or {},
            typed=typed or {},
            max_note=MAX_NOTE,
            max_text=MAX_THREAD_TEXT,
        )

    async def act(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        tip = await self.readable(session, viewer, request.path_params["code"])
        if tip is None:
            return self.kit.not_found(request, viewer)
        action = form_text(request, "action")
        note = form_text(request, "note").strip()
        if action not in allowed_actions(viewer.grants, tip):
            said = [self.kit.text(request, viewer, N_("web.not_allowed_now"))]
            return await self.tip_page(request, session, viewer, tip, said=said, status_code=409)
        problem = _note_problem(action, note)
        if problem is not None:
            return await self.tip_page(
                request,
                session,
                viewer,
                tip,
                errors={"note": problem},
                typed={"note": note},
                status_code=400,
            )
        if status_after(action) in FINAL and form_text(request, "confirm") != "1":
            return self.confirm_final(request, viewer, tip, action, note)
        effect = (
            TakeTip(tip.code) if action == TAKE else ChangeTipStatus(tip.code, action, note or None)
        )
        said = await self.kit.perform(session, viewer, effect)
        if said:
            # The handler found the tip changed meanwhile: the page shows it as it is now.
            fresh = await self.readable(session, viewer, tip.code) or tip
            return await self.tip_page(request, session, viewer, fresh, said=said)
        return _back_to(tip.code, "take" if action == TAKE else "status")

    def confirm_final(
        self, request: Request, viewer: Viewer, tip: InboxTip, action: str, note: str
    ) -> Response:
        """Closing or rejecting cannot be undone: a page that asks once more, its form
        carrying the same action and note (and the session's form token)."""
        kit = self.kit
        label = kit.text(request, viewer, ACTION_LABELS[action])
        code = format_tip_code(tip.code)
        note_label = kit.text(request, viewer, N_("web.confirm.note"))
        return kit.page(
            request,
            "confirm.html",
            viewer,
            question=kit.text(request, viewer, N_("web.confirm.tip"), code=code, action=label),
            action=f"/web/tips/{tip.code}/act",
            fields={"action": action, "note": note},
            details=[(note_label, note)] if note else [],
            back=f"/web/tips/{tip.code}",
        )

    async def ask(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        tip = await self.readable(session, viewer, request.path_params["code"])
        if tip is None:
            return self.kit.not_found(request, viewer)
        text = form_text(request, "text").strip()
        if not may_ask(viewer.grants, tip):
            said = [self.kit.text(request, viewer, N_("web.not_allowed_now"))]
            return await self.tip_page(request, session, viewer, tip, said=said, status_code=409)
        if not text or len(text) > MAX_THREAD_TEXT:
            return await self.tip_page(
                request,
                session,
                viewer,
                tip,
                errors={"text": N_("web.error.text_length")},
                typed={"text": text},
                status_code=400,
            )
        said = await self.kit.perform(session, viewer, AskTipster(tip.code, text))
        if said:
            fresh = await self.readable(session, viewer, tip.code) or tip
            return await self.tip_page(request, session, viewer, fresh, said=said)
        return _back_to(tip.code, "ask")

    async def file(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        tip = await self.readable(session, viewer, request.path_params["code"])
        if tip is None:
            return self.kit.not_found(request, viewer)
        record = await find_tip_by_code(session, tip.code)
        thread = await tip_thread(session, record.id) if record is not None else []
        found = _find_file(tip, thread, request.path_params["ref"])
        if found is None:
            return self.kit.not_found(request, viewer)
        return await stream_attachment(self.kit.options, *found)


@dataclass(frozen=True)
class FilterPlace:
    """A place the queue can be narrowed to."""

    code: str
    name: str
    path: str


async def places_to_filter(session: AsyncSession, own: list[Place]) -> list[FilterPlace]:
    """The viewer's places and, for a province, the communes inside it."""
    offered = [FilterPlace(place.code, place.name, place.path) for place in own]
    for place in own:
        if place.kind != COMMUNE:
            found = await places_of_kind(session, place.path, COMMUNE)
            offered.extend(FilterPlace(code, name, path) for code, name, path in found)
    return offered


def waited(kit: ConsoleKit, request: Request, viewer: Viewer, received: datetime) -> str:
    """How long ago a tip came in: hours during its first two days (the 24-hour rule), then days."""
    hours = int((kit.now() - received).total_seconds() // 3600)
    if hours < 48:
        return kit.text(request, viewer, N_("web.queue.hours"), hours=hours)
    return kit.text(request, viewer, N_("web.queue.days"), days=hours // 24)


def handler_shown(
    kit: ConsoleKit, request: Request, viewer: Viewer, handler: TipHandler | None
) -> str:
    """Who handles a tip, in a table cell: "Đồng chí" to the handler (known by member id), the
    officer's name, an unnamed officer's role, or a dash when nobody has taken it."""
    if handler is None:
        return "–"
    if handler.member_id == viewer.member.id:
        return kit.text(request, viewer, N_("web.tip.handler_you"))
    if handler.name:
        return handler.name
    if handler.role in ROLE_LABELS:
        role = kit.text(request, viewer, ROLE_LABELS[Role(handler.role)])
        return kit.text(request, viewer, N_("web.tip.handler_unnamed"), role=role)
    return kit.text(request, viewer, N_("web.tip.handler_other"))


def _back_to(code: str, done: str) -> Response:
    return secured(RedirectResponse(f"/web/tips/{code}?done={done}#top", status_code=303))


def _note_problem(action: str, note: str) -> str | None:
    if action in REJECTIONS and not note:
        return N_("web.error.reason_required")
    if note and not MIN_NOTE <= len(note) <= MAX_NOTE:
        return N_("web.error.note_length")
    return None


def _int(text: str | None, default: int) -> int:
    try:
        return int(text or "")
    except ValueError:
        return default


def _attachments(tip: InboxTip) -> list[dict[str, Any]]:
    return [
        {
            "ref": f"a{n}",
            "kind": item.kind,
            "viewable": viewable(item.channel, item.file_id),
            "inline": item.kind == "photo" and item.channel == "telegram",
            "caption": item.caption,
        }
        for n, item in enumerate(tip.attachments)
    ]


def _thread(messages: list[ThreadMessage]) -> list[dict[str, Any]]:
    """The thread as the page shows it: side, time, text and the files one may open."""
    return [
        {
            "direction": message.direction,
            "created_at": message.created_at,
            "text": message.text,
            "files": [
                {
                    "ref": f"m{message.id}-{n}",
                    "kind": item["kind"],
                    "viewable": viewable(item["channel"], item["file_id"]),
                    "caption": item.get("caption"),
                }
                for n, item in enumerate(message.attachments)
            ],
        }
        for message in messages
    ]


def _find_file(tip: InboxTip, thread: list[ThreadMessage], ref: str) -> tuple[str, str, str] | None:
    """(channel, file id, kind) of the file ``ref``: ``a<n>`` of the tip, ``m<id>-<n>`` of a
    thread message."""
    if ref.startswith("a") and ref[1:].isdigit():
        index = int(ref[1:])
        if index < len(tip.attachments):
            item = tip.attachments[index]
            return item.channel, item.file_id, item.kind
    if ref.startswith("m") and "-" in ref:
        message_id, _, index = ref[1:].partition("-")
        for message in thread:
            if (
                str(message.id) == message_id
                and index.isdigit()
                and int(index) < len(message.attachments)
            ):
                item = message.attachments[int(index)]
                return item["channel"], item["file_id"], item["kind"]
    return None
