"""A person answers a survey at their own pace: ``/khaosat N`` (the invitation says which),
one question at a time, with /back and /cancel as everywhere; answered, the answers are
stored once. The flow keeps no draft of its own (``confirm=False``), so a draft of another
flow put aside to answer stays where it was."""

from __future__ import annotations

from typing import Any

from conversations.fields import Number
from conversations.flow import Answers, Completion, Condition, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.localtime import shown
from conversations.replies import Text
from conversations.surveys import MAX_QUESTIONS, SubmitSurveyAnswers, SurveyToAnswer, pick
from conversations.surveys.fields import SurveyAnswer


def _has_question(index: int) -> Condition:
    def condition(answers: Answers) -> bool:
        return len(answers.get("_survey", {}).get("questions", [])) > index

    return condition


def _survey_answers(survey: SurveyToAnswer) -> dict[str, Any]:
    return {
        "id": survey.id,
        "questions": [question.as_json() for question in survey.questions],
        "anonymous": survey.anonymous,
    }


async def open_survey(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    """The survey of the number given, if this member may answer it; else why not."""
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
    return Redirect(
        answers={"_survey": _survey_answers(found)},
        replies=[Text(f"{intro}\n{ctx.t(privacy)}")],
    )


async def submit(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    survey = answers["_survey"]
    values = tuple(answers.get(f"a{index + 1}") for index in range(len(survey["questions"])))
    return Completion(effects=[SubmitSurveyAnswers(int(survey["id"]), values)])


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
                    f"a{index + 1}",
                    N_("surveys.answer.question"),
                    SurveyAnswer(index),
                    title=N_("surveys.field.answer"),
                    applies=_has_question(index),
                    params=(("number", index + 1),),
                )
                for index in range(MAX_QUESTIONS)
            ),
        ],
        complete=submit,
        confirm=False,
        commands=("khaosat", "survey"),
        needs_consent=True,
    )
