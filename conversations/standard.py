"""Registering a place for the "An toàn về ANTT" standard of the year (quarter I): what the
residential areas' /dangkyantoan and the units' /dangkydonvi share.

The day given must fall in this year; after the deadline (a setting, 31 March by default) the
registration is still taken and marked late; registering again corrects the year's. Each
flow names its texts, the answer it counts (households, or staff and students who signed)
and the effect that stores it.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from datetime import date
from typing import Any

from conversations.choosing import LED_AREA, ForOneLedArea
from conversations.effects import Effect
from conversations.flow import Completion, FlowContext, Redirect
from conversations.i18n import N_, shown_number
from conversations.localtime import shown_date
from conversations.policy import Action, may
from conversations.replies import Text
from conversations.targets import YearCalendar


@dataclass(frozen=True)
class RegistrationTexts:
    """A registration flow's catalogue keys, and the slots its texts name the place and the
    figure by ("area"/"households", "unit"/"people")."""

    start: str
    late_start: str
    already: str
    other_year: str
    done: str
    done_late: str
    name_slot: str
    count_slot: str


class StandardRegistration(ForOneLedArea):
    """The hooks of a registration flow, bound to the year's calendar."""

    texts: RegistrationTexts
    action: Action
    counted: str  # the answer holding the figure registered

    def __init__(self, calendar: YearCalendar) -> None:
        self.calendar = calendar

    @abstractmethod
    async def filed(self, area: dict[str, Any], ctx: FlowContext) -> dict[str, Any] | None:
        """The texts' slots for the year's registration of ``area`` (None: not registered)."""

    @abstractmethod
    def effect(
        self, area_id: int, year: int, counted: int, registered_on: date, late: bool
    ) -> Effect:
        """What stores the registration."""

    async def open_area(self, area: dict[str, Any], ctx: FlowContext) -> Redirect:
        year = ctx.today.year
        deadline = self.calendar.registration_deadline(year)
        params = {
            self.texts.name_slot: area["name"],
            "year": year,
            "deadline": shown_date(deadline),
        }
        filed = await self.filed(area, ctx)
        if filed is not None:
            key = self.texts.already
            params.update(filed)
        else:
            key = self.texts.late_start if ctx.today > deadline else self.texts.start
        return Redirect(answers={LED_AREA: area}, replies=[Text(ctx.t(key, **params))])

    async def complete(self, answers: dict[str, Any], ctx: FlowContext) -> Completion:
        area = answers[LED_AREA]
        if not may(ctx.member.roles, self.action, area["path"]):
            return Completion(replies=[Text(ctx.t(N_("policy.denied")))])
        year = ctx.today.year
        registered_on = date.fromisoformat(answers["registered_on"])
        if registered_on.year != year:
            # A date of another year: asked again, nothing else lost.
            return Completion(
                redirect=Redirect(
                    replies=[Text(ctx.t(self.texts.other_year, year=year))],
                    step="registered_on",
                )
            )
        late = registered_on > self.calendar.registration_deadline(year)
        counted = answers[self.counted]
        done = ctx.t(
            self.texts.done_late if late else self.texts.done,
            year=year,
            **{
                self.texts.name_slot: area["name"],
                self.texts.count_slot: shown_number(counted, ctx.locale),
            },
        )
        effect = self.effect(area["area_id"], year, counted, registered_on, late)
        return Completion(replies=[Text(done)], effects=[effect])
