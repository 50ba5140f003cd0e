"""A unit's head and the year: /dangkydonvi registers the unit for the "An toàn về ANTT"
standard (quarter I: how many of its staff and students signed, on which day), and
/tuyentruyendonvi reports its propaganda reach for the 6-month or the yearly report (staff
and students reached of the total, and the document the figures rest on).

Filing again corrects what was filed; after the deadline (settings) it is taken and marked
late. Recognition and grade are the admins' (/congnhan, /xeploai), as for areas.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
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
from conversations.standard import RegistrationTexts, StandardRegistration
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


class UnitRegistration(StandardRegistration):
    role = Role.UNIT_HEAD
    kinds = UNITS
    no_area = N_("unit.no_unit")
    action = Action.UNIT_YEAR
    counted = "people"
    texts = RegistrationTexts(
        start=N_("unit.register.start"),
        late_start=N_("unit.register.late_start"),
        already=N_("unit.register.already"),
        other_year=N_("unit.other_year"),
        done=N_("unit.register.done"),
        done_late=N_("unit.register.done_late"),
        name_slot="unit",
        count_slot="people",
    )

    async def filed(self, area: dict[str, Any], ctx: FlowContext) -> dict[str, Any] | None:
        on = await ctx.records.units.registered(area["area_id"], ctx.today.year)
        return None if on is None else {"on": shown_date(on)}

    def effect(
        self, area_id: int, year: int, counted: int, registered_on: date, late: bool
    ) -> RegisterUnit:
        return RegisterUnit(area_id, year, counted, registered_on, late)


def unit_step(hooks: ForOneLedArea) -> Step:
    """The first step of a unit head's flows: which unit (asked only of a head of several)."""
    return Step(
        UNIT,
        N_("unit.ask_unit"),
        headed_unit(),
        title=N_("unit.title_unit"),
        after=hooks.area_chosen,
    )


def unit_flow(
    name: str,
    title: str,
    commands: tuple[str, ...],
    hooks: ForOneLedArea,
    heading: str,
    complete: Callable[[dict[str, Any], FlowContext], Awaitable[Completion]],
    steps: list[Step],
) -> Flow:
    """A unit head's flow: its unit first, then ``steps``."""
    return Flow(
        name,
        title=title,
        commands=commands,
        action=Action.UNIT_YEAR,
        begin=hooks.begin,
        heading=_heading(heading),
        complete=complete,
        steps=[unit_step(hooks), *steps],
    )


def unit_register_flow(calendar: YearCalendar | None = None) -> Flow:
    hooks = UnitRegistration(calendar or YearCalendar())
    return unit_flow(
        "unit_register",
        N_("menu.unit_register"),
        ("dangkydonvi", "registerunit"),
        hooks,
        N_("unit.register.heading"),
        hooks.complete,
        [
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
    return unit_flow(
        "unit_reach",
        N_("menu.unit_reach"),
        ("tuyentruyendonvi", "unitreach"),
        hooks,
        N_("unit.reach.heading"),
        hooks.complete,
        [
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
