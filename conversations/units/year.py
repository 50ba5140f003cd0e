"""A unit's head and the year: /dangkydonvi registers the unit for the "An toàn về ANTT"
standard (quarter I: how many of its staff and students signed, on which day), and
/tuyentruyendonvi reports its propaganda reach for the 6-month or the yearly report (staff
and students reached of the total, and the document the figures rest on).

Filing again corrects what was filed; after the deadline (settings) it is taken and marked
late. Recognition and grade are the admins' (/congnhan, /xeploai), as for areas.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from conversations.choosing import LED_AREA, ForOneLedArea, LedArea
from conversations.fields import (
    Accepted,
    DateField,
    FieldContext,
    FreeText,
    InvalidAnswer,
    Number,
    Reads,
)
from conversations.flow import Answers, Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_, shown_number
from conversations.localtime import shown_date
from conversations.places import UNITS
from conversations.policy import Action, Role, may
from conversations.replies import Text
from conversations.targets import YearCalendar
from conversations.units import (
    HALF_YEAR_REPORT,
    MAX_PEOPLE,
    REPORTS,
    RegisterUnit,
    ReportReach,
)

UNIT = LED_AREA


def headed_unit() -> LedArea:
    return LedArea(role=Role.UNIT_HEAD, kinds=UNITS)


class AtMostTheUnit(Number):
    """People of the unit: at least one, and no more than it counts (as recorded with it), so
    that a slip cannot make 120 % of a unit."""

    def __init__(self) -> None:
        super().__init__(minimum=1, maximum=MAX_PEOPLE)

    async def resolve(self, accepted: Accepted, ctx: FieldContext, records: Reads) -> Accepted:
        unit = ctx.answers.get(UNIT) or {}
        if not unit:
            return accepted
        found = await records.units.unit(unit["area_id"])
        people = found.people if found is not None else None
        if people is not None and accepted.value > people:
            raise InvalidAnswer(N_("unit.more_than_unit"), people=people, given=accepted.value)
        return accepted


class TotalReached(Number):
    """The total the reach is counted over: no fewer than those reached."""

    def __init__(self) -> None:
        super().__init__(minimum=1, maximum=MAX_PEOPLE)

    async def resolve(self, accepted: Accepted, ctx: FieldContext, records: Reads) -> Accepted:
        reached = ctx.answers.get("reached")
        if reached is not None and accepted.value < reached:
            raise InvalidAnswer(N_("unit.reach.total_too_small"), reached=reached)
        return accepted


def _heading(key: str) -> Callable[[Answers, FieldContext], str]:
    def heading(answers: Answers, fields: FieldContext) -> str:
        unit = answers.get(UNIT) or {}
        return fields.t(key, unit=unit["name"]) if unit else ""

    return heading


class UnitRegistration(ForOneLedArea):
    role = Role.UNIT_HEAD
    kinds = UNITS
    no_area = N_("unit.no_unit")

    def __init__(self, calendar: YearCalendar) -> None:
        self.calendar = calendar

    async def open_area(self, area: dict[str, Any], ctx: FlowContext) -> Redirect:
        year = ctx.today.year
        deadline = self.calendar.registration_deadline(year)
        on = await ctx.records.units.registered(area["area_id"], year)
        params = {"unit": area["name"], "year": year, "deadline": shown_date(deadline)}
        if on is not None:
            key = N_("unit.register.already")
            return Redirect(
                answers={UNIT: area}, replies=[Text(ctx.t(key, on=shown_date(on), **params))]
            )
        key = N_("unit.register.late_start") if ctx.today > deadline else N_("unit.register.start")
        return Redirect(answers={UNIT: area}, replies=[Text(ctx.t(key, **params))])

    async def complete(self, answers: dict[str, Any], ctx: FlowContext) -> Completion:
        unit = answers[UNIT]
        if not may(ctx.member.roles, Action.UNIT_YEAR, unit["path"]):
            return Completion(replies=[Text(ctx.t(N_("policy.denied")))])
        year = ctx.today.year
        registered_on = date.fromisoformat(answers["registered_on"])
        if registered_on.year != year:
            return Completion(
                redirect=Redirect(
                    replies=[Text(ctx.t(N_("unit.other_year"), year=year))],
                    step="registered_on",
                )
            )
        late = registered_on > self.calendar.registration_deadline(year)
        effect = RegisterUnit(unit["area_id"], year, answers["people"], registered_on, late)
        done = ctx.t(
            N_("unit.register.done_late") if late else N_("unit.register.done"),
            unit=unit["name"],
            year=year,
            people=shown_number(answers["people"], ctx.locale),
        )
        return Completion(replies=[Text(done)], effects=[effect])


def unit_register_flow(calendar: YearCalendar | None = None) -> Flow:
    hooks = UnitRegistration(calendar or YearCalendar())
    return Flow(
        "unit_register",
        title=N_("menu.unit_register"),
        commands=("dangkydonvi", "registerunit"),
        action=Action.UNIT_YEAR,
        begin=hooks.begin,
        heading=_heading(N_("unit.register.heading")),
        complete=hooks.complete,
        steps=[
            Step(
                UNIT,
                N_("unit.ask_unit"),
                headed_unit(),
                title=N_("unit.title_unit"),
                after=hooks.area_chosen,
            ),
            Step(
                "people",
                N_("unit.register.ask_people"),
                AtMostTheUnit(),
                title=N_("unit.register.title_people"),
            ),
            Step(
                "registered_on",
                N_("unit.register.ask_date"),
                DateField(),
                title=N_("unit.register.title_date"),
            ),
        ],
    )


class ReachReport(ForOneLedArea):
    role = Role.UNIT_HEAD
    kinds = UNITS
    no_area = N_("unit.no_unit")

    def __init__(self, calendar: YearCalendar) -> None:
        self.calendar = calendar

    def deadline(self, report: str, year: int) -> date:
        which = self.calendar.half_year_report
        return self.calendar.day(
            which if report == HALF_YEAR_REPORT else self.calendar.year_report, year
        )

    async def open_area(self, area: dict[str, Any], ctx: FlowContext) -> Redirect:
        return Redirect(answers={UNIT: area})

    async def complete(self, answers: dict[str, Any], ctx: FlowContext) -> Completion:
        unit = answers[UNIT]
        if not may(ctx.member.roles, Action.UNIT_YEAR, unit["path"]):
            return Completion(replies=[Text(ctx.t(N_("policy.denied")))])
        # A year's report is still filed in January and February of the next.
        year = ctx.today.year - 1 if ctx.today.month <= 2 else ctx.today.year
        report = answers["report"]
        late = ctx.today > self.deadline(report, year)
        document = " ".join(answers["document"].split())
        effect = ReportReach(
            unit["area_id"], year, report, answers["reached"], answers["total"], document, late
        )
        share = f"{round(answers['reached'] * 100 / answers['total'])}%"
        done = ctx.t(
            N_("unit.reach.done_late") if late else N_("unit.reach.done"),
            unit=unit["name"],
            report=ctx.t(REPORTS.labels[report]),
            year=year,
            reached=shown_number(answers["reached"], ctx.locale),
            total=shown_number(answers["total"], ctx.locale),
            share=share,
        )
        return Completion(replies=[Text(done)], effects=[effect])


def unit_reach_flow(calendar: YearCalendar | None = None) -> Flow:
    hooks = ReachReport(calendar or YearCalendar())
    return Flow(
        "unit_reach",
        title=N_("menu.unit_reach"),
        commands=("tuyentruyendonvi", "unitreach"),
        action=Action.UNIT_YEAR,
        begin=hooks.begin,
        heading=_heading(N_("unit.reach.heading")),
        complete=hooks.complete,
        steps=[
            Step(
                UNIT,
                N_("unit.ask_unit"),
                headed_unit(),
                title=N_("unit.title_unit"),
                after=hooks.area_chosen,
            ),
            Step("report", N_("unit.reach.ask_report"), REPORTS, title=N_("unit.reach.report")),
            Step(
                "reached",
                N_("unit.reach.ask_reached"),
                AtMostTheUnit(),
                title=N_("unit.reach.reached"),
            ),
            Step(
                "total",
                N_("unit.reach.ask_total"),
                TotalReached(),
                title=N_("unit.reach.total"),
            ),
            Step(
                "document",
                N_("unit.reach.ask_document"),
                FreeText(min_length=3, max_length=200),
                title=N_("unit.reach.document"),
            ),
        ],
    )
