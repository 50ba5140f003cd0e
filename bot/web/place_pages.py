"""The figures of one's places in the browser: compliance of a month or a year (tables and
SVG charts, from the same reads as /tongquan and the export), broadcasts with their progress,
and exports made in the background and downloaded when ready."""

from __future__ import annotations

import asyncio
import io
import secrets
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.exports.compliance import add_to_commune, communes_of, end_of_period, state_of
from bot.exports.reads import same_session
from bot.exports.service import EXPORT_MADE, ExportRequest, ExportSubject, file_name, write_export
from bot.places import place_of
from bot.records import DatabaseRecords
from bot.web.acting import perform
from bot.web.auth import Viewer
from bot.web.charts import Bar, filing_stack, share_bars
from bot.web.console import WebConsole, form_text
from bot.web.rendering import secured
from conversations.broadcasts import CancelBroadcast
from conversations.calendar import period_start
from conversations.exports import (
    COVERAGE_TARGET,
    FILING_LABELS,
    MODELS_TARGET,
    FilingState,
    outermost,
)
from conversations.i18n import N_
from conversations.localtime import LOCAL_TIME, local_today
from conversations.places import RESIDENTIAL, Place
from conversations.policy import Action, may, scopes
from storage.areas import area_by_code
from storage.audit import record_audit
from storage.exports import iter_area_filings, iter_events

MONTHS = 12


def place_routes(console: WebConsole) -> list[BaseRoute]:
    pages = PlacePages(console)
    signed_in = console.signed_in
    return [
        Route("/web/compliance", signed_in(pages.compliance), methods=["GET"]),
        Route("/web/broadcasts", signed_in(pages.broadcasts), methods=["GET"]),
        Route(
            "/web/broadcasts/{id:int}/cancel", signed_in(pages.cancel, form=True), methods=["POST"]
        ),
        Route("/web/exports", signed_in(pages.exports), methods=["GET"]),
        Route("/web/exports", signed_in(pages.start_export, form=True), methods=["POST"]),
        Route("/web/exports/{job}", signed_in(pages.download), methods=["GET"]),
    ]


@dataclass
class ExportJob:
    """An export being written in the background for one member (kept in memory only)."""

    member_id: int
    name: str
    started_at: datetime
    done: bool = False
    failed: bool = False
    rows: int = 0
    data: bytes = field(default=b"", repr=False)


class PlacePages:
    def __init__(self, console: WebConsole) -> None:
        self.console = console
        self.jobs: dict[str, ExportJob] = {}
        self.tasks: set[asyncio.Task[None]] = set()

    async def chosen_place(
        self, session: AsyncSession, viewer: Viewer, code: str | None, action: Action
    ) -> tuple[Place | None, list[Place]]:
        """The place asked for, when the policy allows ``action`` there; and the viewer's own."""
        own = outermost(scopes(viewer.grants, action))
        if not code:
            return (own[0] if own else None), own
        area = await area_by_code(session, code)
        if area is None or not may(viewer.grants, action, area.path):
            return None, own
        return place_of(area), own

    # -- compliance -----------------------------------------------------------------------

    async def compliance(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        query = request.query_params
        place, own = await self.chosen_place(session, viewer, query.get("place"), Action.EXPORT)
        if place is None:
            return self.console.not_found(request, viewer)
        today = local_today(self.console.now())
        period = query.get("period") or f"{today:%Y-%m}"
        if len(period) == 4 and period.isdigit():
            months = [
                f"{period}-{m:02d}"
                for m in range(1, MONTHS + 1)
                if f"{period}-{m:02d}" <= f"{today:%Y-%m}"
            ]
        elif (
            len(period) == 7 and period[:4].isdigit() and period[5:].isdigit() and period[4] == "-"
        ):
            months = [period]
        else:
            months = [f"{today:%Y-%m}"]
            period = months[0]
        sessions = same_session(session)
        calendar = self.console.options.report_calendar
        summaries = []
        areas_of_last: list[tuple[str, FilingState]] = []
        communes = {}
        for month in months:
            counts = {state.value: 0 for state in FilingState}
            states: list[tuple[str, FilingState]] = []
            async with aclosing(
                iter_area_filings(sessions, place.path, month, RESIDENTIAL)
            ) as filings:
                async for filing in filings:
                    state = state_of(filing, month, today, calendar)
                    counts[state.value] += 1
                    states.append((filing.name, state))
            communes = await communes_of(sessions, place, month)
            async with aclosing(
                iter_area_filings(sessions, place.path, month, RESIDENTIAL)
            ) as filings:
                async for filing in filings:
                    add_to_commune(communes, filing, state_of(filing, month, today, calendar))
            summaries.append(
                {"period": month, "counts": counts, "communes": list(communes.values())}
            )
            areas_of_last = states
        last = summaries[-1]
        t = self.console.catalogues.text
        locale = self.console.locale_of(request, viewer)
        coverage_chart = share_bars(
            [
                Bar(
                    c.name,
                    c.coverage or 0.0,
                    "–" if c.coverage is None else f"{c.coverage:.0%}".replace("%", " %"),
                )
                for c in last["communes"]
            ],
            target=COVERAGE_TARGET,
            title=t(locale, N_("web.compliance.coverage")),
        )
        filing_chart = filing_stack(
            last["counts"],
            {state.value: t(locale, FILING_LABELS[state]) for state in FilingState},
            title=t(locale, N_("web.compliance.filing")),
        )
        first_day = period_start(months[0])
        since = datetime.combine(first_day, datetime.min.time(), LOCAL_TIME)
        until = end_of_period(
            period_start(months[-1])
            + timedelta(days=31)
            - timedelta(days=period_start(months[-1]).day)
        )
        events = []
        async with aclosing(iter_events(sessions, place.path, since=since, until=until)) as rows:
            async for row in rows:
                if row.cancelled_at is None:
                    events.append(row)
        return self.console.page(
            request,
            "compliance.html",
            viewer,
            place=place,
            own=own,
            period=period,
            summaries=summaries,
            last=last,
            areas=areas_of_last,
            filing_labels=FILING_LABELS,
            states=list(FilingState),
            coverage_chart=coverage_chart,
            filing_chart=filing_chart,
            coverage_target=COVERAGE_TARGET,
            models_target=MODELS_TARGET,
            events=events,
        )

    # -- broadcasts -----------------------------------------------------------------------

    async def broadcasts(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        records = DatabaseRecords(session, self.console.sealer)
        now = self.console.now()
        shown = []
        for place in outermost(scopes(viewer.grants, Action.BROADCAST)):
            for progress in await records.broadcasts.broadcasts_within(place.path, limit=30):
                left = progress.seconds_left(now)
                shown.append(
                    {
                        "progress": progress,
                        "minutes_left": None if left is None else max(1, round(left / 60)),
                    }
                )
        if not may(viewer.grants, Action.BROADCAST):
            return self.console.message(request, viewer, "web.not_found", status_code=404)
        done = request.query_params.get("done") == "cancel"
        return self.console.page(
            request, "broadcasts.html", viewer, broadcasts=shown, cancelled=done
        )

    async def cancel(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        broadcast_id = request.path_params["id"]
        records = DatabaseRecords(session, self.console.sealer)
        mine = [
            progress.id
            for place in outermost(scopes(viewer.grants, Action.BROADCAST))
            for progress in await records.broadcasts.broadcasts_within(place.path, limit=200)
        ]
        if broadcast_id not in mine:
            return self.console.not_found(request, viewer)
        await perform(
            session,
            viewer.member,
            CancelBroadcast(broadcast_id),
            now=self.console.now(),
            sealer=self.console.sealer,
        )
        return secured(RedirectResponse("/web/broadcasts?done=cancel", status_code=303))

    # -- exports --------------------------------------------------------------------------

    async def exports(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        own = outermost(scopes(viewer.grants, Action.EXPORT))
        jobs = {key: job for key, job in self.jobs.items() if job.member_id == viewer.member.id}
        working = any(not job.done for job in jobs.values())
        return self.console.page(
            request,
            "exports.html",
            viewer,
            own=own,
            jobs=jobs,
            working=working,
            subjects=list(ExportSubject),
            now=self.console.now(),
        )

    async def start_export(
        self, request: Request, session: AsyncSession, viewer: Viewer
    ) -> Response:
        place, _ = await self.chosen_place(
            session, viewer, form_text(request, "place"), Action.EXPORT
        )
        subject = form_text(request, "subject")
        if place is None or subject not in {s.value for s in ExportSubject}:
            return self.console.not_found(request, viewer)
        now = self.console.now()
        today = local_today(now)
        kind = ExportSubject(subject)
        export = ExportRequest(
            kind,
            (place,),
            format="xlsx",
            locale=self.console.locale_of(request, viewer),
            periods=(f"{today:%Y-%m}",) if kind is ExportSubject.REPORTS else (),
            date_from=today - timedelta(days=29) if kind is not ExportSubject.REPORTS else None,
            date_to=today if kind is not ExportSubject.REPORTS else None,
        )
        key = secrets.token_urlsafe(12)
        job = ExportJob(viewer.member.id, file_name(export, "xlsx"), now)
        self.jobs[key] = job
        await record_audit(
            session,
            EXPORT_MADE,
            actor_member_id=viewer.member.id,
            subject_kind="export",
            area_id=place.id,
            at=now,
        )
        task = asyncio.create_task(self._write(job, export, today))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return secured(RedirectResponse("/web/exports", status_code=303))

    async def _write(self, job: ExportJob, export: ExportRequest, today: object) -> None:
        target = io.BytesIO()
        try:
            result = await write_export(
                export,
                self.console.database.transaction,
                target,
                catalogues=self.console.catalogues,
                today=today,  # type: ignore[arg-type]
                calendar=self.console.options.report_calendar,
            )
        except Exception:
            job.failed = True
        else:
            job.rows = result.rows
            job.data = target.getvalue()
        job.done = True

    async def download(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        job = self.jobs.get(request.path_params["job"])
        if job is None or job.member_id != viewer.member.id or not job.done or job.failed:
            return self.console.not_found(request, viewer)
        self.jobs.pop(request.path_params["job"])
        response = Response(
            job.data,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{job.name}"'},
        )
        return secured(response)
