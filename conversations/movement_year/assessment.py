"""/congnhan and /xeploai: at the year's end an admin records whether a registered area was
recognised as meeting the "An toàn về ANTT" standard, and grades the units below their place
(a commune's admin its areas, a province's admin its communes)."""

from __future__ import annotations

from typing import Any

from conversations.choosing import ScopedPlace
from conversations.fields import Choice, ChoiceOption
from conversations.flow import Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.movement_year import (
    GRADE_LABELS,
    GRADES,
    Grade,
    RecordGrade,
    RecordRecognition,
    may_assess,
)
from conversations.places import COMMUNE, RESIDENTIAL, UNITS
from conversations.policy import Action
from conversations.replies import Text
from conversations.targets import YearCalendar

RECOGNISED, NOT_RECOGNISED = "recognised", "not_recognised"
DECISION = Choice(
    ChoiceOption(RECOGNISED, N_("year.recognise.yes"), ("cong nhan", "co", "dat", "yes")),
    ChoiceOption(
        NOT_RECOGNISED,
        N_("year.recognise.no"),
        ("khong cong nhan", "khong", "khong dat", "no"),
    ),
)
# Agencies, businesses and schools are recognised and graded as areas are.
GRADED_UNITS = RESIDENTIAL | {COMMUNE} | UNITS
RECOGNISED_AREA = ScopedPlace(Action.ASSESS_UNITS, RESIDENTIAL | UNITS)
GRADED_UNIT = ScopedPlace(Action.ASSESS_UNITS, GRADED_UNITS)


def recognition_flow(calendar: YearCalendar | None = None) -> Flow:
    calendar = calendar or YearCalendar()

    async def complete(answers: dict[str, Any], ctx: FlowContext) -> Completion:
        area = await RECOGNISED_AREA.picked(ctx, answers["area"])
        if not may_assess(ctx.member.roles, area):
            return Completion(replies=[Text(ctx.t(N_("policy.denied")))])
        year = calendar.assessed_year(ctx.today)
        if await ctx.records.movement_year.registration(area.id, year) is None:
            unregistered = ctx.t(
                N_("year.recognise.not_registered"), area=area.full_name, year=year
            )
            return Completion(replies=[Text(unregistered)])
        recognised = answers["decision"] == RECOGNISED
        key = N_("year.recognise.done_yes") if recognised else N_("year.recognise.done_no")
        return Completion(
            replies=[Text(ctx.t(key, area=area.full_name, year=year))],
            effects=[RecordRecognition(area.id, year, recognised)],
        )

    return Flow(
        "standard_recognise",
        title=N_("menu.standard_recognise"),
        commands=("congnhan", "recognise"),
        action=Action.ASSESS_UNITS,
        complete=complete,
        steps=[
            Step(
                "area",
                N_("year.recognise.ask_area"),
                RECOGNISED_AREA,
                title=N_("year.recognise.title_area"),
            ),
            Step(
                "decision",
                N_("year.recognise.ask_decision"),
                DECISION,
                title=N_("year.recognise.title_decision"),
            ),
        ],
    )


def grading_flow(calendar: YearCalendar | None = None) -> Flow:
    calendar = calendar or YearCalendar()

    async def complete(answers: dict[str, Any], ctx: FlowContext) -> Completion:
        unit = await GRADED_UNIT.picked(ctx, answers["unit"])
        if not may_assess(ctx.member.roles, unit):
            # A commune's admin cannot grade their own commune: its province does.
            return Completion(
                replies=[Text(ctx.t(N_("year.grade.not_above"), unit=unit.full_name))]
            )
        year = calendar.assessed_year(ctx.today)
        grade = Grade(answers["grade"])
        done = ctx.t(
            N_("year.grade.done"), unit=unit.full_name, year=year, grade=ctx.t(GRADE_LABELS[grade])
        )
        return Completion(replies=[Text(done)], effects=[RecordGrade(unit.id, year, grade)])

    return Flow(
        "unit_grade",
        title=N_("menu.unit_grade"),
        commands=("xeploai", "grade"),
        action=Action.ASSESS_UNITS,
        complete=complete,
        steps=[
            Step("unit", N_("year.grade.ask_unit"), GRADED_UNIT, title=N_("year.grade.title_unit")),
            Step("grade", N_("year.grade.ask_grade"), GRADES, title=N_("year.grade.title_grade")),
        ],
    )
