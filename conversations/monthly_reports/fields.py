"""Input kinds of the monthly update: a page of counts in one message, an amount of money,
an optional text, and the residential area a leader reports for."""

from __future__ import annotations

import re
from typing import Any

from conversations.fields import (
    Accepted,
    ChoiceOption,
    Field,
    FieldContext,
    InvalidAnswer,
    OptionalText,
    require_text,
)
from conversations.i18n import N_, shown_number
from conversations.monthly_reports import Page
from conversations.parsing import ParseError, fold, parse_integer
from conversations.replies import Inbound, Reply, Text

# The answers' key of the figures the area's records already hold (the households imported
# with the area), offered so that a leader need not type them again.
KNOWN_FIGURES = "known_figures"
# The answers' key of the area's figures of the month before, shown beside each question;
# a page that did not change is answered with "như tháng trước".
LAST_MONTH = "last_month"
SAME_AS_LAST_MONTH = frozenset(
    {"nhu thang truoc", "giong thang truoc", "nhu cu", "ntt", "same", "same as last month"}
)
NOTHING_WORDS = frozenset({"0", "khong", "ko", "k", "khong co", "none", "no", "nothing"})
# Numbers of a page are separated by spaces, commas, semicolons or new lines; "1.200" stays
# one number (a dot groups thousands in Vietnamese).
_SEPARATORS = re.compile(r"[\s,;]+")


class Figures(Field):
    """Several counts answered in one message ("3 120 2"), or "0" when there was nothing."""

    several_items = True

    def __init__(self, page: Page) -> None:
        self.page = page
        self.keys = tuple(figure.key for figure in page.figures)

    def known(self, ctx: FieldContext) -> dict[str, int]:
        """The figures of this page the area's records already hold."""
        held = ctx.answers.get(KNOWN_FIGURES) or {}
        return {key: int(held[key]) for key in self.keys if held.get(key) is not None}

    def last_month(self, ctx: FieldContext) -> dict[str, int]:
        """This page's figures in the area's update of the month before (none: not filed)."""
        filed = ctx.answers.get(LAST_MONTH) or {}
        return {key: int(filed[key]) for key in self.keys if filed.get(key) is not None}

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        known = {} if current else self.known(ctx)
        before = self.last_month(ctx)
        lines = [text]
        for number, figure in enumerate(self.page.figures, start=1):
            line = f"{number}) {ctx.t(figure.label)}"
            if figure.key in known:
                value = shown_number(known[figure.key], ctx.locale)
                line += " " + ctx.t(N_("report.figures.known"), value=value)
            elif figure.key in before:
                value = shown_number(before[figure.key], ctx.locale)
                line += " " + ctx.t(N_("report.figures.last_month"), value=value)
            lines.append(line)
        if current:
            values = " ".join(str(current[key]) for key in self.keys)
            lines.append(ctx.t(N_("report.figures.current"), values=values))
        lines.append(ctx.t(N_("report.figures.hint"), count=len(self.keys)))
        if known:
            lines.append(ctx.t(N_("report.figures.known_hint")))
        if before:
            lines.append(ctx.t(N_("report.figures.same_hint")))
        return Text("\n".join(lines))

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        text = require_text(message)
        if fold(text) in SAME_AS_LAST_MONTH:
            before = self.last_month(ctx)
            if len(before) != len(self.keys):
                raise InvalidAnswer(N_("report.figures.no_last_month"))
            self.check(before, ctx)
            return Accepted(before)
        parts = [part for part in _SEPARATORS.split(text) if part]
        known = self.known(ctx)
        # Only the figures not known yet: the known ones are kept ("100" → 120 households
        # from the area's list, 100 pledged).
        unknown_keys = tuple(key for key in self.keys if key not in known)
        if known and len(parts) == len(unknown_keys) < len(self.keys):
            values = dict(known)
            for key, part in zip(unknown_keys, parts, strict=True):
                values[key] = self._count(part, self.keys.index(key) + 1)
            values = {key: values[key] for key in self.keys}
        elif fold(text) in NOTHING_WORDS:
            return Accepted(dict.fromkeys(self.keys, 0))
        elif len(parts) != len(self.keys):
            raise InvalidAnswer(
                N_("report.figures.wrong_count"), expected=len(self.keys), given=len(parts)
            )
        else:
            values = {
                key: self._count(part, position)
                for position, (key, part) in enumerate(zip(self.keys, parts, strict=True), 1)
            }
        self.check(values, ctx)
        return Accepted(values)

    def _count(self, text: str, position: int) -> int:
        try:
            return parse_integer(text, minimum=0)
        except ParseError as error:
            if error.reason == "too_small":
                key = N_("report.figures.negative")
            else:
                key = N_("report.figures.not_a_number")
            raise InvalidAnswer(key, position=position, value=text[:20]) from None

    def check(self, values: dict[str, int], ctx: FieldContext) -> None:
        """The page's rules between its figures (pledged households ≤ households ...)."""
        labels = {figure.key: figure.label for figure in self.page.figures}
        for rule in self.page.checks:
            if values[rule.smaller] > values[rule.larger]:
                raise InvalidAnswer(
                    N_("report.figures.too_many"),
                    smaller=ctx.t(labels[rule.smaller]),
                    smaller_value=values[rule.smaller],
                    larger=ctx.t(labels[rule.larger]),
                    larger_value=values[rule.larger],
                )

    def display(self, value: Any, ctx: FieldContext) -> str:
        return ", ".join(
            f"{ctx.t(figure.label)}: {shown_number(value[figure.key], ctx.locale)}"
            for figure in self.page.figures
        )

    def summary_items(self, value: Any, ctx: FieldContext) -> list[tuple[str | None, str]]:
        return [
            (figure.label, shown_number(value[figure.key], ctx.locale))
            for figure in self.page.figures
        ]

    def item_label(self, index: int) -> str | None:
        return self.page.figures[index].label

    def edit_item(self, value: Any, index: int, message: Inbound, ctx: FieldContext) -> Any:
        text = require_text(message)
        changed = dict(value)
        zero = fold(text) in NOTHING_WORDS
        changed[self.keys[index]] = 0 if zero else self._count(text, index + 1)
        self.check(changed, ctx)
        return changed


_MILLION_WORDS = ("trieu", "tr", "million", "m")
_THOUSAND_WORDS = ("nghin", "ngan", "k", "thousand")
_AMOUNT = re.compile(r"^(?P<number>[0-9][0-9.,]*)\s*(?P<unit>[a-z]*)$")
_CURRENCY = re.compile(r"\s*(?:dong|vnd|d)$")


def parse_amount(text: str) -> int:
    """An amount of đồng: "1.500.000", "1,5 triệu", "2tr", "500k", "500 nghìn đồng"."""
    folded = _CURRENCY.sub("", fold(text))
    match = _AMOUNT.match(folded)
    if match is None:
        raise ParseError("not_an_amount")
    number, unit = match["number"], match["unit"]
    if unit in _MILLION_WORDS or unit in _THOUSAND_WORDS:
        # With a unit, a comma or a dot is a decimal mark: "1,5 triệu".
        try:
            amount = float(number.replace(",", "."))
        except ValueError:
            raise ParseError("not_an_amount") from None
        scale = 1_000_000 if unit in _MILLION_WORDS else 1_000
        return round(amount * scale)
    if unit:
        raise ParseError("not_an_amount")
    return parse_integer(number, minimum=0)


class Money(Field):
    """An amount of money in đồng, never negative; "0" or "không" when there was none."""

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        if current is not None:
            entered = ctx.t(N_("report.figures.current"), values=shown_number(current, ctx.locale))
            text = f"{text}\n{entered}"
        return Text(text)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        text = require_text(message)
        if fold(text) in NOTHING_WORDS:
            return Accepted(0)
        if text.lstrip().startswith("-"):
            raise InvalidAnswer(N_("report.money.negative"))
        try:
            return Accepted(parse_amount(text))
        except ParseError:
            raise InvalidAnswer(N_("report.money.invalid")) from None

    def display(self, value: Any, ctx: FieldContext) -> str:
        return ctx.t(N_("report.money.shown"), amount=shown_number(value, ctx.locale))


def optional_text() -> OptionalText:
    """A text of the update that may be left empty with "không" (or "0")."""
    none = ChoiceOption("none", N_("report.text.none"), tuple(sorted(NOTHING_WORDS)))
    return OptionalText(none, offer_skip=False, none_label=N_("report.text.none"))
