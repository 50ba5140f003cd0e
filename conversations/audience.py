"""Who a campaign message or a survey goes to: places (each with its subtree), roles and
channels, as an admin picks them in chat (``audience_steps``); the preview's reach
(``reach_replies``); and the quiet hours a sending waits out (``quiet_replies``).

Shared by broadcasts and surveys (a survey is sent like a broadcast). The labels keep their
first feature's catalogue keys (``broadcasts.areas.*``, ``broadcasts.roles.*``,
``broadcasts.channels.*``, ``broadcasts.ask.*``): the admin reads the same words in both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from conversations.choosing import one_place
from conversations.fields import (
    Accepted,
    Choice,
    ChoiceOption,
    Field,
    FieldContext,
    InvalidAnswer,
    match_option,
    require_text,
)
from conversations.flow import FlowContext, Hook, Step
from conversations.i18n import N_
from conversations.localtime import LOCAL_TIME
from conversations.parsing import fold, fold_words
from conversations.places import Place, is_inside
from conversations.policy import ROLE_LABELS, Action, Role, scopes
from conversations.replies import Choices, Inbound, Option, Reply, Text

if TYPE_CHECKING:
    from conversations.fields import Reads

# "All channels" includes the terminal chat, whose members get copies printed between prompts.
CHANNELS = ("telegram", "zalo", "console", "zalo_oa")
AUDIENCE_ROLES = (Role.RESIDENT, Role.LEADER, Role.MODEL_LEAD, Role.OFFICER, Role.ADMIN)

# Quiet hours as bot.delivery.quiet_hours declares them (a test keeps the two equal); here
# only to warn the admin that a sending set for the night waits until the morning.
QUIET_START = time(21, 0)
QUIET_END = time(7, 0)


def in_quiet_hours(moment: datetime) -> bool:
    local = moment.astimezone(LOCAL_TIME).time()
    return local >= QUIET_START or local < QUIET_END


@dataclass(frozen=True)
class Audience:
    """Who a broadcast is for: places (each with its subtree), roles and channels."""

    area_ids: tuple[int, ...]
    roles: tuple[str, ...]
    channels: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "area_ids": list(self.area_ids),
            "roles": list(self.roles),
            "channels": list(self.channels),
        }


def is_option(message: Inbound, option: ChoiceOption, ctx: FieldContext) -> bool:
    """Did the member tap ``option`` or type one of its words?"""
    if message.option is not None:
        return message.option == option.id
    words = fold_words(*option.synonyms) | ctx.catalogues.folded_variants(option.label)
    return fold(message.text or "") in words


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
        if is_option(message, self.whole, ctx):
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


CHANNEL_CHOICE = Choice(
    ChoiceOption("all", N_("broadcasts.channels.all"), ("tat ca", "ca hai", "all", "both")),
    ChoiceOption("telegram", N_("broadcasts.channels.telegram"), ("telegram", "tele", "tg")),
    ChoiceOption("zalo", N_("broadcasts.channels.zalo"), ("zalo", "zl")),
    ChoiceOption("zalo_oa", N_("broadcasts.channels.zalo_oa"), ("zalo oa", "oa")),
)


def audience_of(answers: dict[str, Any]) -> Audience:
    """The audience chosen by the steps "areas" (``AudiencePlaces``), "roles"
    (``AudienceRoles``) and "channels" (``CHANNEL_CHOICE``)."""
    channels = CHANNELS if answers["channels"] == "all" else (answers["channels"],)
    return Audience(
        area_ids=tuple(area["id"] for area in answers["areas"]["areas"]),
        roles=tuple(answers["roles"]),
        channels=tuple(channels),
    )


def audience_steps(after: Hook | None = None) -> list[Step]:
    """The steps "areas", "roles" and "channels" that ``audience_of`` reads, each followed
    by ``after`` (the preview)."""
    return [
        Step(
            "areas",
            N_("broadcasts.ask.areas"),
            AudiencePlaces(),
            title=N_("broadcasts.field.areas"),
            after=after,
        ),
        Step(
            "roles",
            N_("broadcasts.ask.roles"),
            AudienceRoles(),
            title=N_("broadcasts.field.roles"),
            after=after,
        ),
        Step(
            "channels",
            N_("broadcasts.ask.channels"),
            CHANNEL_CHOICE,
            title=N_("broadcasts.field.channels"),
            after=after,
        ),
    ]


def reach_replies(ctx: FlowContext, count: int, reach_key: str, none_key: str) -> list[Reply]:
    """The preview's first lines: how many it reaches (``reach_key`` with {count}), and what
    to change when nobody (``none_key``)."""
    replies: list[Reply] = [Text(ctx.t(reach_key, count=count))]
    if count == 0:
        replies.append(Text(ctx.t(none_key)))
    return replies


def quiet_replies(ctx: FlowContext, moment: datetime, key: str) -> list[Reply]:
    """The warning ``key`` when a sending at ``moment`` falls in the quiet hours (it waits)."""
    return [Text(ctx.t(key))] if in_quiet_hours(moment) else []
