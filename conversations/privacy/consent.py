"""The privacy notice and the answer to it: a short notice asked before the first thing that
needs consent (the engine starts this flow, then the one the member asked for), or with /dongy
at any time; the whole notice with /quyenriengtu; /rutdongy withdraws at once."""

from __future__ import annotations

from typing import Any

from conversations.fields import Choice, ChoiceOption, FieldContext
from conversations.flow import Completion, Flow, FlowContext, NextFlow, Step
from conversations.i18n import N_, shown_number
from conversations.policy import Action
from conversations.privacy import (
    NOTICE_VERSION,
    ConsentDecision,
    PrivacyTerms,
    RecordConsent,
    has_consent,
)
from conversations.replies import Reply, Text

# The flow the member asked for when the notice interrupted it, and its argument ("/join
# CODE"): kept in the answers under names no step has, so the summary never shows them.
THEN = "_then"
THEN_ARGUMENT = "_then_argument"

AGREE = "agree"
REFUSE = "refuse"


class ConsentAnswer(Choice):
    """ "Đồng ý" or "Không đồng ý", asked below the whole notice."""

    def __init__(self, terms: PrivacyTerms) -> None:
        super().__init__(
            ChoiceOption(AGREE, N_("privacy.agree"), ("dong y", "agree", "yes", "co", "ok")),
            ChoiceOption(REFUSE, N_("privacy.refuse"), ("khong dong y", "khong", "no")),
        )
        self.terms = terms

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        notice = notice_text(self.terms, ctx)
        return super().question(f"{notice}\n\n{text}", ref, ctx, current)


def inactive_period(terms: PrivacyTerms, ctx: FieldContext | FlowContext) -> str:
    """How long an unused account is kept, as the settings say: "3 năm", or "1.000 ngày"."""
    years = terms.inactive_years
    if years is not None:
        return ctx.t(N_("privacy.period.years"), years=years)
    return ctx.t(N_("privacy.period.days"), days=shown_number(terms.inactive_days, ctx.locale))


def notice_text(terms: PrivacyTerms, ctx: FieldContext | FlowContext) -> str:
    """The short notice (≤ 600 characters) asked under: who, what, why, how long, rights."""
    return ctx.t(
        N_("privacy.notice"),
        version=NOTICE_VERSION,
        controller=terms.controller,
        inactive=inactive_period(terms, ctx),
    )


def full_notice_text(terms: PrivacyTerms, ctx: FieldContext | FlowContext) -> str:
    """The whole notice (/quyenriengtu): every purpose, every period from the settings."""
    return ctx.t(
        N_("privacy.notice.full"),
        version=NOTICE_VERSION,
        controller=terms.controller,
        inactive=inactive_period(terms, ctx),
        phone_days=terms.phone_days,
        route_days=terms.route_days,
    )


async def record_answer(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    then = answers.get(THEN)
    if answers["answer"] == REFUSE:
        return Completion(
            replies=[Text(ctx.t(N_("privacy.refused")))],
            effects=[RecordConsent(ConsentDecision.REFUSED)],
        )
    return Completion(
        replies=[Text(ctx.t(N_("privacy.given")))],
        effects=[RecordConsent(ConsentDecision.GIVEN)],
        next_flow=NextFlow(then, answers.get(THEN_ARGUMENT, "")) if then else None,
    )


def consent_flow(terms: PrivacyTerms) -> Flow:
    return Flow(
        "consent",
        title=N_("menu.privacy"),
        steps=[
            Step(
                "answer",
                N_("privacy.ask"),
                ConsentAnswer(terms),
                title=N_("privacy.answer"),
            )
        ],
        complete=record_answer,
        confirm=False,
        commands=("dongy", "consent"),
        action=Action.MY_DATA,
    )


def notice_flow(terms: PrivacyTerms) -> Flow:
    """/quyenriengtu: the whole notice, at once, whether or not the member agreed."""

    async def show(answers: dict[str, Any], ctx: FlowContext) -> Completion:
        return Completion(replies=[Text(full_notice_text(terms, ctx))])

    return Flow.at_once(
        "privacy_notice",
        N_("privacy.notice_title"),
        show,
        step="read",
        commands=("quyenriengtu", "privacy"),
        action=Action.MY_DATA,
    )


async def withdraw(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    if not has_consent(ctx.member.consent_version):
        return Completion(replies=[Text(ctx.t(N_("privacy.nothing_to_withdraw")))])
    return Completion(
        replies=[Text(ctx.t(N_("privacy.withdrawn")))],
        effects=[RecordConsent(ConsentDecision.WITHDRAWN)],
    )


def withdraw_flow() -> Flow:
    """/rutdongy: withdrawn at once, and said so (a withdrawal must be as easy as consent)."""
    commands = ("rutdongy", "withdraw")
    title, answer = N_("privacy.withdraw_title"), N_("privacy.answer")
    return Flow.at_once(
        "consent_withdraw",
        title,
        withdraw,
        step="confirm",
        answer_title=answer,
        commands=commands,
        action=Action.MY_DATA,
    )
