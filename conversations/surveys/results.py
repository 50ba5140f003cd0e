"""Admins follow their surveys: ``/dskhaosat`` lists them, ``/ketquakhaosat N`` shows the
results so far (counts and percentages per option, overall and by place) with the chart, or
sends them as CSV or XLSX, or closes the survey before its time (asked once more: no answer
is taken after). An anonymous survey's texts are shown without any author."""

from __future__ import annotations

from typing import Any

from conversations.fields import Choice, ChoiceOption, FreeText, Number, yes_no
from conversations.flow import (
    FINISHED,
    Answers,
    Completion,
    Flow,
    FlowContext,
    Redirect,
    Step,
)
from conversations.i18n import N_, shown_number
from conversations.localtime import shown
from conversations.policy import Action, may, scopes
from conversations.replies import Reply, Text
from conversations.surveys import (
    CHOICE,
    NUMBER,
    CloseSurvey,
    QuestionResult,
    SendSurveyResults,
    SurveyResults,
    SurveySummary,
)

MAX_LISTED = 10
CLOSE = "close"
TEXTS_SHOWN = 5
STATUS_LABELS = {"open": N_("surveys.status.open"), "closed": N_("surveys.status.closed")}

FORMAT_CHOICE = Choice(
    ChoiceOption("png", N_("surveys.format.chart"), ("bieu do", "ket qua", "chart")),
    ChoiceOption("csv", N_("surveys.format.csv"), ("csv",)),
    ChoiceOption("xlsx", N_("surveys.format.xlsx"), ("xlsx", "excel")),
    ChoiceOption(CLOSE, N_("surveys.format.close"), ("dong", "dong khao sat", "close")),
)


def _closing(answers: Answers) -> bool:
    return answers.get("format") == CLOSE


def _percent(value: float, locale: str) -> str:
    return f"{value:.0f}%" if locale == "en" else f"{value:.0f}%".replace(".", ",")


def describe_question(result: QuestionResult, number: int, ctx: FlowContext) -> list[str]:
    question = result.question
    lines = [ctx.t(N_("surveys.results.question"), number=number, text=question.text(ctx.locale))]
    if question.kind == CHOICE:
        labels = question.option_labels(ctx.locale)
        for label, count in zip(labels, result.counts, strict=True):
            lines.append(
                ctx.t(
                    N_("surveys.results.option"),
                    option=label,
                    count=shown_number(count, ctx.locale),
                    percent=_percent(result.percent(count), ctx.locale),
                )
            )
        for place, counts in sorted(result.by_place.items()):
            total = sum(counts)
            shares = "; ".join(
                f"{label} {_percent(result.percent(count, total), ctx.locale)}"
                for label, count in zip(labels, counts, strict=True)
            )
            lines.append(ctx.t(N_("surveys.results.place"), place=place, shares=shares))
    elif question.kind == NUMBER:
        numbers = result.numbers
        if numbers:
            lines.append(
                ctx.t(
                    N_("surveys.results.numbers"),
                    count=len(numbers),
                    mean=shown_number(round(sum(numbers) / len(numbers), 1), ctx.locale),
                    low=shown_number(min(numbers), ctx.locale),
                    high=shown_number(max(numbers), ctx.locale),
                )
            )
    else:
        lines.append(ctx.t(N_("surveys.results.texts"), count=len(result.texts)))
        for author, text in result.texts[:TEXTS_SHOWN]:
            if author is None:
                lines.append(f"• {text}")
            else:
                lines.append(f"• {author}: {text}")
    if result.answered == 0:
        lines.append(ctx.t(N_("surveys.results.none")))
    return lines


def describe_results(results: SurveyResults, ctx: FlowContext) -> str:
    lines = [
        ctx.t(
            N_("surveys.results.heading"),
            number=results.survey_id,
            title=results.title,
            status=ctx.t(STATUS_LABELS.get(results.status, results.status)),
            count=results.respondents,
        )
    ]
    if results.anonymous:
        lines.append(ctx.t(N_("surveys.results.anonymous")))
    for number, result in enumerate(results.questions, start=1):
        lines.append("")
        lines.extend(describe_question(result, number, ctx))
    return "\n".join(lines)


async def check_survey(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    results = await ctx.records.surveys.survey_results(int(answers["number"]), ctx.locale)
    if results is None or not may(ctx.member.roles, Action.BROADCAST, results.place_path):
        text = ctx.t(N_("surveys.not_found"), number=answers["number"])
        return Redirect(replies=[Text(text)], stop=True)
    return None


async def send_results(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    survey_id = int(answers["number"])
    results = await ctx.records.surveys.survey_results(survey_id, ctx.locale)
    if results is None or not may(ctx.member.roles, Action.BROADCAST, results.place_path):
        return Completion(replies=[Text(ctx.t(N_("surveys.not_found"), number=survey_id))])
    if answers["format"] == CLOSE:
        if answers.get("close") != "yes":
            return Completion(replies=[Text(ctx.t(N_("surveys.close.kept"), number=survey_id))])
        if results.status != "open":
            text = ctx.t(N_("surveys.close.already"), number=survey_id)
            return Completion(replies=[Text(text)])
        return Completion(effects=[CloseSurvey(survey_id)])
    replies: list[Reply] = []
    if answers["format"] == "png":
        replies.append(Text(describe_results(results, ctx)))
    return Completion(replies=replies, effects=[SendSurveyResults(survey_id, answers["format"])])


def survey_results_flow() -> Flow:
    return Flow(
        "survey_results",
        title=N_("surveys.menu.results"),
        steps=[
            Step(
                "number",
                N_("surveys.ask.results_number"),
                Number(minimum=1),
                title=N_("surveys.field.number"),
                after=check_survey,
            ),
            Step(
                "format", N_("surveys.ask.format"), FORMAT_CHOICE, title=N_("surveys.field.format")
            ),
            Step(
                CLOSE,
                N_("surveys.ask.close"),
                yes_no(),
                title=N_("surveys.field.close"),
                applies=_closing,
            ),
        ],
        complete=send_results,
        confirm=False,
        commands=("ketquakhaosat", "surveyresults"),
        action=Action.BROADCAST,
    )


# -- the list ---------------------------------------------------------------------------------


def describe_summary(survey: SurveySummary, ctx: FlowContext) -> str:
    return ctx.t(
        N_("surveys.item"),
        number=survey.id,
        title=survey.title_vi,
        status=ctx.t(STATUS_LABELS.get(survey.status, survey.status)),
        closes=shown(survey.closes_at),
        count=survey.respondents,
    )


async def skip_to_list(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    return Redirect(step=FINISHED)


async def list_surveys(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    found: dict[int, SurveySummary] = {}
    for scope in scopes(ctx.member.roles, Action.BROADCAST):
        for survey in await ctx.records.surveys.surveys_within(scope.path, limit=MAX_LISTED):
            found.setdefault(survey.id, survey)
    newest = sorted(found.values(), key=lambda item: item.id, reverse=True)[:MAX_LISTED]
    if not newest:
        return Completion(replies=[Text(ctx.t(N_("surveys.list_empty")))])
    blocks = "\n".join(describe_summary(survey, ctx) for survey in newest)
    return Completion(replies=[Text(ctx.t(N_("surveys.list"), surveys=blocks))])


def surveys_flow() -> Flow:
    return Flow(
        "surveys",
        title=N_("surveys.menu.list"),
        # Never asked: the list is shown at once (see ``skip_to_list``).
        steps=[Step("list", N_("surveys.list_empty"), FreeText(), title=N_("surveys.menu.list"))],
        complete=list_surveys,
        confirm=False,
        begin=skip_to_list,
        commands=("dskhaosat", "surveys"),
        action=Action.BROADCAST,
    )
