"""/lienket: get a code for another account, type the code got on another account, or choose
which account notices go to; /huylienket: take this account out of the link."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from conversations.fields import Accepted, Choice, ChoiceOption, FieldContext
from conversations.flow import Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.linking import (
    DEFAULT_LINK_CODE_MINUTES,
    ChooseNoticeAccount,
    CreateLinkCode,
    UnlinkAccount,
    UseLinkCode,
    format_link_code,
    new_link_code,
    normalise_link_code,
)
from conversations.policy import Action
from conversations.replies import Inbound, Text
from conversations.secret_codes import CodeKind

LINK_FLOW = "link"
UNLINK_FLOW = "unlink"

# The answer when a code was typed instead of an option: {CODE: code}.
CODE = "code"

LINK_OPTIONS = (
    ChoiceOption("new", N_("linking.option.new"), ("ma", "ma moi", "tao ma", "new", "code")),
    ChoiceOption("here", N_("linking.option.here"), ("tai day", "here")),
    ChoiceOption("last", N_("linking.option.last"), ("gan nhat", "last")),
)


class OptionOrCode(Choice):
    """One of the options, or a link code typed (or sent after the command)."""

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        code = normalise_link_code(message.text or "") if message.option is None else None
        if code is not None:
            return Accepted({CODE: code})
        return super().parse(message, ctx, current)


def link_flow(code_minutes: int = DEFAULT_LINK_CODE_MINUTES) -> Flow:
    async def complete(answers: dict[str, Any], ctx: FlowContext) -> Completion:
        answer = answers["what"]
        if isinstance(answer, dict):
            attempts = await ctx.records.people.code_attempts(ctx.member.id, CodeKind.LINK)
            minutes = attempts.minutes_to_wait(ctx.now)
            if minutes is not None:
                return Completion(replies=[Text(ctx.t(N_("linking.slow_down"), minutes=minutes))])
            # The handler says whether the code was good: only the database knows. The other
            # account's unfinished draft comes along (``Engine._adopt_draft``).
            offered = await ctx.records.people.linked_draft(answer[CODE], ctx.member.id, ctx.now)
            effect = UseLinkCode(answer[CODE], attempts, carried=offered is not None)
            return Completion(effects=[effect], offered_draft=offered)
        if answer == "new":
            code = new_link_code()
            expires_at = ctx.now + timedelta(minutes=code_minutes)
            said = ctx.t(
                N_("linking.code_given"), code=format_link_code(code), minutes=code_minutes
            )
            return Completion(replies=[Text(said)], effects=[CreateLinkCode(code, expires_at)])
        return Completion(effects=[ChooseNoticeAccount(here=answer == "here")])

    title = N_("menu.link")
    what = Step("what", N_("linking.ask"), OptionOrCode(*LINK_OPTIONS), title=title)
    return Flow.one_question(
        LINK_FLOW,
        title,
        what,
        complete,
        commands=("lienket", "link"),
        action=Action.MY_DATA,
        needs_consent=True,
    )


async def unlink(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    # The handler knows whether there is a link to undo, and says so.
    return Completion(effects=[UnlinkAccount()])


def unlink_flow() -> Flow:
    return Flow.at_once(
        UNLINK_FLOW,
        N_("menu.unlink"),
        unlink,
        step="what",
        commands=("huylienket", "unlink"),
        action=Action.MY_DATA,
    )
