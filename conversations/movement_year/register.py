"""/dangkyantoan: a leader registers the residential area for the "An toàn về ANTT" standard
of the year (quarter I): how many households registered, and on which day.

Registering again corrects the year's registration; after the deadline (a setting, 31 March
by default) the registration is still taken and marked late.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from conversations.choosing import LED_AREA, LedArea
from conversations.fields import DateField, FieldContext
from conversations.flow import Answers, Flow, FlowContext, Step
from conversations.i18n import N_, shown_number
from conversations.localtime import shown_date
from conversations.movement_year import RegisterForStandard
from conversations.movement_year.fields import RegisteredHouseholds
from conversations.policy import Action
from conversations.standard import RegistrationTexts, StandardRegistration
from conversations.targets import YearCalendar


class Registration(StandardRegistration):
    """The flow's hooks, bound to the year's calendar (the deadline is a setting)."""

    no_area = N_("year.register.no_area")
    action = Action.REGISTER_STANDARD
    counted = "households"
    texts = RegistrationTexts(
        start=N_("year.register.start"),
        late_start=N_("year.register.late_start"),
        already=N_("year.register.already"),
        other_year=N_("year.register.other_year"),
        done=N_("year.register.done"),
        done_late=N_("year.register.done_late"),
        name_slot="area",
        count_slot="households",
    )

    async def filed(self, area: dict[str, Any], ctx: FlowContext) -> dict[str, Any] | None:
        found = await ctx.records.movement_year.registration(area["area_id"], ctx.today.year)
        if found is None:
            return None
        return {
            "households": shown_number(found.households, ctx.locale),
            "on": shown_date(found.registered_on),
        }

    def effect(
        self, area_id: int, year: int, counted: int, registered_on: date, late: bool
    ) -> RegisterForStandard:
        return RegisterForStandard(area_id, year, counted, registered_on, late)

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
