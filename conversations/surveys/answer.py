"""A person answers a survey at their own pace: ``/khaosat N`` (the invitation says which, and
its button sends it), one question at a time, with /back and /cancel as everywhere; answered,
the answers are stored once.

The flow keeps no engine draft of its own (``confirm=False``), so a draft of another flow put
aside to answer stays where it was. Its own answers so far are kept apart, per survey
(``KeepSurveyDraft``, after every question): a person who leaves half-way (/menu, another
command, days without writing) finds them again with ``/khaosat N`` and goes on at the next
question; /cancel discards them (``DiscardSurveyDraft``).

How every answer is kept without an engine hook: question i+1 applies only once the answers
up to i were kept (``KEPT``), so answering question i finishes the flow; the completion keeps
the answers and sends the flow on (``Completion.redirect``) to the next question, or, at the
last, sends them all.
"""

from __future__ import annotations

from typing import Any

from conversations.effects import Effect
from conversations.fields import Number
from conversations.flow import (
    Answers,
    Completion,
    Condition,
    Flow,
    FlowContext,
    Redirect,
    Step,
)
from conversations.i18n import N_
from conversations.localtime import shown
from conversations.replies import Text
from conversations.surveys import (
    MAX_QUESTIONS,
    DiscardSurveyDraft,
    KeepSurveyDraft,
    SubmitSurveyAnswers,
    SurveyToAnswer,
    pick,
)
from conversations.surveys.fields import SurveyAnswer

SURVEY = "_survey"
# How many of the first answers were kept (``KeepSurveyDraft``).
KEPT = "_kept"


def answer_step(index: int) -> str:
    return f"a{index + 1}"


def _is_asked(index: int) -> Condition:
    """Question ``index`` (from 0) exists and the answers before it were kept."""

    def condition(answers: Answers) -> bool:
        asked = len(answers.get(SURVEY, {}).get("questions", [])) > index
        return asked and answers.get(KEPT, 0) >= index

    return condition


def _survey_answers(survey: SurveyToAnswer) -> dict[str, Any]:
    return {
        "id": survey.id,
        "questions": [question.as_json() for question in survey.questions],
        "anonymous": survey.anonymous,
    }


def _given(answers: Answers) -> list[Any]:
    """The answers given so far, in order, up to the first question not answered."""
    given: list[Any] = []
    for index in range(len(answers[SURVEY]["questions"])):
        name = answer_step(index)
        if name not in answers:
            break
        given.append(answers[name])
    return given


async def open_survey(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    """The survey of the number given, if this member may answer it; else why not. Answers
    kept from an earlier visit are taken up again: the next question is asked."""
    found = await ctx.records.surveys.survey_to_answer(
        int(answers["number"]), ctx.member.id, ctx.now
    )
    if isinstance(found, str):
        return Redirect(replies=[Text(ctx.t(found, number=answers["number"]))], stop=True)
    privacy = N_("surveys.answer.anonymous") if found.anonymous else N_("surveys.answer.named")
    intro = ctx.t(
        N_("surveys.answer.intro"),
        title=pick(found.title_vi, found.title_en, ctx.locale),
        count=len(found.questions),
        closes=shown(found.closes_at),
    )
    lines = [intro, ctx.t(privacy)]
    kept = list(found.draft or ())[: len(found.questions)]
    if kept:
        lines.append(ctx.t(N_("surveys.answer.resumed"), count=len(kept), next=len(kept) + 1))
    lines.append(ctx.t(N_("surveys.answer.how_to_leave"), number=found.id))
    given = {answer_step(index): value for index, value in enumerate(kept)}
    return Redirect(
        answers={SURVEY: _survey_answers(found), KEPT: len(kept), **given},
        replies=[Text("\n".join(lines))],
    )


async def submit(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    survey = answers[SURVEY]
    given = _given(answers)
    if len(given) < len(survey["questions"]):
        # Not the last question yet: keep what was given, then ask the next one.
        keep = KeepSurveyDraft(int(survey["id"]), tuple(given))
        return Completion(effects=[keep], redirect=Redirect(answers={KEPT: len(given)}))
    # A draft was kept on the way unless the survey had one question and no earlier visit.
    drafted = len(given) > 1 or bool(answers.get(KEPT))
    submit = SubmitSurveyAnswers(int(survey["id"]), tuple(given), drafted=drafted)
    return Completion(effects=[submit])


def discard(answers: Answers) -> list[Effect]:
    """/cancel while answering: the answers kept so far go too."""
    survey = answers.get(SURVEY)
    return [] if survey is None else [DiscardSurveyDraft(int(survey["id"]))]


def survey_answer_flow() -> Flow:
    return Flow(
        "survey_answer",
        title=N_("surveys.menu.answer"),
        steps=[
            Step(
                "number",
                N_("surveys.ask.number"),
                Number(minimum=1),
                title=N_("surveys.field.number"),
                after=open_survey,
            ),
            *(
                Step(
                    answer_step(index),
                    N_("surveys.answer.question"),
                    SurveyAnswer(index),
                    title=N_("surveys.field.answer"),
                    applies=_is_asked(index),
                    params=(("number", index + 1),),
                )
                for index in range(MAX_QUESTIONS)
            ),
        ],
        complete=submit,
        confirm=False,
        commands=("khaosat", "survey"),
        needs_consent=True,
        on_cancel=discard,
    )
