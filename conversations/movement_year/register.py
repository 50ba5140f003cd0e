"""/dangkyantoan: a leader registers the residential area for the "An toàn về ANTT" standard
of the year (quarter I): how many households registered, and on which day.

Registering again corrects the year's registration; after the deadline (a setting, 31 March
by default) the registration is still taken and marked late.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from conversations.choosing import LED_AREA, ForOneLedArea, LedArea
from conversations.fields import DateField, FieldContext
from conversations.flow import Answers, Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_, shown_number
from conversations.localtime import shown_date
from conversations.movement_year import RegisterForStandard
from conversations.movement_year.fields import RegisteredHouseholds
from conversations.policy import Action, may
from conversations.replies import Text
from conversations.targets import YearCalendar


class Registration(ForOneLedArea):
    """The flow's hooks, bound to the year's calendar (the deadline is a setting)."""

    def __init__(self, calendar: YearCalendar) -> None:
        self.calendar = calendar

    no_area = N_("year.register.no_area")

    async def open_area(self, area: dict[str, Any], ctx: FlowContext) -> Redirect:
        year = ctx.today.year
        deadline = self.calendar.registration_deadline(year)
        filed = await ctx.records.movement_year.registration(area["area_id"], year)
        params = {"area": area["name"], "year": year, "deadline": shown_date(deadline)}
        if filed is None:
            key = (
                N_("year.register.late_start")
                if ctx.today > deadline
                else N_("year.register.start")
            )
            return Redirect(answers={LED_AREA: area}, replies=[Text(ctx.t(key, **params))])
        already = ctx.t(
            N_("year.register.already"),
            households=shown_number(filed.households, ctx.locale),
            on=shown_date(filed.registered_on),
            **params,
        )
        return Redirect(answers={LED_AREA: area}, replies=[Text(already)])

    async def complete(self, answers: dict[str, Any], ctx: FlowContext) -> Completion:
        area = answers[LED_AREA]
        if not may(ctx.member.roles, Action.REGISTER_STANDARD, area["path"]):
            return Completion(replies=[Text(ctx.t(N_("policy.denied")))])
        year = ctx.today.year
        registered_on = date.fromisoformat(answers["registered_on"])
        if registered_on.year != year:
            # A date of another year: asked again, nothing else lost.
            return Completion(
                redirect=Redirect(
                    replies=[Text(ctx.t(N_("year.register.other_year"), year=year))],
                    step="registered_on",
                )
            )
        late = registered_on > self.calendar.registration_deadline(year)
        effect = RegisterForStandard(
            area["area_id"], year, answers["households"], registered_on, late
        )
        done = ctx.t(
            N_("year.register.done_late") if late else N_("year.register.done"),
            area=area["name"],
            year=year,
            households=shown_number(answers["households"], ctx.locale),
        )
        return Completion(replies=[Text(done)], effects=[effect])

    @staticmethod
    def heading(answers: Answers, fields: FieldContext) -> str:
        area = answers.get(LED_AREA) or {}
        return fields.t(N_("year.register.heading"), area=area["name"]) if area else ""


def standard_register_flow(calendar: YearCalendar | None = None) -> Flow:
    hooks = Registration(calendar or YearCalendar())
    return Flow(
        "standard_register",
        title=N_("menu.standard_register"),
        commands=("dangkyantoan", "registerstandard"),
        action=Action.REGISTER_STANDARD,
        begin=hooks.begin,
        heading=hooks.heading,
        complete=hooks.complete,
        steps=[
            Step(
                LED_AREA,
                N_("year.register.ask_area"),
                LedArea(),
                title=N_("year.register.title_area"),
                after=hooks.area_chosen,
            ),
            Step(
                "households",
                N_("year.register.ask_households"),
                RegisteredHouseholds(),
                title=N_("year.register.title_households"),
            ),
            Step(
                "registered_on",
                N_("year.register.ask_date"),
                DateField(),
                title=N_("year.register.title_date"),
            ),
        ],
    )
