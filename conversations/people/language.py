"""Choosing the language: asked once at the first message, changeable from the menu."""

from __future__ import annotations

from typing import Any

from conversations.fields import Choice, ChoiceOption
from conversations.flow import Completion, Flow, FlowContext, Step
from conversations.i18n import N_
from conversations.people import SetLocale
from conversations.policy import Action
from conversations.replies import Text

LANGUAGES = Choice(
    ChoiceOption("vi", N_("language.vi"), ("vi", "viet", "tieng viet", "vietnamese")),
    ChoiceOption("en", N_("language.en"), ("en", "eng", "english", "tieng anh")),
)


async def save_language(answers: dict[str, Any], ctx: FlowContext) -> Completion:
    locale = answers["locale"]
    replies = [Text(ctx.catalogues.text(locale, N_("language.saved")))]
    if ctx.member.locale is None:
        replies.append(Text(ctx.catalogues.text(locale, N_("home.welcome"))))
    return Completion(replies=replies, effects=[SetLocale(locale)])


def language_flow() -> Flow:
    title = N_("menu.language")
    locale = Step("locale", N_("language.prompt"), LANGUAGES, title=title)
    return Flow.one_question(
        "language",
        title,
        locale,
        save_language,
        commands=("language", "ngonngu", "lang"),
        action=Action.CHOOSE_LANGUAGE,
    )
