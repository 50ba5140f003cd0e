"""Agencies, businesses and schools in the browser: the units below the viewer's places with
their year (people, registration, propaganda reach, recognition, grade), and one unit's page
where an admin above it records its registration and reach (as its head would in chat),
its recognition and its grade (through the chat's own effects).

Only an admin of a place above the unit may see or change it (``may_assess``, as /xeploai
asks). A form with a slip is shown again with what was typed and a line saying what to fix.
"""

from __future__ import annotations

from contextlib import aclosing
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.places import place_of
from bot.rows import same_session
from bot.units.handlers import UNIT_REACH, UNIT_REGISTERED
from bot.units.service import file_reach, file_registration
from bot.web.auth import Viewer
from bot.web.kit import ConsoleKit, form_text, row_id
from bot.web.rendering import secured
from conversations.exports import outermost
from conversations.i18n import N_
from conversations.localtime import local_today
from conversations.movement_year import (
    GRADE_LABELS,
    Grade,
    RecordGrade,
    RecordRecognition,
    may_assess,
)
from conversations.parsing import ParseError, parse_integer
from conversations.places import KIND_LABELS, UNITS, Place
from conversations.policy import Action, scopes
from conversations.units import HALF_YEAR_REPORT, MAX_PEOPLE, REPORTS, SCHOOL_LEVELS, YEAR_REPORT
from storage.areas import area_by_id
from storage.audit import record_audit
from storage.movement_year import registration_of
from storage.units import UnitYearRow, iter_units_of_year, profile_of

ACTIONS = ("register", "reach", "recognise", "grade")


class Slip(ValueError):
    """A form's answer that cannot be stored: ``key`` says what to fix."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def unit_routes(kit: ConsoleKit) -> list[BaseRoute]:
    pages = UnitPages(kit)
    return [
        Route("/web/units", kit.signed_in(pages.units, reads=True), methods=["GET"]),
        Route("/web/units/{id}", kit.signed_in(pages.unit, reads=True), methods=["GET"]),
        Route("/web/units/{id}", kit.signed_in(pages.record, form=True), methods=["POST"]),
    ]


def _count(text: str, minimum: int = 0) -> int:
    try:
        return parse_integer(text, minimum=minimum, maximum=MAX_PEOPLE)
    except ParseError:
        raise Slip(N_("web.units.bad_number"), minimum=minimum, maximum=MAX_PEOPLE) from None


class UnitPages:
    def __init__(self, kit: ConsoleKit) -> None:
        self.kit = kit

    def year(self) -> int:
        """The year recorded today: the previous one in January and February."""
        today = local_today(self.kit.now())
        return self.kit.options.year.calendar.assessed_year(today)

    async def units(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        places = outermost(scopes(viewer.grants, Action.ASSESS_UNITS))
        if not places:
            return self.kit.not_found(request, viewer)
        year = self.year()
        shown: list[UnitYearRow] = []
        for place in places:
            rows = iter_units_of_year(same_session(session), place.path, year, UNITS)
            async with aclosing(rows) as found:
                shown += [row async for row in found]
        return self.kit.page(
            request,
            "units.html",
            viewer,
            units=shown,
            year=year,
            kinds=KIND_LABELS,
            grades={grade.value: label for grade, label in GRADE_LABELS.items()},
        )

    async def _unit(self, request: Request, session: AsyncSession, viewer: Viewer) -> Place | None:
        area_id = row_id(request.path_params["id"])
        area = await area_by_id(session, area_id) if area_id is not None else None
        if area is None or area.kind not in UNITS:
            return None
        place = place_of(area)
        return place if may_assess(viewer.grants, place) else None

    async def unit(
        self,
        request: Request,
        session: AsyncSession,
        viewer: Viewer,
        *,
        slip: str | None = None,
        typed: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Response:
        place = await self._unit(request, session, viewer)
        if place is None:
            return self.kit.not_found(request, viewer)
        year = self.year()
        row = None
        async with aclosing(
            iter_units_of_year(same_session(session), place.path, year, UNITS)
        ) as found:
            async for candidate in found:
                if candidate.path == place.path:
                    row = candidate
        return self.kit.page(
            request,
            "unit.html",
            viewer,
            status_code=status_code,
            place=place,
            unit=row,
            year=year,
            kinds=KIND_LABELS,
            levels=SCHOOL_LEVELS.labels,
            reports=[(option.id, option.label) for option in REPORTS.options],
            grades=[(grade.value, GRADE_LABELS[grade]) for grade in Grade],
            slip=slip,
            typed=typed or {},
            done=request.query_params.get("done"),
        )

    async def record(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        place = await self._unit(request, session, viewer)
        if place is None:
            return self.kit.not_found(request, viewer)
        what = form_text(request, "what")
        if what not in ACTIONS:
            return self.kit.bad_request(request)
        typed = {
            name: form_text(request, name)
            for name in (
                "people",
                "on",
                "report",
                "reached",
                "total",
                "document",
                "decision",
                "grade",
            )
        }
        try:
            await getattr(self, f"_{what}")(session, viewer, place, typed)
        except Slip as slip:
            text = self.kit.text(request, viewer, slip.key, **slip.params)
            return await self.unit(
                request, session, viewer, slip=text, typed=typed, status_code=422
            )
        return secured(RedirectResponse(f"/web/units/{place.id}?done={what}", status_code=303))

    async def _audit(
        self, session: AsyncSession, viewer: Viewer, action: str, place: Place
    ) -> None:
        await record_audit(
            session,
            action,
            actor_member_id=viewer.member.id,
            subject_kind="unit",
            subject_id=place.id,
            area_id=place.id,
            at=self.kit.now(),
        )

    async def _register(
        self, session: AsyncSession, viewer: Viewer, place: Place, typed: dict[str, str]
    ) -> None:
        people = _count(typed["people"], minimum=1)
        profile = await profile_of(session, place.id)
        if profile is not None and profile.people is not None and people > profile.people:
            raise Slip(N_("unit.more_than_unit"), people=profile.people, given=people)
        try:
            on = date.fromisoformat(typed["on"])
        except ValueError:
            raise Slip(N_("web.units.bad_date")) from None
        today = local_today(self.kit.now())
        if on > today or on.year != today.year:
            raise Slip(N_("unit.other_year"), year=today.year)
        calendar = self.kit.options.year.calendar
        late = on > calendar.registration_deadline(on.year)
        await file_registration(
            session, place.id, on.year, people=people, registered_on=on, late=late,
            member_id=viewer.member.id, now=self.kit.now(),
        )  # fmt: skip
        await self._audit(session, viewer, UNIT_REGISTERED, place)

    async def _reach(
        self, session: AsyncSession, viewer: Viewer, place: Place, typed: dict[str, str]
    ) -> None:
        report = typed["report"]
        if report not in (HALF_YEAR_REPORT, YEAR_REPORT):
            raise Slip(N_("web.units.choose_report"))
        reached, total = _count(typed["reached"]), _count(typed["total"], minimum=1)
        if total < reached:
            raise Slip(N_("unit.reach.total_too_small"), reached=reached)
        document = " ".join(typed["document"].split())
        if not 3 <= len(document) <= 200:
            raise Slip(N_("web.units.name_document"))
        today = local_today(self.kit.now())
        year = today.year - 1 if today.month <= 2 else today.year
        calendar = self.kit.options.year.calendar
        deadline = calendar.half_year_report if report == HALF_YEAR_REPORT else calendar.year_report
        await file_reach(
            session, place.id, year, report, reached=reached, total=total, document=document,
            late=today > calendar.day(deadline, year), member_id=viewer.member.id,
            now=self.kit.now(),
        )  # fmt: skip
        await self._audit(session, viewer, UNIT_REACH, place)

    async def _recognise(
        self, session: AsyncSession, viewer: Viewer, place: Place, typed: dict[str, str]
    ) -> None:
        if typed["decision"] not in ("yes", "no"):
            raise Slip(N_("web.units.choose_decision"))
        records_year = self.year()
        if await registration_of(session, place.id, records_year) is None:
            raise Slip(N_("year.recognise.not_registered"), area=place.full_name, year=records_year)
        effect = RecordRecognition(place.id, records_year, typed["decision"] == "yes")
        await self.kit.perform(session, viewer, effect)

    async def _grade(
        self, session: AsyncSession, viewer: Viewer, place: Place, typed: dict[str, str]
    ) -> None:
        if typed["grade"] not in set(Grade):
            raise Slip(N_("web.units.choose_grade"))
        await self.kit.perform(
            session, viewer, RecordGrade(place.id, self.year(), Grade(typed["grade"]))
        )
