"""An admin writes a survey: a title, one to five questions (each a choice of up to six
options, a number or a short text; an English version beside each), anonymous or named, who
receives it (as for a broadcast) and when it closes; the reach and the invitation as it will
look are shown before the summary; confirmed, it goes out at once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from conversations.audience import audience_of, audience_steps, quiet_replies, reach_replies
from conversations.fields import Choice, ChoiceOption, FreeText, OptionalText
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
from conversations.localtime import LOCAL_TIME, shown
from conversations.policy import Action, may
from conversations.replies import Text
from conversations.surveys import (
    CHOICE,
    INVITATION_KEY,
    MAX_QUESTIONS,
    MAX_TITLE,
    NUMBER,
    TEXT,
    CreateSurvey,
    Question,
)
from conversations.surveys.fields import SKIP_WORDS, ClosingTime, EnglishQuestion, QuestionText

KIND_CHOICE = Choice(
    ChoiceOption(NUMBER, N_("surveys.kind.number"), ("so", "con so", "number")),
    ChoiceOption(TEXT, N_("surveys.kind.text"), ("chu", "van ban", "y kien", "text")),
)
ANONYMITY_CHOICE = Choice(
    ChoiceOption("anonymous", N_("surveys.anonymous.yes"), ("an danh", "anonymous")),
    ChoiceOption("named", N_("surveys.anonymous.no"), ("ghi ten", "co ten", "named")),
)


def _may_ask(number: int) -> Condition:
    """Question ``number`` is asked once every one before it was a question (not "xong")."""

    def condition(answers: Answers) -> bool:
        for earlier in range(1, number):
            value = answers.get(f"q{earlier}")
            if value is None or value.get("done"):
                return False
        return True

    return condition


def _needs_kind(number: int) -> Condition:
    def condition(answers: Answers) -> bool:
        value = answers.get(f"q{number}")
        return (
            _may_ask(number)(answers)
            and value is not None
            and not value.get("done")
            and not value["options"]
        )

    return condition


def _is_question(number: int) -> Condition:
    def condition(answers: Answers) -> bool:
        value = answers.get(f"q{number}")
        return _may_ask(number)(answers) and value is not None and not value.get("done")

    return condition


def questions_of(answers: Answers) -> tuple[Question, ...]:
    found: list[Question] = []
    for number in range(1, MAX_QUESTIONS + 1):
        if not _is_question(number)(answers):
            break
        value = answers[f"q{number}"]
        english = answers.get(f"q{number}_en") or {}
        kind = CHOICE if value["options"] else answers.get(f"q{number}_kind", TEXT)
        english_options = english.get("options") or [""] * len(value["options"])
        found.append(
            Question(
                kind,
                value["text"],
                english.get("text", ""),
                tuple(zip(value["options"], english_options, strict=True)),
            )
        )
    return tuple(found)


def closing_moment(answers: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(answers["closes"]).replace(tzinfo=LOCAL_TIME).astimezone(UTC)


def invitation(ctx: FlowContext, locale: str, answers: dict[str, Any], number: str) -> str:
    """The invitation's text in ``locale`` (``number``: the survey's, or "N" in the preview)."""
    title = answers["title"] if locale == "vi" else (answers["title_en"] or answers["title"])
    return ctx.catalogues.text(
        locale,
        INVITATION_KEY,
        title=title,
        count=len(questions_of(answers)),
        closes=shown(closing_moment(answers)),
        number=number,
    )


PREVIEWED = ("anonymous", "areas", "roles", "channels", "closes")


async def show_preview(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    """Once the audience and the closing are known: the reach and the invitation."""
    if any(step not in answers for step in PREVIEWED):
        return None
    count = await ctx.records.surveys.survey_reach(audience_of(answers), ctx.now)
    replies = reach_replies(ctx, count, N_("surveys.reach"), N_("surveys.reach_none"))
    replies.append(Text(ctx.t(N_("surveys.preview"))))
    replies.append(Text(invitation(ctx, "vi", answers, "N")))
    replies += quiet_replies(ctx, ctx.now, N_("surveys.quiet_wait"))
    return Redirect(replies=replies)


async def create(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    within = answers["areas"]["within"]
    if not may(ctx.member.roles, Action.BROADCAST, within["path"]):
        return Completion(replies=[Text(ctx.t(N_("policy.denied")))])
    closes_at = closing_moment(answers)
    if closes_at <= ctx.now:
        return Completion(replies=[Text(ctx.t(N_("surveys.closes.past")))])
    audience = audience_of(answers)
    if await ctx.records.surveys.survey_reach(audience, ctx.now) == 0:
        return Completion(replies=[Text(ctx.t(N_("surveys.not_created_empty")))])
    effect = CreateSurvey(
        area_id=within["id"],
        audience=audience,
        title_vi=answers["title"],
        title_en=answers["title_en"] or None,
        questions=questions_of(answers),
        anonymous=answers["anonymous"] == "anonymous",
        closes_at=closes_at,
    )
    return Completion(effects=[effect])


def _question_steps(number: int) -> list[Step]:
    name = f"q{number}"
    return [
        Step(
            name,
            N_("surveys.ask.question_first") if number == 1 else N_("surveys.ask.question"),
            QuestionText(first=number == 1),
            title=N_("surveys.field.question"),
            applies=None if number == 1 else _may_ask(number),
            params=(("number", number),),
        ),
        Step(
            f"{name}_kind",
            N_("surveys.ask.kind"),
            KIND_CHOICE,
            title=N_("surveys.field.kind"),
            applies=_needs_kind(number),
            params=(("number", number),),
        ),
        Step(
            f"{name}_en",
            N_("surveys.ask.question_en"),
            EnglishQuestion(name),
            title=N_("surveys.field.question_en"),
            applies=_is_question(number),
            params=(("number", number),),
        ),
    ]


def survey_flow() -> Flow:
    preview = show_preview
    questions = [step for number in range(1, MAX_QUESTIONS + 1) for step in _question_steps(number)]
    return Flow(
        "survey",
        title=N_("surveys.menu.compose"),
        steps=[
            Step(
                "title",
                N_("surveys.ask.title"),
                FreeText(min_length=3, max_length=MAX_TITLE),
                title=N_("surveys.field.title"),
            ),
            Step(
                "title_en",
                N_("surveys.ask.title_en"),
                OptionalText(
                    ChoiceOption("none", N_("surveys.english.none"), SKIP_WORDS),
                    max_length=MAX_TITLE,
                ),
                title=N_("surveys.field.title_en"),
            ),
            *questions,
            Step(
                "anonymous",
                N_("surveys.ask.anonymous"),
                ANONYMITY_CHOICE,
                title=N_("surveys.field.anonymous"),
                after=preview,
            ),
            *audience_steps(after=preview),
            Step(
                "closes",
                N_("surveys.ask.closes"),
                ClosingTime(),
                title=N_("surveys.field.closes"),
                after=preview,
            ),
        ],
        complete=create,
        commands=("taokhaosat", "newsurvey"),
        action=Action.BROADCAST,
        edit_by_number=True,
    )
