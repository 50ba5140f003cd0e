"""A tip's sender commended only by their own choice, through the tip's thread.

An officer who may write to a tip's sender (``/hoi``) invites them: ``/moikhenthuong MÃ``
(``/invitecommend``), with the form of commendation and the achievement in a few lines, which
must not describe the tip. The sender reads in their own thread what it means (a proposal needs
a name written on it; the tip is not named on it and nobody will see a link from it to the tip)
and answers with ``/khenthuong MÃ`` (``/commendme``): they accept by giving the name (and, if
they wish, a phone and a role) or decline. Nothing changes for them if they decline or never
answer.

Accepted, a proposal for the named person is made at the tip's commune, as its admins' proposals
are, and the level above reviews it as any other (``bot.commendations.tipster`` holds how the
sender is told the decision without the proposal naming the tip). The forms are the
commendations' (``conversations.commendation_forms``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conversations.commendation_forms import MAX_ACHIEVEMENT, FormChoice
from conversations.effects import Effect
from conversations.fields import (
    Accepted,
    Choice,
    ChoiceOption,
    FieldContext,
    FreeText,
    InvalidAnswer,
    OptionalText,
    format_tip_code,
)
from conversations.flow import FINISHED, Completion, Flow, FlowContext, Hook, Redirect, Step
from conversations.i18n import N_
from conversations.parsing import ParseError, parse_phone
from conversations.policy import Action
from conversations.replies import Inbound, Text
from conversations.targets import YearCalendar
from conversations.tips import THREAD_MESSAGES_PER_HOUR
from conversations.tips.asking import refuse_early
from conversations.tips.status import check_tip_code, code_step, tipster_code_check

NAME_LIMIT = 120
ACCEPT, DECLINE = "accept", "decline"
SKIP = ChoiceOption("skip", N_("tip_commendation.skip"), ("bo qua", "khong", "skip", "no"))


@dataclass(frozen=True)
class InviteTipster(Effect):
    """An officer invites the sender of tip ``code`` to be proposed for ``form``."""

    code: str
    form: str
    achievement: str


@dataclass(frozen=True)
class AnswerInvitation(Effect):
    """The sender of tip ``code`` accepts (with the name to write, and a phone and a role if
    they gave them) or declines; ``year`` is the year the proposal counts for."""

    code: str
    accepted: bool
    name: str | None
    phone: str | None
    role: str | None
    year: int


# -- the officer's side -------------------------------------------------------------------------


def tipster_invite_flow(per_hour: int = THREAD_MESSAGES_PER_HOUR) -> Flow:
    async def complete(answers: dict[str, Any], ctx: FlowContext) -> Completion:
        code = answers["code"]
        refusal = await refuse_early(per_hour)(answers, ctx)  # taken, closed or ended meanwhile
        if refusal is not None:
            return Completion(replies=refusal.replies)
        done = ctx.t(N_("tip_commendation.invited"), code=format_tip_code(code))
        effect = InviteTipster(code, answers["form"]["key"], answers["achievement"].strip())
        return Completion(replies=[Text(done)], effects=[effect])

    return Flow(
        "tip_commendation_invite",
        title=N_("menu.tip_commendation_invite"),
        commands=("moikhenthuong", "invitecommend"),
        action=Action.HANDLE_TIP,
        complete=complete,
        steps=[
            code_step(N_("inbox.ask_code"), refuse_early(per_hour)),
            Step(
                "form",
                N_("tip_commendation.ask_form"),
                FormChoice(Action.HANDLE_TIP),
                N_("commendation.title.form"),
            ),
            Step(
                "achievement",
                N_("tip_commendation.ask_achievement"),
                FreeText(min_length=10, max_length=MAX_ACHIEVEMENT),
                N_("commendation.title.achievement"),
            ),
        ],
    )


# -- the sender's side ------------------------------------------------------------------------

DECISIONS = Choice(
    ChoiceOption(ACCEPT, N_("tip_commendation.accept"), ("dong y", "co", "accept", "yes")),
    ChoiceOption(DECLINE, N_("tip_commendation.decline"), ("khong nhan", "tu choi", "decline")),
)


class OptionalPhone(OptionalText):
    """A phone the sender may give, or "bỏ qua"."""

    def __init__(self) -> None:
        super().__init__(SKIP, max_length=20)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        accepted = super().parse(message, ctx, current)
        if not accepted.value:
            return accepted
        try:
            return Accepted(parse_phone(str(accepted.value)))
        except ParseError:
            raise InvalidAnswer(N_("input.bad_phone")) from None


def invited_check(per_hour: int) -> Hook:
    """The code step's check: the tipster's lockout and limits as for ``/traloi``, then that an
    invitation waits for an answer."""
    checked = tipster_code_check(per_hour)

    async def check(answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
        redirect = await checked(answers, ctx)
        if redirect is not None:
            return redirect
        found = await ctx.records.tips.tip_status(answers["code"])
        if found is None or not found.commendation_invited:
            return Redirect(answers={"refused": True}, step=FINISHED)
        return None

    return check


def _accepting(answers: dict[str, Any]) -> bool:
    return not answers.get("refused") and answers.get("decision") == ACCEPT


def tipster_answer_flow(
    calendar: YearCalendar | None = None, per_hour: int = THREAD_MESSAGES_PER_HOUR
) -> Flow:
    calendar = calendar or YearCalendar()

    async def complete(answers: dict[str, Any], ctx: FlowContext) -> Completion:
        check = await check_tip_code(answers["code"], ctx)
        if check.tip is None:
            assert check.refusal is not None
            return check.refusal
        code = format_tip_code(check.tip.code)
        if not check.tip.commendation_invited or answers.get("refused"):
            refused = Text(ctx.t(N_("tip_commendation.no_invitation"), code=code))
            return Completion(replies=[refused], effects=check.effects)
        accepted = answers["decision"] == ACCEPT
        name = " ".join(answers["name"].split()) if accepted else None
        effect = AnswerInvitation(
            check.tip.code,
            accepted,
            name,
            (answers.get("phone") or None) if accepted else None,
            (" ".join(answers.get("role", "").split()) or None) if accepted else None,
            calendar.assessed_year(ctx.today),
        )
        key = N_("tip_commendation.accepted") if accepted else N_("tip_commendation.declined")
        done = Text(ctx.t(key, code=code, name=name or ""))
        return Completion(replies=[done], effects=[*check.effects, effect])

    return Flow(
        "tip_commendation_answer",
        title=N_("menu.tip_commendation_answer"),
        commands=("khenthuong", "commendme"),
        action=Action.FOLLOW_OWN_TIP,
        complete=complete,
        steps=[
            code_step(N_("status.ask_code"), invited_check(per_hour)),
            Step(
                "decision",
                N_("tip_commendation.ask_decision"),
                DECISIONS,
                N_("tip_commendation.title.decision"),
                applies=lambda answers: not answers.get("refused"),
            ),
            Step(
                "name",
                N_("tip_commendation.ask_name"),
                FreeText(min_length=2, max_length=NAME_LIMIT),
                N_("tip_commendation.title.name"),
                applies=_accepting,
            ),
            Step(
                "phone",
                N_("tip_commendation.ask_phone"),
                OptionalPhone(),
                N_("tip_commendation.title.phone"),
                applies=_accepting,
            ),
            Step(
                "role",
                N_("tip_commendation.ask_role"),
                OptionalText(SKIP, max_length=NAME_LIMIT),
                N_("tip_commendation.title.role"),
                applies=_accepting,
            ),
        ],
    )
