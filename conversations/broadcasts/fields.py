"""The input kinds of composing a broadcast: an optional photo, an optional English version,
the places, the roles (several at once, "1 3") and when to send ("ngay", "20:00 25/11")."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from conversations.broadcasts import AUDIENCE_ROLES, MAX_TEXT
from conversations.choosing import one_place
from conversations.fields import (
    Accepted,
    ChoiceOption,
    Field,
    FieldContext,
    InvalidAnswer,
    OptionalText,
    match_option,
    require_text,
)
from conversations.i18n import N_
from conversations.localtime import shown
from conversations.parsing import ParseError, example_day, fold, parse_coming_moment, parse_time
from conversations.places import Place, is_inside
from conversations.policy import ROLE_LABELS, Action, Role, scopes
from conversations.replies import Choices, Inbound, Option, Reply

if TYPE_CHECKING:
    from conversations.fields import Reads

SKIP_WORDS = ("khong", "ko", "k", "bo qua", "khong co", "no", "none", "skip")
MAX_PLACES_SHOWN = 8


def _is_option(message: Inbound, option: ChoiceOption, ctx: FieldContext) -> bool:
    """Did the member tap ``option`` or type one of its words?"""
    if message.option is not None:
        return message.option == option.id
    words = {fold(word) for word in option.synonyms}
    words |= {fold(label) for label in ctx.catalogues.variants(option.label)}
    return fold(message.text or "") in words


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
        if _is_option(message, self.none, ctx):
            return Accepted({})
        require_text(message)
        raise InvalidAnswer(N_("broadcasts.photo.expected"))

    def display(self, value: Any, ctx: FieldContext) -> str:
        return ctx.t(N_("broadcasts.photo.attached")) if value else ctx.t(N_("common.none"))


def english_or_none() -> OptionalText:
    """The English version of a broadcast, or "không"."""
    none = ChoiceOption("none", N_("broadcasts.english.none"), SKIP_WORDS)
    return OptionalText(none, max_length=MAX_TEXT)


def place_answer(place: Place) -> dict[str, Any]:
    # "name" is shown to the admin (with its parent, to tell namesakes apart); "own_name" is
    # how recipients see the sender, as the copies in the outbox name it.
    return {"id": place.id, "name": place.full_name, "own_name": place.name, "path": place.path}


class AudiencePlaces(Field):
    """The places a broadcast goes to: the admin's whole place, or names and codes of places
    inside it, separated by commas."""

    whole = ChoiceOption(
        "all", N_("broadcasts.areas.all"), ("tat ca", "toan bo", "ca dia ban", "all", "whole")
    )

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        option = Option(self.whole.id, ctx.t(self.whole.label))
        return Choices(text, (option,), ref, allow_text=True)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        if _is_option(message, self.whole, ctx):
            return Accepted({"all": True})
        if message.option is not None:
            raise InvalidAnswer(N_("input.choose_option"), count=1)
        text = require_text(message)
        if len(text) > 500:
            raise InvalidAnswer(N_("input.too_long"), maximum=500, length=len(text))
        return Accepted({"query": text})

    async def resolve(self, accepted: Accepted, ctx: FieldContext, records: Reads) -> Accepted:
        places = scopes(ctx.roles, Action.BROADCAST)
        if not places:
            raise InvalidAnswer(N_("policy.denied"))
        if accepted.value.get("all"):
            if len(places) > 1:
                names = ", ".join(place.full_name for place in places)
                raise InvalidAnswer(N_("broadcasts.areas.several"), places=names)
            (place,) = places
            return Accepted({"within": place_answer(place), "areas": [place_answer(place)]})
        chosen: dict[int, Place] = {}
        for name in re.split(r"[,;\n]+", accepted.value["query"]):
            if name.strip():
                place = await one_place(records, name.strip(), ctx, within=places, kinds=None)
                chosen[place.id] = place
        if not chosen:
            raise InvalidAnswer(N_("input.empty"))
        within = next(
            (
                scope
                for scope in places
                if all(is_inside(place.path, scope.path) for place in chosen.values())
            ),
            None,
        )
        if within is None:
            raise InvalidAnswer(N_("broadcasts.areas.one_place"))
        return Accepted(
            {
                "within": place_answer(within),
                "areas": [place_answer(place) for place in chosen.values()],
            }
        )

    def display(self, value: Any, ctx: FieldContext) -> str:
        return ", ".join(area["name"] for area in value.get("areas", []))


EVERYONE = "everyone"
ROLE_OPTIONS = (
    ChoiceOption(
        EVERYONE, N_("broadcasts.roles.everyone"), ("tat ca", "moi nguoi", "all", "everyone")
    ),
    ChoiceOption(Role.RESIDENT, ROLE_LABELS[Role.RESIDENT], ("nguoi dan", "dan", "residents")),
    ChoiceOption(Role.LEADER, ROLE_LABELS[Role.LEADER], ("truong thon", "to truong", "leaders")),
    ChoiceOption(Role.MODEL_LEAD, ROLE_LABELS[Role.MODEL_LEAD], ("mo hinh", "model leads")),
    ChoiceOption(Role.OFFICER, ROLE_LABELS[Role.OFFICER], ("cong an", "officers")),
    ChoiceOption(Role.ADMIN, ROLE_LABELS[Role.ADMIN], ("quan tri", "admins")),
)


class AudienceRoles(Field):
    """Whom among the people of those places: one or several options ("1 3", "2, 5")."""

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        offered = tuple(Option(option.id, ctx.t(option.label)) for option in ROLE_OPTIONS)
        return Choices(text, offered, ref, allow_text=True)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        if message.option is not None:
            picked = [match_option(message, ROLE_OPTIONS, ctx)]
        else:
            text = require_text(message)
            parts = [part for part in re.split(r"[,;]+|\s+(?:va|và|and)\s+", text) if part.strip()]
            numbers = re.split(r"[\s,;.]+", fold(text).strip(" ,;."))
            if all(number.isdigit() for number in numbers):
                parts = numbers
            picked = [
                match_option(Inbound(message.channel, "", "", text=part), ROLE_OPTIONS, ctx)
                for part in parts
            ]
        roles = {str(role) for role in AUDIENCE_ROLES} if EVERYONE in picked else set(picked)
        return Accepted([str(role) for role in AUDIENCE_ROLES if str(role) in roles])

    def display(self, value: Any, ctx: FieldContext) -> str:
        if set(value) == {str(role) for role in AUDIENCE_ROLES}:
            return ctx.t(N_("broadcasts.roles.everyone"))
        return ", ".join(ctx.t(ROLE_LABELS[Role(role)]) for role in value)


class SendTime(Field):
    """Now, or a local date and time: "20:00 25/11", "25/11 8h sáng", "20h" (today)."""

    now = ChoiceOption("now", N_("broadcasts.when.now"), ("ngay", "bay gio", "gui ngay", "now"))

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        example = ctx.t(N_("broadcasts.when.example"), day=example_send_day(ctx.today))
        offered = (Option(self.now.id, ctx.t(self.now.label)),)
        return Choices(f"{text} {example}", offered, ref, allow_text=True)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        if _is_option(message, self.now, ctx):
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
