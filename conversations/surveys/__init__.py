"""Surveys: an admin asks the people of a place a few questions; they answer in the chat.

A survey is sent like a broadcast (the same audience of places, roles and channels, the same
outbox, opt-outs and quiet hours: its invitation is a broadcast's copy) and answered like any
conversation (``/khaosat N``). Answers are anonymous or named, as the admin chose; the results
are counted per option and per place (``tally``), for the chat, the chart, the files and the
web console alike. And the tipster's one question on how their tip was handled (``/danhgia``).

The reads are a part of ``conversations.ports.Records``, so this module must not import
``conversations.ports``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from conversations.audience import Audience
from conversations.effects import Effect
from conversations.i18n import N_

MAX_QUESTIONS = 5
MIN_OPTIONS = 2
MAX_OPTIONS = 6
MAX_TITLE = 200
MAX_QUESTION = 300
MAX_TEXT_ANSWER = 500
MAX_NUMBER = 1_000_000_000

# The kinds of question.
CHOICE = "choice"
NUMBER = "number"
TEXT = "text"

# The text of the invitation (a broadcast's text) and of the one reminder.
INVITATION_KEY = N_("surveys.invitation")
REMINDER_KEY = N_("surveys.reminder")
# The button under the invitation and the reminder: a tap sends ``answer_command``.
ANSWER_BUTTON_KEY = N_("surveys.button.answer")


def answer_command(survey_id: int) -> str:
    """What the invitation's button sends (and its text names): the survey's /khaosat."""
    return f"/khaosat {survey_id}"


# A tip is to be acknowledged within this time (the 24-hour figures beside the ratings).
ACKNOWLEDGE_WITHIN = timedelta(hours=24)
# How many months of ratings an officer sees.
RATING_MONTHS = 12

# A tipster's rating of how their tip was handled.
RATING_SCORES = (1, 2, 3, 4, 5)
MAX_RATING_COMMENT = 1000


# The one reminder goes this long before the closing time, or half way for a shorter survey.
REMIND_BEFORE = timedelta(hours=24)


def remind_moment(now: datetime, closes_at: datetime) -> datetime:
    """When the one reminder goes: a day before the closing, or half way to it."""
    return max(now + (closes_at - now) / 2, closes_at - REMIND_BEFORE)


def pick(vi: str, en: str | None, locale: str | None) -> str:
    """The version a member reads: English for those who chose it, when given."""
    return en if locale == "en" and en else vi


@dataclass(frozen=True)
class Question:
    """One question: its kind, its text in Vietnamese (and English) and, for a choice, the
    options as (Vietnamese, English or "")."""

    kind: str
    text_vi: str
    text_en: str = ""
    options: tuple[tuple[str, str], ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text_vi": self.text_vi,
            "text_en": self.text_en,
            "options": [{"vi": vi, "en": en} for vi, en in self.options],
        }

    @classmethod
    def of(cls, stored: dict[str, Any]) -> Question:
        return cls(
            stored["kind"],
            stored["text_vi"],
            stored.get("text_en") or "",
            tuple((option["vi"], option.get("en") or "") for option in stored.get("options", [])),
        )

    def text(self, locale: str | None) -> str:
        return pick(self.text_vi, self.text_en, locale)

    def option_labels(self, locale: str | None) -> list[str]:
        return [pick(vi, en, locale) for vi, en in self.options]


@dataclass(frozen=True)
class CreateSurvey(Effect):
    """Store a survey by the member (an admin of ``area_id``) and send its invitation now."""

    area_id: int
    audience: Audience
    title_vi: str
    title_en: str | None
    questions: tuple[Question, ...]
    anonymous: bool
    closes_at: datetime


@dataclass(frozen=True)
class SubmitSurveyAnswers(Effect):
    """The member's answers to a survey, one value per question (an option's index, a
    number or a text); stored once per person, without the person when anonymous.
    ``drafted``: some were kept as a draft on the way (``KeepSurveyDraft``), to discard now."""

    survey_id: int
    answers: tuple[Any, ...]
    drafted: bool = False


@dataclass(frozen=True)
class KeepSurveyDraft(Effect):
    """The member's answers so far (the first ones, in order), kept until they come back to
    the survey, send it, cancel it, or it closes."""

    survey_id: int
    answers: tuple[Any, ...]


@dataclass(frozen=True)
class DiscardSurveyDraft(Effect):
    """The member cancelled answering: their answers so far go."""

    survey_id: int


@dataclass(frozen=True)
class CloseSurvey(Effect):
    """An admin of the survey's place closes it before its closing time."""

    survey_id: int


@dataclass(frozen=True)
class SendSurveyResults(Effect):
    """The results of a survey as a file the admin gets in chat: "png" (the chart), "csv" or
    "xlsx"."""

    survey_id: int
    format: str


@dataclass(frozen=True)
class RateTipHandling(Effect):
    """A tipster's rating of a closed tip's handling; stored with its commune and month only."""

    tip_code: str
    score: int
    comment: str | None


@dataclass(frozen=True)
class SurveyToAnswer:
    """A survey as the person answering it sees it."""

    id: int
    title_vi: str
    title_en: str | None
    questions: tuple[Question, ...]
    anonymous: bool
    closes_at: datetime
    # The answers given before the person left the survey half-way (None: none kept).
    draft: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class SurveySummary:
    """One survey in an admin's list."""

    id: int
    title_vi: str
    status: str
    place_path: str
    closes_at: datetime
    respondents: int
    anonymous: bool


@dataclass
class QuestionResult:
    """The answers to one question: per option overall and by place (choice), the figures of
    a number, the texts (with their authors' names only for a named survey)."""

    question: Question
    answered: int = 0
    counts: list[int] = field(default_factory=list)
    by_place: dict[str, list[int]] = field(default_factory=dict)
    numbers: list[float] = field(default_factory=list)
    texts: list[tuple[str | None, str]] = field(default_factory=list)

    def percent(self, count: int, total: int | None = None) -> float:
        whole = self.answered if total is None else total
        return 0.0 if whole == 0 else 100.0 * count / whole


@dataclass
class SurveyResults:
    """Every question's results and how many answered."""

    survey_id: int
    title: str
    anonymous: bool
    status: str
    place_path: str
    respondents: int
    questions: list[QuestionResult]


@dataclass(frozen=True)
class Response:
    """One stored response as the tally reads it."""

    answers: Sequence[Any]
    place: str | None
    author: str | None


class Tally:
    """Counts responses as they are read, a page at a time (a survey of 100,000 answers is
    never all in memory). An anonymous survey's texts are kept without any author, whatever
    the responses carry."""

    def __init__(
        self,
        survey_id: int,
        title: str,
        questions: Sequence[Question],
        *,
        anonymous: bool,
        status: str,
        place_path: str,
        unknown_place: str,
    ) -> None:
        self.results = SurveyResults(
            survey_id,
            title,
            anonymous,
            status,
            place_path,
            0,
            [
                QuestionResult(question, counts=[0] * len(question.options))
                for question in questions
            ],
        )
        self.unknown_place = unknown_place

    def add(self, responses: Iterable[Response]) -> None:
        anonymous = self.results.anonymous
        for response in responses:
            self.results.respondents += 1
            place = response.place or self.unknown_place
            for result, value in zip(self.results.questions, response.answers, strict=False):
                if value is None:
                    continue
                result.answered += 1
                kind = result.question.kind
                if kind == CHOICE and isinstance(value, int) and 0 <= value < len(result.counts):
                    result.counts[value] += 1
                    row = result.by_place.setdefault(place, [0] * len(result.counts))
                    row[value] += 1
                elif kind == NUMBER:
                    result.numbers.append(float(value))
                elif kind == TEXT:
                    result.texts.append((None if anonymous else response.author, str(value)))

    def finish(self) -> SurveyResults:
        """The results, texts in a fixed order (by author, then text) whatever order the
        responses were read in: the same list on every database and every reading."""
        for result in self.results.questions:
            result.texts.sort(key=lambda item: (item[0] or "", item[1]))
        return self.results


@dataclass(frozen=True)
class ServiceFigures:
    """One commune in one month: the tipsters' ratings, and the tips received and those
    acknowledged within ``ACKNOWLEDGE_WITHIN``."""

    commune: str
    month: date
    ratings: int
    average: float | None
    comments: int
    tips: int
    acknowledged_in_time: int


class SurveyReads(Protocol):
    """Reads about surveys."""

    async def survey_reach(self, audience: Audience, now: datetime) -> int:
        """How many members the audience reaches at ``now`` (as a broadcast's preview counts:
        Zalo OA users outside their window cannot be reached)."""
        ...

    async def survey_to_answer(
        self, survey_id: int, member_id: int, now: datetime
    ) -> SurveyToAnswer | str:
        """The survey if the member may answer it now; else the catalogue key saying why not
        (no such survey for them, closed, answered already)."""
        ...

    async def surveys_within(self, path: str, *, limit: int) -> list[SurveySummary]:
        """The newest surveys sent within ``path``, newest first."""
        ...

    async def survey_results(self, survey_id: int, locale: str) -> SurveyResults | None:
        """The results so far; the caller asks the policy about ``place_path``."""
        ...

    async def service_figures(self, path: str, since: date) -> list[ServiceFigures]:
        """Ratings and tips by commune and month within ``path`` from ``since``, newest
        month first."""
        ...

    async def tip_to_rate(self, code: str) -> str | None:
        """None when the tip of ``code`` is closed and not rated yet; else why not (a key)."""
        ...
