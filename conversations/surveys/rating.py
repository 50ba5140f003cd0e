"""The tipster's view of the service: once their tip is closed, ``/danhgia MÃ`` asks one
question, "how was your tip received and handled?" from 1 to 5, and an optional comment.
The rating is kept with the tip's commune and month only, never the tip nor the tipster."""

from __future__ import annotations

from datetime import date
from typing import Any

from conversations.fields import Choice, ChoiceOption, OptionalText, TipCode
from conversations.flow import FINISHED, Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.localtime import shown
from conversations.places import outermost
from conversations.policy import Action, scopes
from conversations.replies import Text
from conversations.secret_codes import LOCKOUTS, CodeKind
from conversations.surveys import (
    ACKNOWLEDGE_WITHIN,
    MAX_RATING_COMMENT,
    RATING_MONTHS,
    RateTipHandling,
    ServiceFigures,
)
from conversations.surveys.fields import SKIP_WORDS

REFUSAL = "_refusal"  # why the tip cannot be rated; an answer the flow keeps, not a step

SCORE_CHOICE = Choice(
    ChoiceOption("5", N_("surveys.rating.5"), ("rat tot", "very good")),
    ChoiceOption("4", N_("surveys.rating.4"), ("tot", "good")),
    ChoiceOption("3", N_("surveys.rating.3"), ("binh thuong", "average")),
    ChoiceOption("2", N_("surveys.rating.2"), ("chua tot", "poor")),
    ChoiceOption("1", N_("surveys.rating.1"), ("kem", "very poor")),
)


async def check_tip(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
    """A code is the tip's secret: the lockout against guessing guards it here as it does
    ``/status`` (a wrong one counts; while locked out nothing is looked up)."""
    attempts = await ctx.records.people.code_attempts(ctx.member.id, CodeKind.TIP)
    if attempts.minutes_to_wait(ctx.now) is not None and attempts.locked_until is not None:
        lockout = LOCKOUTS[CodeKind.TIP]
        until = shown(attempts.locked_until)
        text = ctx.t(N_("status.slow_down"), count=lockout.max_wrong, until=until)
        return Redirect(replies=[Text(text)], stop=True)
    refusal = await ctx.records.surveys.tip_to_rate(answers["code"])
    if refusal is not None:
        return Redirect(answers={REFUSAL: refusal}, step=FINISHED)
    return None


async def rate(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    attempts = await ctx.records.people.code_attempts(ctx.member.id, CodeKind.TIP)
    refusal = answers.get(REFUSAL)
    if refusal == N_("surveys.rating.unknown"):
        failed = attempts.failed(CodeKind.TIP, ctx.now)
        return Completion(replies=[Text(ctx.t(refusal))], effects=[failed])
    if refusal is not None:
        return Completion(replies=[Text(ctx.t(refusal))], effects=attempts.succeeded(CodeKind.TIP))
    effect = RateTipHandling(answers["code"], int(answers["score"]), answers["comment"] or None)
    return Completion(
        replies=[Text(ctx.t(N_("surveys.rating.thanks")))],
        effects=[effect, *attempts.succeeded(CodeKind.TIP)],
    )


def tip_rating_flow() -> Flow:
    return Flow(
        "tip_rating",
        title=N_("surveys.menu.rating"),
        steps=[
            Step(
                "code",
                N_("surveys.ask.rating_code"),
                TipCode(),
                title=N_("surveys.field.code"),
                after=check_tip,
            ),
            Step("score", N_("surveys.ask.rating"), SCORE_CHOICE, title=N_("surveys.field.rating")),
            Step(
                "comment",
                N_("surveys.ask.rating_comment"),
                OptionalText(
                    ChoiceOption("none", N_("surveys.rating.no_comment"), SKIP_WORDS),
                    max_length=MAX_RATING_COMMENT,
                ),
                title=N_("surveys.field.rating_comment"),
            ),
        ],
        complete=rate,
        confirm=False,
        commands=("danhgia", "rate"),
    )


# -- the figures, for officers and admins ------------------------------------------------------


def describe_figures(figures: ServiceFigures, ctx: FlowContext) -> str:
    average = "–" if figures.average is None else f"{figures.average:.1f}"
    if ctx.locale != "en":
        average = average.replace(".", ",")
    return ctx.t(
        N_("surveys.ratings.line"),
        commune=figures.commune,
        month=figures.month.strftime("%m/%Y"),
        ratings=figures.ratings,
        average=average,
        comments=figures.comments,
        tips=figures.tips,
        in_time=figures.acknowledged_in_time,
        hours=int(ACKNOWLEDGE_WITHIN.total_seconds() // 3600),
    )


def months_back(today: date, months: int) -> date:
    """The first day of the month ``months - 1`` months before ``today``'s."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


async def show_figures(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    since = months_back(ctx.today, RATING_MONTHS)
    lines: list[str] = []
    for scope in outermost(scopes(ctx.member.roles, Action.LIST_TIPS)):
        for figures in await ctx.records.surveys.service_figures(scope.path, since):
            lines.append(describe_figures(figures, ctx))
    if not lines:
        return Completion(replies=[Text(ctx.t(N_("surveys.ratings.none")))])
    text = ctx.t(N_("surveys.ratings.title"), months=RATING_MONTHS)
    return Completion(replies=[Text("\n".join([text, *lines]))])


def tip_ratings_flow() -> Flow:
    return Flow.at_once(
        "tip_ratings",
        N_("surveys.menu.ratings"),
        show_figures,
        step="show",
        commands=("danhgiaxuly", "ratings"),
        action=Action.LIST_TIPS,
    )
