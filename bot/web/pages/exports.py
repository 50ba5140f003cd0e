"""Exports in the browser: the same files as ``antq export``, written in the background while
the page shows a progress line (with a link to look again: a page that reloads itself would
move a screen reader back to its top every time), then downloaded once.

A job lives in this process's memory only (a few per member, an hour at most): the file is the
export's, never stored on disk, and gone once downloaded. Making it is audited as the chat's
and the command line's exports are.
"""

from __future__ import annotations

import asyncio
import io
import logging
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.exports.service import EXPORT_MADE, ExportRequest, ExportSubject, file_name, write_export
from bot.places import place_of
from bot.web.auth import Viewer
from bot.web.kit import ConsoleKit, form_text
from bot.web.rendering import secured
from conversations.calendar import period_of
from conversations.exports import outermost, recent_days
from conversations.localtime import local_today
from conversations.places import Place
from conversations.policy import Action, may, scopes
from storage.areas import area_by_code
from storage.audit import record_audit
from storage.exports import latest_period_filed

log = logging.getLogger(__name__)

JOBS_PER_MEMBER = 3
JOB_LIFETIME = timedelta(hours=1)
FORMATS = ("xlsx", "csv")
# What a finished file is, by the extension the export gave it (CSV sheets come as one ZIP).
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "zip": "application/zip",
}


def export_routes(kit: ConsoleKit) -> list[BaseRoute]:
    pages = ExportPages(kit)
    signed_in = kit.signed_in
    return [
        Route("/web/exports", signed_in(pages.exports, reads=True), methods=["GET"]),
        Route("/web/exports", signed_in(pages.start, form=True), methods=["POST"]),
        Route("/web/exports/{job}", signed_in(pages.download), methods=["GET"]),
    ]


@dataclass
class ExportJob:
    """An export being written for one member."""

    member_id: int
    request: ExportRequest
    started_at: datetime
    done: bool = False
    failed: bool = False
    rows: int = 0
    extension: str = ""
    data: bytes = field(default=b"", repr=False)

    @property
    def name(self) -> str:
        return file_name(self.request, self.extension or self.request.format)


def export_request(
    subject: ExportSubject,
    format: str,
    place: Place,
    locale: str,
    period: str,
    today: date,
    year: int,
) -> ExportRequest:
    """What ``/export`` would make: the month shown by default
    (``ReportCalendar.default_period``), the movement's ``year`` being assessed, or the days
    ``recent_days`` gives the subject."""
    if subject is ExportSubject.REPORTS:
        return ExportRequest(subject, (place,), format=format, locale=locale, periods=(period,))
    if subject is ExportSubject.YEAR:
        periods = (f"{year:04d}",)
        return ExportRequest(subject, (place,), format=format, locale=locale, periods=periods)
    return ExportRequest(
        subject,
        (place,),
        format=format,
        locale=locale,
        date_from=today - timedelta(days=recent_days(subject.value) - 1),
        date_to=today,
    )


class ExportPages:
    def __init__(self, kit: ConsoleKit) -> None:
        self.kit = kit
        self.jobs: dict[str, ExportJob] = {}
        self.tasks: set[asyncio.Task[None]] = set()

    def jobs_of(self, member_id: int) -> dict[str, ExportJob]:
        now = self.kit.now()
        for key in [k for k, job in self.jobs.items() if now - job.started_at > JOB_LIFETIME]:
            del self.jobs[key]
        return {key: job for key, job in self.jobs.items() if job.member_id == member_id}

    async def exports(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        jobs = self.jobs_of(viewer.member.id)
        return self.kit.page(
            request,
            "exports.html",
            viewer,
            own=outermost(scopes(viewer.grants, Action.EXPORT)),
            jobs=jobs,
            working=any(not job.done for job in jobs.values()),
            subjects=list(ExportSubject),
            subject_days={subject.value: recent_days(subject.value) for subject in ExportSubject},
            formats=FORMATS,
            now=self.kit.now(),
        )

    async def start(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        area = await area_by_code(session, form_text(request, "place"))
        subject = form_text(request, "subject")
        format = form_text(request, "format") or "xlsx"
        if (
            area is None
            or not may(viewer.grants, Action.EXPORT, area.path)
            or subject not in {s.value for s in ExportSubject}
            or format not in FORMATS
        ):
            return self.kit.not_found(request, viewer)
        mine = self.jobs_of(viewer.member.id)
        if len(mine) >= JOBS_PER_MEMBER:
            oldest = min(mine, key=lambda key: mine[key].started_at)
            del self.jobs[oldest]
        now = self.kit.now()
        today = local_today(now)
        place = place_of(area)
        latest = await latest_period_filed(session, place.path, period_of(today))
        export = export_request(
            ExportSubject(subject),
            format,
            place,
            self.kit.locale_of(request, viewer),
            self.kit.options.report_calendar.default_period(today, place.path, latest),
            today,
            # A year's review runs into the next (January, February), as /xuatfile's.
            self.kit.options.year.calendar.assessed_year(today),
        )
        job = ExportJob(viewer.member.id, export, now)
        self.jobs[secrets.token_urlsafe(16)] = job
        await record_audit(
            session,
            EXPORT_MADE,
            actor_member_id=viewer.member.id,
            subject_kind="export",
            area_id=place.id,
            at=now,
        )
        task = asyncio.create_task(self._write(job, export, today))
        self.tasks.add(task)  # kept until done, so that it is not collected half-way
        task.add_done_callback(self.tasks.discard)
        return secured(RedirectResponse("/web/exports", status_code=303))

    async def _write(self, job: ExportJob, export: ExportRequest, today: date) -> None:
        target = io.BytesIO()
        try:
            result = await write_export(
                export,
                self.kit.database.transaction,
                target,
                catalogues=self.kit.catalogues,
                today=today,
                calendar=self.kit.options.report_calendar,
                targets=self.kit.options.year.book,
            )
        except Exception:
            log.exception("a web console export failed")
            job.failed = True
        else:
            job.rows = result.rows
            job.extension = result.extension
            job.data = target.getvalue()
        job.done = True

    async def download(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        key = request.path_params["job"]
        job = self.jobs_of(viewer.member.id).get(key)
        if job is None or not job.done or job.failed:
            return self.kit.not_found(request, viewer)
        del self.jobs[key]
        headers = {"Content-Disposition": f'attachment; filename="{job.name}"'}
        media_type = MEDIA_TYPES.get(job.extension, "application/octet-stream")
        return secured(Response(job.data, media_type=media_type, headers=headers))
