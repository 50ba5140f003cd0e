"""The movement's year's input kinds: the area a leader registers, its households, a span."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from conversations.calendar import previous_period
from conversations.choosing import LED_AREA
from conversations.fields import (
    Accepted,
    ChoiceOption,
    Field,
    FieldContext,
    InvalidAnswer,
    Number,
    match_option,
    require_text,
)
from conversations.i18n import N_
from conversations.movement_year import SpanOfYear
from conversations.movement_year.describe import span_title
from conversations.parsing import fold
from conversations.places import MAX_HOUSEHOLDS
from conversations.replies import Choices, Inbound, Option, Reply
from conversations.targets import Span

if TYPE_CHECKING:
    from conversations.fields import Reads

AREA = LED_AREA


class RegisteredHouseholds(Number):
    """The households that registered: at least one, and no more than the area has (as
    imported with it), so that a typing slip cannot make 120 % of an area."""

    def __init__(self) -> None:
        super().__init__(minimum=1, maximum=MAX_HOUSEHOLDS)

    async def resolve(self, accepted: Accepted, ctx: FieldContext, records: Reads) -> Accepted:
        area = ctx.answers.get(AREA) or {}
        if not area:
            return accepted
        households = await records.monthly_reports.area_households(area["area_id"])
        if households is not None and accepted.value > households:
            raise InvalidAnswer(
                N_("year.register.more_than_area"), households=households, given=accepted.value
            )
        return accepted


THIS_MONTH, LAST_MONTH, HALF_YEAR, YEAR = "this_month", "last_month", "half_year", "year"
SPAN_OPTIONS = (
    ChoiceOption(THIS_MONTH, N_("year.span.this_month"), ("thang nay", "this month")),
    ChoiceOption(LAST_MONTH, N_("year.span.last_month"), ("thang truoc", "last month")),
    ChoiceOption(HALF_YEAR, N_("year.span.first_half"), ("6 thang", "sau thang", "half year")),
    ChoiceOption(YEAR, N_("year.span.whole_year"), ("ca nam", "nam nay", "nam", "year")),
)


SPAN_KINDS = {
    THIS_MONTH: Span.MONTH,
    LAST_MONTH: Span.MONTH,
    HALF_YEAR: Span.HALF_YEAR,
    YEAR: Span.YEAR,
}


def span_of_choice(choice: str, today: date) -> SpanOfYear:
    if choice == THIS_MONTH:
        return SpanOfYear(Span.MONTH, today.year, today.month)
    if choice == LAST_MONTH:
        year, month = (int(part) for part in previous_period(f"{today:%Y-%m}").split("-"))
        return SpanOfYear(Span.MONTH, year, month)
    # A year's review runs into January and February of the next.
    year = today.year - 1 if today.month <= 2 else today.year
    return SpanOfYear(Span.HALF_YEAR if choice == HALF_YEAR else Span.YEAR, year)


class SpanAnswer(Field):
    """A month, the first half or the whole year: one of the options, or typed as "2026",
    "2026-H1" or "2026-05" (what ``/tongquan`` hands on)."""

    def __init__(self, spans: tuple[str, ...] = (THIS_MONTH, LAST_MONTH, HALF_YEAR, YEAR)):
        self.options = tuple(option for option in SPAN_OPTIONS if option.id in spans)
        # The kinds of span a typed answer may name: a month only where months are offered.
        self.spans = {SPAN_KINDS[choice] for choice in spans}

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        offered = tuple(Option(option.id, ctx.t(option.label)) for option in self.options)
        return Choices(text, offered, ref, allow_text=True)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        if message.option is None:
            typed = SpanOfYear.parse(fold(require_text(message)))
            if typed is not None and typed.span in self.spans:
                return Accepted(typed.key)
        choice = match_option(message, self.options, ctx)
        return Accepted(span_of_choice(choice, ctx.today).key)

    def display(self, value: Any, ctx: FieldContext) -> str:
        span = SpanOfYear.parse(str(value))
        return span_title(span, ctx.t) if span is not None else str(value)
