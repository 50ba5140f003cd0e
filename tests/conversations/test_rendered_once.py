"""What the engine keeps once rendered (issue 28) is what it would render at each message."""

from __future__ import annotations

import gettext
from datetime import date

from conversations.fields import FieldContext
from conversations.i18n import Catalogues
from conversations.replies import Choices, Option
from conversations.tips.report import CATEGORIES
from tests.conversations.harness import CATALOGUES

TODAY = date(2026, 11, 23)


def offered(ctx: FieldContext) -> tuple[Option, ...]:
    question = CATEGORIES.question("?", "category", ctx, None)
    assert isinstance(question, Choices)
    return question.options


def rendered_now(ctx: FieldContext) -> tuple[Option, ...]:
    return tuple(Option(option.id, option.text(ctx)) for option in CATEGORIES.options)


def test_a_choice_offers_its_labels_in_each_language_asked() -> None:
    vietnamese = FieldContext(CATALOGUES, "vi", TODAY)
    english = FieldContext(CATALOGUES, "en", TODAY)
    for ctx in (vietnamese, english, vietnamese, english):
        assert offered(ctx) == rendered_now(ctx)
    assert offered(vietnamese) != offered(english)


def test_a_choice_asked_with_other_catalogues_offers_theirs() -> None:
    keys_only = Catalogues({"vi": gettext.NullTranslations(), "en": gettext.NullTranslations()})  # type: ignore[dict-item]
    ours = FieldContext(CATALOGUES, "vi", TODAY)
    theirs = FieldContext(keys_only, "vi", TODAY)
    assert offered(ours) == rendered_now(ours)
    assert [option.label for option in offered(theirs)] == [
        option.label for option in CATEGORIES.options
    ]
    assert offered(ours) == rendered_now(ours)
