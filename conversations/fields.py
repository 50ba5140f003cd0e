"""Input kinds: how a step asks its question, reads an answer and shows it back.

Parsing forgives the way people type on a phone: choices match without diacritics or case and
by their number, "1.200" is 1200, dates and times come in the usual Vietnamese forms. A wrong
answer raises ``InvalidAnswer`` carrying a catalogue key; the engine explains and asks again.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from conversations.i18n import N_, Catalogues, shown_number
from conversations.localtime import shown_date, shown_time
from conversations.parsing import (
    ParseError,
    fold,
    fold_words,
    is_emoji_only,
    parse_coordinates,
    parse_date,
    parse_integer,
    parse_moment,
    parse_phone,
)
from conversations.places import PlaceReads
from conversations.policy import Grant
from conversations.replies import AskLocation, Choices, Inbound, Option, Reply, Text


class Reads(Protocol):
    """Read access to stored records, bound to the message's transaction, as fields and flows
    get it: ``records.places`` for the core, and each feature's reader under the feature's
    name (``records.tips``, ``records.events``), declared by that feature.

    ``conversations.ports.Records`` names every feature's reader for ``bot`` and the engine;
    the core does not, so that a feature never reaches another (nor the port) through it."""

    places: PlaceReads

    def __getattr__(self, feature: str) -> Any: ...


class InvalidAnswer(Exception):
    """The answer does not fit the question; ``key`` names the explanation in the catalogue."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Accepted:
    """A parsed answer. ``complete=False`` keeps the user on the step (more files welcome)."""

    value: Any
    complete: bool = True
    ack: str | None = None
    ack_params: Mapping[str, object] | None = None


@dataclass(frozen=True)
class FieldContext:
    """What a field needs to ask and to read: the member's language, today's local date,
    the member's roles (a question may offer them as choices) and the flow's answers so far
    (a question may build on them: the figures already known of an area)."""

    catalogues: Catalogues
    locale: str
    today: date
    roles: tuple[Grant, ...] = ()
    answers: Mapping[str, Any] = field(default_factory=dict)
    member_id: int | None = None  # who asks: a tip's handler is told "đồng chí", not a name

    def t(self, key: str, **params: object) -> str:
        return self.catalogues.text(self.locale, key, **params)


def require_text(message: Inbound) -> str:
    """The typed text of ``message`` or the reason why there is none usable."""
    if message.unsupported is not None:
        raise InvalidAnswer(N_("input.unsupported"))
    if message.media is not None or message.location is not None:
        raise InvalidAnswer(N_("input.text_expected"))
    text = (message.text or "").strip()
    if not text:
        raise InvalidAnswer(N_("input.empty"))
    if is_emoji_only(text):
        raise InvalidAnswer(N_("input.emoji_only"))
    return text


def check_length(text: str, minimum: int, maximum: int) -> None:
    """Raise ``InvalidAnswer`` unless ``text`` has ``minimum`` letters or digits (a row of
    dots says nothing) and at most ``maximum`` characters."""
    meaningful = sum(map(str.isalnum, text))  # without a generator: a tip's text is long
    if meaningful == 0:
        raise InvalidAnswer(N_("input.words_expected"))
    if meaningful < minimum:
        raise InvalidAnswer(N_("input.too_short"), minimum=minimum)
    if len(text) > maximum:
        raise InvalidAnswer(N_("input.too_long"), maximum=maximum, length=len(text))


def _length_limits(minimum: int, maximum: int, ctx: FieldContext) -> dict[str, object]:
    return {
        "minimum": shown_number(minimum, ctx.locale),
        "maximum": shown_number(maximum, ctx.locale),
    }


class Field(ABC):
    """One kind of input."""

    def prompt(self, key: str, ctx: FieldContext, current: Any, **params: object) -> str:
        """The translated prompt of the step (catalogue ``key`` with the step's ``params``); a
        field that already holds part of an answer (``current``: files attached) may ask in its
        own words."""
        return ctx.t(key, **{**self.limits(ctx), **params})

    def limits(self, ctx: FieldContext) -> dict[str, object]:
        """The field's own limits as its prompt's ``{minimum}`` and ``{maximum}``: a prompt
        states the limit the code checks, never a number typed into the catalogue."""
        return {}

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        """The reply that asks for this field; ``text`` is the translated prompt. Most fields
        are answered by typing and ask with the prompt alone; a field that offers choices, or
        a location button, says so here."""
        return Text(text)

    @abstractmethod
    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        """Read an answer or raise ``InvalidAnswer``; ``current`` is the answer so far."""

    def display(self, value: Any, ctx: FieldContext) -> str:
        """The answer as shown in a summary."""
        return str(value)

    async def resolve(self, accepted: Accepted, ctx: FieldContext, records: Reads) -> Accepted:
        """A parsed answer checked against stored records (a place's name); may raise
        ``InvalidAnswer``. Most fields need no records and keep the answer as parsed."""
        return accepted

    # A field holding several values (a page of counts) lists each on its own summary line,
    # and each can be changed alone by its number.
    several_items = False

    def summary_items(self, value: Any, ctx: FieldContext) -> list[tuple[str | None, str]]:
        """The summary lines of an answer: (label key, None for the step's title; shown)."""
        return [(None, self.display(value, ctx))]

    def item_label(self, index: int) -> str | None:
        """The catalogue key of item ``index``'s label (fields with several items)."""
        return None

    def edit_item(self, value: Any, index: int, message: Inbound, ctx: FieldContext) -> Any:
        """``value`` with item ``index`` replaced by the answer in ``message``; may raise
        ``InvalidAnswer``. A single-valued field takes the message as a whole new answer."""
        accepted = self.parse(message, ctx, value)
        if not accepted.complete:
            raise InvalidAnswer(N_("summary.item_needs_step"))
        return accepted.value


@dataclass(frozen=True)
class ChoiceOption:
    """An option: a stable id, a catalogue key for its label, words that also pick it, and
    the values of the label's ``{slots}`` (a period from the code, say) as ``(name, value)``."""

    id: str
    label: str
    synonyms: tuple[str, ...] = ()
    params: tuple[tuple[str, object], ...] = ()

    def text(self, ctx: FieldContext) -> str:
        return ctx.t(self.label, **dict(self.params))


def match_option(
    message: Inbound,
    options: tuple[ChoiceOption, ...],
    ctx: FieldContext,
    *,
    numbered_from: int = 1,
) -> str:
    """The id of the option picked by a tap, its number (counted from ``numbered_from``, as
    the question shows them), its id or its words in any language."""
    if message.option is not None:
        if any(option.id == message.option for option in options):
            return message.option
        raise InvalidAnswer(N_("input.choose_option"), count=len(options))
    text = require_text(message)
    folded = fold(text)
    number = folded.rstrip(".)")
    if number.isdigit():
        index = int(number) - numbered_from
        if 0 <= index < len(options):
            return options[index].id
        raise InvalidAnswer(N_("input.choose_option"), count=len(options))
    exact: list[str] = []
    prefixed: list[str] = []
    for option in options:
        words = ctx.catalogues.folded_variants(option.label) | fold_words(
            *option.synonyms, option.id
        )
        if folded in words:
            exact.append(option.id)
        elif len(folded) >= 3 and any(word.startswith(folded) for word in words):
            prefixed.append(option.id)
    if len(exact) == 1:
        return exact[0]
    if not exact and len(prefixed) == 1:
        return prefixed[0]
    raise InvalidAnswer(N_("input.choose_option"), count=len(options))


class Choice(Field):
    """Pick one of a few options."""

    def __init__(self, *options: ChoiceOption) -> None:
        self.options = options
        self.labels = {option.id: option.label for option in options}
        self.by_id = {option.id: option for option in options}
        # The options as offered, by language, for the catalogues they were rendered from.
        self._offered: dict[str, tuple[Option, ...]] = {}
        self._offered_from: Catalogues | None = None

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        return Choices(text, self.offered(ctx), ref)

    def offered(self, ctx: FieldContext) -> tuple[Option, ...]:
        """The options with their labels in the member's language. They depend on the
        catalogues and the language alone, so they are rendered once per language rather
        than at every question (issue 28)."""
        if self._offered_from is not ctx.catalogues:
            self._offered, self._offered_from = {}, ctx.catalogues
        offered = self._offered.get(ctx.locale)
        if offered is None:
            offered = tuple(Option(option.id, option.text(ctx)) for option in self.options)
            self._offered[ctx.locale] = offered
        return offered

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        return Accepted(match_option(message, self.options, ctx))

    def display(self, value: Any, ctx: FieldContext) -> str:
        option = self.by_id.get(value)
        return option.text(ctx) if option else str(value)


def yes_no() -> Choice:
    """A yes/no question answered with "có"/"không", "c"/"k", "yes"/"no" or 1/2."""
    return Choice(
        ChoiceOption("yes", N_("common.yes"), ("co", "c", "y", "yes", "ok", "dong y")),
        ChoiceOption("no", N_("common.no"), ("khong", "ko", "k", "n", "no")),
    )


class FreeText(Field):
    """Free text between ``min_length`` and ``max_length`` characters; the shortest length
    counts letters and digits only, so that a row of dots says nothing."""

    def __init__(self, *, min_length: int = 1, max_length: int = 4000) -> None:
        self.min_length = min_length
        self.max_length = max_length

    def limits(self, ctx: FieldContext) -> dict[str, object]:
        return _length_limits(self.min_length, self.max_length, ctx)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        text = require_text(message)
        check_length(text, self.min_length, self.max_length)
        return Accepted(text)

    def display(self, value: Any, ctx: FieldContext) -> str:
        text = str(value)
        return text if len(text) <= 300 else text[:300].rstrip() + "…"


class OptionalText(Field):
    """A text, or what leaves it out: a word of ``skip`` ("không") or, when ``offer_skip``, a
    tap on its button. Left out, it is stored as ""."""

    def __init__(
        self,
        skip: ChoiceOption,
        *,
        max_length: int = 2000,
        offer_skip: bool = True,
        none_label: str = N_("common.none"),
        shown_up_to: int | None = 300,
    ) -> None:
        self.skip = skip
        self.max_length = max_length
        self.offer_skip = offer_skip
        self.none_label = none_label
        self.shown_up_to = shown_up_to

    def limits(self, ctx: FieldContext) -> dict[str, object]:
        return {"maximum": shown_number(self.max_length, ctx.locale)}

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        if not self.offer_skip:
            return Text(text)
        return Choices(text, (Option(self.skip.id, ctx.t(self.skip.label)),), ref, allow_text=True)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        if message.option is not None:
            if message.option != self.skip.id:
                raise InvalidAnswer(N_("input.choose_option"), count=1)
            return Accepted("")
        words = fold_words(*self.skip.synonyms) | ctx.catalogues.folded_variants(self.skip.label)
        if fold(message.text or "") in words:
            return Accepted("")
        text = require_text(message)
        if len(text) > self.max_length:
            raise InvalidAnswer(N_("input.too_long"), maximum=self.max_length, length=len(text))
        return Accepted(text)

    def display(self, value: Any, ctx: FieldContext) -> str:
        if not value:
            return ctx.t(self.none_label)
        text = str(value)
        if self.shown_up_to is None or len(text) <= self.shown_up_to:
            return text
        return text[: self.shown_up_to].rstrip() + "…"


class Number(Field):
    """A whole number; "1.200" is read as 1200. With ``may_be_unknown`` "không rõ" is an
    answer too, stored as None (no button: a typed number must never pick an option)."""

    def __init__(
        self, *, minimum: int = 0, maximum: int | None = None, may_be_unknown: bool = False
    ) -> None:
        self.minimum = minimum
        self.maximum = maximum
        self.may_be_unknown = may_be_unknown

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        text = require_text(message)
        if self.may_be_unknown and fold(text) in unknown_answer_words(ctx):
            return Accepted(None)
        try:
            return Accepted(parse_integer(text, minimum=self.minimum, maximum=self.maximum))
        except ParseError as error:
            if error.reason == "too_small":
                raise InvalidAnswer(N_("input.number_too_small"), minimum=self.minimum) from None
            if error.reason == "too_large" and self.maximum is not None:
                raise InvalidAnswer(N_("input.number_too_large"), maximum=self.maximum) from None
            raise InvalidAnswer(N_("input.not_a_number")) from None

    def display(self, value: Any, ctx: FieldContext) -> str:
        if value is None:
            return ctx.t(N_("common.unknown"))
        return shown_number(value, ctx.locale)


class DateField(Field):
    """A past or present date: dd/mm/yyyy, d/m, "hôm nay", "hôm qua"."""

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        text = require_text(message)
        try:
            return Accepted(parse_date(text, today=ctx.today).isoformat())
        except ParseError as error:
            if error.reason == "future_date":
                raise InvalidAnswer(N_("input.date_future")) from None
            raise InvalidAnswer(N_("input.bad_date")) from None

    def display(self, value: Any, ctx: FieldContext) -> str:
        return shown_date(date.fromisoformat(value))


UNKNOWN_WORDS = (
    "khong ro",
    "ko ro",
    "k ro",
    "khong biet",
    "khong nho",
    "khong nho ro",
    "ko nho",
    "unknown",
    "not sure",
    "dont know",
    "don't know",
    "dont remember",
    "don't remember",
)


class WhenHappened(Field):
    """When something happened: a date, a time, both, or "không rõ"."""

    unknown = ChoiceOption("unknown", N_("common.unknown"), UNKNOWN_WORDS)

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        option = Option(self.unknown.id, ctx.t(self.unknown.label))
        return Choices(text, (option,), ref, allow_text=True)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        if message.option is not None or fold(message.text or "") in unknown_answer_words(ctx):
            match_option(message, (self.unknown,), ctx)
            return Accepted({"unknown": True})
        text = require_text(message)
        try:
            moment = parse_moment(text, today=ctx.today)
        except ParseError as error:
            if error.reason == "future_date":
                raise InvalidAnswer(N_("input.date_future")) from None
            raise InvalidAnswer(N_("input.bad_moment")) from None
        return Accepted(
            {
                "date": moment.date.isoformat() if moment.date else None,
                "time": shown_time(moment.time) if moment.time else None,
            }
        )

    def display(self, value: Any, ctx: FieldContext) -> str:
        if value.get("unknown"):
            return ctx.t(self.unknown.label)
        parts = []
        if value.get("time"):
            parts.append(value["time"])
        if value.get("date"):
            parts.append(shown_date(date.fromisoformat(value["date"])))
        return " ".join(parts)


def unknown_answer_words(ctx: FieldContext) -> frozenset[str]:
    return fold_words(*UNKNOWN_WORDS) | ctx.catalogues.folded_variants(N_("common.unknown"))


class Whereabouts(Field):
    """Where: a shared location, a map link, an address or landmark, or "không nhớ rõ"."""

    unknown = ChoiceOption("unknown", N_("common.unknown_place"), UNKNOWN_WORDS)

    def __init__(self, *, min_length: int = 3, max_length: int = 500) -> None:
        self.min_length = min_length
        self.max_length = max_length

    def limits(self, ctx: FieldContext) -> dict[str, object]:
        return _length_limits(self.min_length, self.max_length, ctx)

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        option = Option(self.unknown.id, ctx.t(self.unknown.label))
        return AskLocation(text, (option,), ref)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        if message.location is not None:
            point = message.location
            return Accepted({"latitude": point.latitude, "longitude": point.longitude})
        unknown_words = unknown_answer_words(ctx) | ctx.catalogues.folded_variants(
            self.unknown.label
        )
        if message.option is not None or fold(message.text or "") in unknown_words:
            match_option(message, (self.unknown,), ctx)
            return Accepted({"unknown": True})
        text = require_text(message)
        coordinates = parse_coordinates(text)
        if coordinates is not None:
            return Accepted({"latitude": coordinates[0], "longitude": coordinates[1]})
        check_length(text, self.min_length, self.max_length)
        return Accepted({"text": text})

    def display(self, value: Any, ctx: FieldContext) -> str:
        if value.get("unknown"):
            return ctx.t(self.unknown.label)
        if "text" in value:
            return str(value["text"])
        return ctx.t(N_("common.shared_location"), lat=value["latitude"], lon=value["longitude"])


FINISH_WORDS = ("xong", "bo qua", "khong", "ko", "k", "het", "done", "skip", "no", "finish")


class Attachments(Field):
    """Up to ``max_items`` photos, videos, voice notes or documents, stored as file ids."""

    finish = ChoiceOption("done", N_("common.done"), FINISH_WORDS)
    skip = ChoiceOption("done", N_("common.skip"), FINISH_WORDS)

    def __init__(
        self, *, max_items: int = 5, max_bytes: int = 50 * 1024 * 1024, more: str | None = None
    ) -> None:
        self.max_items = max_items
        self.max_bytes = max_bytes
        # Asked again with files attached (back at this step): what is attached and the
        # option that goes on, named as it is offered ({files}, {maximum}, {done}).
        self.more = more

    def limits(self, ctx: FieldContext) -> dict[str, object]:
        return {"maximum": self.max_items}

    def prompt(self, key: str, ctx: FieldContext, current: Any, **params: object) -> str:
        if not current or self.more is None:
            return super().prompt(key, ctx, current, **params)
        return ctx.t(
            self.more,
            files=self.display(current, ctx),
            maximum=self.max_items,
            done=ctx.t(self.finish.label),
        )

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        option = self.finish if current else self.skip
        return Choices(text, (Option(option.id, ctx.t(option.label)),), ref, allow_text=True)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        items: list[dict[str, Any]] = list(current or [])
        media = message.media
        if media is None:
            if message.location is not None or message.unsupported is not None:
                raise InvalidAnswer(N_("input.media_expected"))
            if message.option is not None or fold(message.text or "") in FINISH_WORDS:
                match_option(message, (self.finish,), ctx)
                return Accepted(items)
            require_text(message)
            raise InvalidAnswer(N_("input.media_expected"))
        if media.size_bytes is not None and media.size_bytes > self.max_bytes:
            raise InvalidAnswer(N_("input.file_too_large"), max_mb=self.max_bytes // 1024 // 1024)
        items.append(
            {
                "kind": media.kind,
                "channel": message.channel,
                "file_id": media.file_id,
                "file_unique_id": media.file_unique_id,
                "mime_type": media.mime_type,
                "size_bytes": media.size_bytes,
                "file_name": media.file_name,
                "duration_seconds": media.duration_seconds,
                "caption": media.caption,
            }
        )
        if len(items) >= self.max_items:
            return Accepted(
                items, ack=N_("input.attachments_full"), ack_params={"count": len(items)}
            )
        return Accepted(
            items,
            complete=False,
            ack=N_("input.attachment_received"),
            ack_params={"count": len(items), "maximum": self.max_items},
        )

    def display(self, value: Any, ctx: FieldContext) -> str:
        if not value:
            return ctx.t(N_("common.none"))
        kinds = ", ".join(ctx.t(MEDIA_KIND_LABELS[item["kind"]]) for item in value)
        return ctx.t(N_("common.files"), count=len(value), kinds=kinds)


MEDIA_KIND_LABELS = {
    "photo": N_("media.photo"),
    "video": N_("media.video"),
    "voice": N_("media.voice"),
    "document": N_("media.document"),
}


class Phone(Field):
    """A Vietnamese phone number, stored as +84…."""

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        text = require_text(message)
        try:
            return Accepted(parse_phone(text))
        except ParseError:
            raise InvalidAnswer(N_("input.bad_phone")) from None

    def display(self, value: Any, ctx: FieldContext) -> str:
        return shown_phone(str(value))


def shown_phone(value: str) -> str:
    """A phone as it is shown everywhere (chat, web, one's own data): the domestic form
    Vietnamese users write, 0912345678, although it is stored as +84912345678."""
    return "0" + value[3:] if value.startswith("+84") else value


TIP_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def normalise_tip_code(text: str) -> str | None:
    """A typed tip code in canonical form (Crockford base32, 8 characters) or None."""
    cleaned = re.sub(r"[\s\-_.]", "", text).upper().translate(_CROCKFORD_ALIASES)
    if len(cleaned) != 8 or any(char not in TIP_CODE_ALPHABET for char in cleaned):
        return None
    return cleaned


def format_tip_code(code: str) -> str:
    """Show a code in two groups of four, easier to read out and copy: ``K7Q2-M9XD``."""
    return f"{code[:4]}-{code[4:]}"


class TipCode(Field):
    """A tip's code as the user typed it (any case, with or without the dash)."""

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        text = require_text(message)
        code = normalise_tip_code(text)
        # A malformed code is answered later exactly like an unknown one.
        return Accepted(code or "")
