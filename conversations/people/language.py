"""Choosing the language: asked once at the first message, changeable from the menu.

An invitation code typed instead of a language (the person was told "send this code" and
does just that) is not refused: the code is kept, the language stays the default one, and the
code is redeemed at once."""

from __future__ import annotations

from typing import Any

from conversations.fields import Accepted, Choice, ChoiceOption, FieldContext
from conversations.flow import Completion, Flow, FlowContext, NextFlow, Step
from conversations.i18n import DEFAULT_LOCALE, N_
from conversations.people import SetLocale
from conversations.people.invitations import looks_like_invite_code, normalise_invite_code
from conversations.people.join import JOIN_FLOW
from conversations.policy import Action
from conversations.replies import Inbound, Text

LANGUAGES = (
    ChoiceOption("vi", N_("language.vi"), ("vi", "viet", "tieng viet", "vietnamese")),
    ChoiceOption("en", N_("language.en"), ("en", "eng", "english", "tieng anh")),
)

# The answer when an invitation code came instead of a language: {INVITATION: code}.
INVITATION = "invitation"


class LanguageOrInvitation(Choice):
    """One of the languages, or an invitation code typed at the language question."""

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        text = message.text or ""
        if message.option is None and looks_like_invite_code(text):
            return Accepted({INVITATION: normalise_invite_code(text)})
        return super().parse(message, ctx, current)


async def save_language(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    answer = answers["locale"]
    if isinstance(answer, dict):
        return redeem_with_language(answer[INVITATION], ctx)
    replies = [Text(ctx.catalogues.text(answer, N_("language.saved")))]
    if ctx.member.locale is None:
        replies.append(Text(ctx.catalogues.text(answer, N_("home.welcome"))))
    return Completion(replies=replies, effects=[SetLocale(answer)])


def redeem_with_language(code: str, ctx: FlowContext) -> Completion:
    """Go on to the invitation; a member with no language yet gets the default one."""
    following = NextFlow(JOIN_FLOW, code)
    if ctx.member.locale is not None:
        return Completion(next_flow=following)
    said = Text(ctx.catalogues.text(DEFAULT_LOCALE, N_("language.default_for_code")))
    return Completion(replies=[said], effects=[SetLocale(DEFAULT_LOCALE)], next_flow=following)


def language_flow() -> Flow:
    title = N_("menu.language")
    locale = Step("locale", N_("language.prompt"), LanguageOrInvitation(*LANGUAGES), title=title)
    return Flow.one_question(
        "language",
        title,
        locale,
        save_language,
        commands=("language", "ngonngu", "lang"),
        action=Action.CHOOSE_LANGUAGE,
    )
