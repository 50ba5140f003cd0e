"""The input kinds of composing a broadcast: an optional photo, an optional English version,
the places, the roles (several at once, "1 3") and when to send ("ngay", "20:00 25/11")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

# The audience's questions are shared with surveys; named here too, where callers look for them.
from conversations.audience import AudiencePlaces as AudiencePlaces
from conversations.audience import AudienceRoles as AudienceRoles
from conversations.audience import is_option
from conversations.broadcasts import MAX_TEXT
from conversations.fields import (
    Accepted,
    ChoiceOption,
    Field,
    FieldContext,
    InvalidAnswer,
    OptionalText,
    require_text,
)
from conversations.i18n import N_
from conversations.localtime import shown
from conversations.parsing import ParseError, example_day, fold, parse_coming_moment, parse_time
from conversations.replies import Choices, Inbound, Option, Reply

SKIP_WORDS = ("khong", "ko", "k", "bo qua", "khong co", "no", "none", "skip")
MAX_PLACES_SHOWN = 8


class PhotoOrNone(Field):
    """One photo, or "không"."""

    none = ChoiceOption("none", N_("broadcasts.photo.none"), SKIP_WORDS)

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        return Choices(text, (Option(self.none.id, ctx.t(self.none.label)),), ref, allow_text=True)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        media = message.media
        if media is not None:
            if media.kind != "photo":
                raise InvalidAnswer(N_("broadcasts.photo.only_photo"))
            return Accepted({"channel": message.channel, "file_id": media.file_id})
        if is_option(message, self.none, ctx):
            return Accepted({})
        require_text(message)
        raise InvalidAnswer(N_("broadcasts.photo.expected"))

    def display(self, value: Any, ctx: FieldContext) -> str:
        return ctx.t(N_("broadcasts.photo.attached")) if value else ctx.t(N_("common.none"))


def english_or_none() -> OptionalText:
    """The English version of a broadcast, or "không"."""
    none = ChoiceOption("none", N_("broadcasts.english.none"), SKIP_WORDS)
    return OptionalText(none, max_length=MAX_TEXT)


class SendTime(Field):
    """Now, or a local date and time: "20:00 25/11", "25/11 8h sáng", "20h" (today)."""

    now = ChoiceOption("now", N_("broadcasts.when.now"), ("ngay", "bay gio", "gui ngay", "now"))

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        example = ctx.t(N_("broadcasts.when.example"), day=example_send_day(ctx.today))
        offered = (Option(self.now.id, ctx.t(self.now.label)),)
        return Choices(f"{text} {example}", offered, ref, allow_text=True)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        if is_option(message, self.now, ctx):
            return Accepted({"now": True})
        if message.option is not None:
            raise InvalidAnswer(N_("input.choose_option"), count=1)
        moment = parse_send_time(require_text(message), ctx.today)
        return Accepted({"at": moment.isoformat(timespec="minutes")})

    def display(self, value: Any, ctx: FieldContext) -> str:
        if value.get("now"):
            return ctx.t(self.now.label)
        return shown(datetime.fromisoformat(value["at"]))


def example_send_day(today: date) -> str:
    """ "09/12": a coming day for the examples of a send time."""
    return example_day(today).strftime("%d/%m")


def parse_send_time(text: str, today: date) -> datetime:
    """A local wall-clock time to send at: a time alone is today's; a date without a year that
    has passed means next year's. Raises ``InvalidAnswer``."""
    words = fold(text).split()
    if not words or len(words) > MAX_WORDS:
        raise InvalidAnswer(N_("broadcasts.when.bad"), day=example_send_day(today))
    try:
        return datetime.combine(today, parse_time(" ".join(words)))
    except ParseError:
        pass
    try:
        day, clock = parse_coming_moment(text, today=today, max_words=MAX_WORDS)
    except ParseError as problem:
        if problem.reason == "past":
            raise InvalidAnswer(N_("broadcasts.when.past")) from None
        raise InvalidAnswer(N_("broadcasts.when.bad"), day=example_send_day(today)) from None
    return datetime.combine(day, clock)


MAX_WORDS = 8
