"""The input kinds of writing and answering a survey: a question with its options on the
lines below it ("Câu hỏi?" then "Có", "Không"), its English version, the closing time, and
an answer to a stored question of any kind."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from conversations.audience import is_option
from conversations.fields import (
    Accepted,
    ChoiceOption,
    Field,
    FieldContext,
    InvalidAnswer,
    check_length,
    match_option,
    require_text,
)
from conversations.i18n import N_, shown_number
from conversations.localtime import shown
from conversations.parsing import ParseError, example_day, fold, parse_coming_moment, parse_integer
from conversations.replies import Choices, Inbound, Option, Reply, Text
from conversations.surveys import (
    CHOICE,
    MAX_NUMBER,
    MAX_OPTIONS,
    MAX_QUESTION,
    MAX_TEXT_ANSWER,
    MIN_OPTIONS,
    NUMBER,
    Question,
)

SKIP_WORDS = ("khong", "ko", "k", "bo qua", "khong co", "no", "none", "skip")
DONE_WORDS = ("xong", "het", "du roi", "done", "finish", "no more")


def split_lines(text: str) -> list[str]:
    """The parts of a question: its lines, or the parts between "|" typed on one line."""
    parts = text.splitlines() if "\n" in text else text.split("|")
    return [part.strip(" \t-•*") for part in parts if part.strip(" \t-•*")]


def read_question(text: str) -> tuple[str, list[str]]:
    """(question, options) from what an admin typed; raises ``InvalidAnswer``."""
    parts = split_lines(text)
    if not parts:
        raise InvalidAnswer(N_("input.empty"))
    question, options = parts[0], parts[1:]
    check_length(question, 3, MAX_QUESTION)
    if len(options) == 1 or len(options) > MAX_OPTIONS:
        raise InvalidAnswer(
            N_("surveys.question.option_count"), minimum=MIN_OPTIONS, maximum=MAX_OPTIONS
        )
    for option in options:
        check_length(option, 1, MAX_QUESTION)
    return question, options


class QuestionText(Field):
    """A question, its options (if any) one a line below it; from the second question on,
    "xong" says there are no more."""

    done = ChoiceOption("done", N_("surveys.question.done"), DONE_WORDS)

    def __init__(self, first: bool) -> None:
        self.first = first

    def limits(self, ctx: FieldContext) -> dict[str, object]:
        return {"maximum": MAX_OPTIONS, "minimum": MIN_OPTIONS}

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        if self.first:
            return Text(text)
        return Choices(text, (Option(self.done.id, ctx.t(self.done.label)),), ref, allow_text=True)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        if not self.first and is_option(message, self.done, ctx):
            return Accepted({"done": True})
        if message.option is not None:
            raise InvalidAnswer(N_("input.choose_option"), count=1)
        question, options = read_question(require_text(message))
        return Accepted({"text": question, "options": options})

    def display(self, value: Any, ctx: FieldContext) -> str:
        if value.get("done"):
            return ctx.t(self.done.label)
        if not value["options"]:
            return value["text"]
        return f"{value['text']} ({'; '.join(value['options'])})"


class EnglishQuestion(Field):
    """The English version of question ``name`` (its options too, as many, one a line), or
    "không"."""

    none = ChoiceOption("none", N_("surveys.english.none"), SKIP_WORDS)

    def __init__(self, name: str) -> None:
        self.name = name

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        return Choices(text, (Option(self.none.id, ctx.t(self.none.label)),), ref, allow_text=True)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        if is_option(message, self.none, ctx):
            return Accepted({})
        if message.option is not None:
            raise InvalidAnswer(N_("input.choose_option"), count=1)
        question, options = read_question(require_text(message))
        wanted = len(ctx.answers.get(self.name, {}).get("options", []))
        if len(options) != wanted:
            raise InvalidAnswer(N_("surveys.english.option_count"), count=wanted)
        return Accepted({"text": question, "options": options})

    def display(self, value: Any, ctx: FieldContext) -> str:
        if not value:
            return ctx.t(N_("common.none"))
        if not value["options"]:
            return value["text"]
        return f"{value['text']} ({'; '.join(value['options'])})"


def example_closing(today: date) -> str:
    """ "17:00 09/12": a coming day for the example of a closing time."""
    return "17:00 " + example_day(today).strftime("%d/%m")


class ClosingTime(Field):
    """When answers stop being taken: a local date and time ahead ("17:00 30/11")."""

    def prompt(self, key: str, ctx: FieldContext, current: Any, **params: object) -> str:
        return ctx.t(key, example=example_closing(ctx.today), **params)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        text = require_text(message)
        try:
            day, clock = parse_coming_moment(text, today=ctx.today, max_words=8)
        except ParseError as problem:
            key = N_("surveys.closes.past") if problem.reason == "past" else None
            raise InvalidAnswer(
                key or N_("surveys.closes.bad"), example=example_closing(ctx.today)
            ) from None
        return Accepted(datetime.combine(day, clock).isoformat(timespec="minutes"))

    def display(self, value: Any, ctx: FieldContext) -> str:
        return shown(datetime.fromisoformat(value))


def question_of(answers: dict[str, Any], index: int) -> Question:
    """The stored question ``index`` of the survey being answered."""
    return Question.of(answers["_survey"]["questions"][index])


class SurveyAnswer(Field):
    """The answer to question ``index`` of the survey being answered: one of its options, a
    number, or a short text; its prompt is the question itself."""

    def __init__(self, index: int) -> None:
        self.index = index

    def _question(self, ctx: FieldContext) -> Question:
        return question_of(dict(ctx.answers), self.index)

    def prompt(self, key: str, ctx: FieldContext, current: Any, **params: object) -> str:
        question = self._question(ctx)
        hint = {
            CHOICE: N_("surveys.answer.hint_choice"),
            NUMBER: N_("surveys.answer.hint_number"),
        }.get(question.kind, N_("surveys.answer.hint_text"))
        count = len(question.option_labels(ctx.locale))
        limits = {"maximum": shown_number(MAX_TEXT_ANSWER, ctx.locale), "count": count}
        total = len(ctx.answers["_survey"]["questions"])
        position = ctx.t(N_("surveys.answer.position"), number=self.index + 1, count=total)
        return f"{position}\n{question.text(ctx.locale)}\n{ctx.t(hint, **limits)}"

    def _options(self, ctx: FieldContext) -> tuple[ChoiceOption, ...]:
        # Labels come from the survey, not the catalogue: a ChoiceOption's label is looked
        # up, and an unknown key reads as itself.
        labels = self._question(ctx).option_labels(ctx.locale)
        return tuple(ChoiceOption(str(i), label) for i, label in enumerate(labels))

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        if self._question(ctx).kind != CHOICE:
            return Text(text)
        offered = tuple(Option(option.id, option.label) for option in self._options(ctx))
        return Choices(text, offered, ref)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        question = self._question(ctx)
        if question.kind == CHOICE:
            return Accepted(int(self._pick(message, ctx)))
        text = require_text(message)
        if question.kind == NUMBER:
            try:
                return Accepted(parse_integer(text, minimum=0, maximum=MAX_NUMBER))
            except ParseError:
                raise InvalidAnswer(N_("input.not_a_number")) from None
        check_length(text, 1, MAX_TEXT_ANSWER)
        return Accepted(text)

    def _pick(self, message: Inbound, ctx: FieldContext) -> str:
        options = self._options(ctx)
        if message.option is None:
            typed = fold(message.text or "")
            for option in options:
                if typed and fold(option.label) == typed:
                    return option.id
        return match_option(message, options, ctx)

    def display(self, value: Any, ctx: FieldContext) -> str:
        question = self._question(ctx)
        if question.kind == CHOICE:
            return question.option_labels(ctx.locale)[int(value)]
        if question.kind == NUMBER:
            return shown_number(value, ctx.locale)
        return str(value)
