"""Picking one thing: a place an admin means (by code or by name, inside the places they run),
or an item of a numbered list a question shows (by a tap, its number or its name).

A list read from records is kept in the field's answer (``keep_candidates``) so the question
can show it again after a wrong answer or a restart (``kept_candidates``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from conversations.fields import (
    UNKNOWN_WORDS,
    Accepted,
    ChoiceOption,
    Field,
    FieldContext,
    InvalidAnswer,
    check_length,
    match_option,
    require_text,
    unknown_answer_words,
)
from conversations.flow import Redirect, Refused
from conversations.i18n import N_
from conversations.parsing import fold, fold_words
from conversations.places import RESIDENTIAL, Place, is_inside, same_name, split_by_name
from conversations.policy import ROLE_LABELS, Action, Grant, Role, scopes
from conversations.replies import AskLocation, Choices, Inbound, Option, Reply, Text

if TYPE_CHECKING:
    from conversations.fields import Reads
    from conversations.flow import FlowContext

MAX_SHOWN = 8

Item = TypeVar("Item")


async def places_found(
    records: Reads,
    text: str,
    *,
    within: Sequence[Place] | None,
    kinds: frozenset[str] | None,
    limit: int = MAX_SHOWN,
    codes: bool = True,
) -> Place | list[Place]:
    """The place ``text`` names (a code, or a name, accents optional) among the places of
    ``kinds`` (None: of any kind) inside the subtrees ``within`` (None: anywhere): the one
    place meant, or those it could be, the ones of that very name first, then similar names
    (none: nothing fits). Raises ``InvalidAnswer`` for a code outside ``within``; without
    ``codes``, a code is read as a name (residents know names, not codes). Every feature that
    lets a person name a place finds it here."""
    by_code = await records.places.place_by_code(text) if codes else None
    if by_code is not None and (kinds is None or by_code.kind in kinds):
        if within is None or any(is_inside(by_code.path, scope.path) for scope in within):
            return by_code
        raise InvalidAnswer(N_("place.outside"), place=by_code.full_name)
    found: dict[int, Place] = {}
    for path in [None] if within is None else [scope.path for scope in within]:
        for place in await records.places.find_places(
            text, within=path, kinds=kinds, limit=limit + 1
        ):
            found.setdefault(place.id, place)
    exact, similar = split_by_name(text, list(found.values()))
    if len(exact) == 1 or len(found) == 1:
        return exact[0] if exact else similar[0]
    return [*exact, *similar][:limit]


async def places_named(
    records: Reads, roles: tuple[Grant, ...], text: str, action: Action, kinds: frozenset[str]
) -> Place | list[Place]:
    """``places_found`` among the places where the member may do ``action``."""
    return await places_found(records, text, within=scopes(roles, action), kinds=kinds)


def place_label(place: Place, query: str, ctx: FieldContext, exact: Sequence[Place]) -> str:
    """A found place as a choice: its name, and "gần giống" when its name is only similar
    to places of the very name found (``exact``); when none is, no name is marked."""
    if not exact or place in exact:
        return place.full_name
    return ctx.t(N_("place.similar"), place=place.full_name)


def answer_found(
    found: Place | list[Place],
    query: str,
    ctx: FieldContext,
    answer: Callable[[Place], dict[str, Any]],
    *,
    not_found: str,
    which: str,
) -> Accepted:
    """What a place question takes from ``places_found``: the one place as ``answer`` makes
    it, or the namesakes kept as candidates (explained by ``which``); nothing found raises
    ``not_found``."""
    if isinstance(found, Place):
        return Accepted(answer(found))
    if not found:
        raise InvalidAnswer(not_found, query=query)
    return keep_candidates(place_candidates(query, found, ctx, answer), which)


def place_candidates(
    query: str,
    found: Sequence[Place],
    ctx: FieldContext,
    answer: Callable[[Place], dict[str, Any]],
) -> list[dict[str, Any]]:
    """The places found for ``query`` as candidates to keep (``keep_candidates``): each its
    ``answer`` and the label its choice shows."""
    exact = [place for place in found if same_name(query, place)]
    return [{**answer(place), "label": place_label(place, query, ctx, exact)} for place in found]


async def one_place(
    records: Reads,
    text: str,
    ctx: FieldContext,
    *,
    within: Sequence[Place] | None,
    kinds: frozenset[str] | None,
) -> Place:
    """The one place ``text`` names (see ``places_found``); when none or several fit, raises
    ``InvalidAnswer`` saying so, the several each with its code to type instead."""
    found = await places_found(records, text, within=within, kinds=kinds)
    if isinstance(found, Place):
        return found
    if not found:
        raise InvalidAnswer(N_("place.not_found"), query=text)
    exact = [place for place in found if same_name(text, place)]
    lines = [f"{place.code} — {place_label(place, text, ctx, exact)}" for place in found]
    raise InvalidAnswer(N_("place.ambiguous"), places="\n".join(lines))


async def pick_place(ctx: FlowContext, text: str, action: Action, kinds: frozenset[str]) -> Place:
    """The one place ``text`` names (a code, or a name) among the places of ``kinds`` where
    the member may do ``action``; otherwise ``Refused`` with the explanation. A completion's
    last check: the question itself offers namesakes as choices (``ScopedPlace``)."""
    within = scopes(ctx.member.roles, action)
    try:
        return await one_place(ctx.records, text, ctx.fields, within=within, kinds=kinds)
    except InvalidAnswer as problem:
        raise Refused(ctx.t(problem.key, **problem.params)) from None


def _code_and_name(place: Place) -> dict[str, Any]:
    return {"code": place.code, "name": place.full_name}


def _place_option(place: dict[str, Any]) -> str:
    return f"place:{place['code']}"


class PlaceByName(Field):
    """The base of a question answered by a place's name or code (accents optional), searched
    among the places of ``kinds`` where the member may do ``action``: ``answer`` is what is kept
    of the place found; ``not_found`` and ``which`` are said when none or several fit. A
    subclass says how the question is put and read (``query``: the text to search)."""

    not_found = N_("place.not_found")
    which = N_("place.which")

    def __init__(
        self,
        action: Action,
        kinds: frozenset[str],
        answer: Callable[[Place], dict[str, Any]] = _code_and_name,
    ) -> None:
        self.action = action
        self.kinds = kinds
        self.answer = answer

    async def resolve(self, accepted: Accepted, ctx: FieldContext, records: Reads) -> Accepted:
        query = accepted.value.get("query")
        if query is None:
            return accepted
        found = await places_named(records, ctx.roles, query, self.action, self.kinds)
        return answer_found(
            found, query, ctx, self.answer, not_found=self.not_found, which=self.which
        )

    def display(self, value: Any, ctx: FieldContext) -> str:
        return str(value.get("name", "")) if isinstance(value, dict) else str(value)


class ScopedPlace(PlaceByName):
    """A place where the member may do ``action``, typed as its code or name (accents
    optional); when several fit, they are offered as choices, those of that very name
    first and then those "gần giống" (similar), as the tip's commune is."""

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        offered = tuple(
            Option(_place_option(place), place["label"]) for place in kept_candidates(current)
        )
        return Choices(text, offered, ref, allow_text=True)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        candidates = kept_candidates(current)
        picked = item_picked(message, candidates, _place_option, refuse_other_numbers=True)
        if picked is not None:
            return Accepted({"code": picked["code"], "name": picked["name"]})
        if message.option is not None:
            raise choose_again(len(candidates))
        text = require_text(message)
        check_length(text, 2, 100)
        return Accepted({"query": text})

    async def picked(self, ctx: FlowContext, answer: dict[str, Any]) -> Place:
        """The place this question's ``answer`` names, checked again when the flow completes
        with the question's own scope (``pick_place``)."""
        return await pick_place(ctx, answer["code"], self.action, self.kinds)


# -- an item of a numbered list ----------------------------------------------------------------


def choose_again(count: int) -> InvalidAnswer:
    """The answer picks none of the ``count`` options shown."""
    return InvalidAnswer(N_("input.choose_option"), count=count)


def typed_number(message: Inbound) -> int | None:
    """The number a message is ("2", "2.", "2)"), if it is one."""
    number = fold(message.text or "").rstrip(".)")
    return int(number) if number.isdigit() else None


def numbered_tap(message: Inbound, question: Reply) -> Inbound:
    """``message`` as a tap on the option whose number it is in ``question``, as a numbered
    list shows it: "1" beside a free-text question picks option 1 ("Không rõ", "Bỏ qua"),
    whatever the step reads in other text. Any other message is returned as it came."""
    if message.option is not None or not isinstance(question, Choices | AskLocation):
        return message
    number = typed_number(message)
    first = question.numbered_from if isinstance(question, Choices) else 1
    if number is None or not first <= number < first + len(question.options):
        return message
    option = question.options[number - first]
    return replace(message, text=None, option=option.id, option_ref=question.ref)


def item_picked(
    message: Inbound,
    items: Sequence[Item],
    option_id: Callable[[Item], str],
    *,
    refuse_other_numbers: bool = False,
) -> Item | None:
    """The item a tap on its option or its typed number (1 is the first) picks, for a question
    that takes more than the list (free text, other buttons): None when the message is
    something else. A number beyond the list is something else too (a name, another button),
    unless ``refuse_other_numbers``."""
    if message.option is not None:
        return next((item for item in items if option_id(item) == message.option), None)
    number = typed_number(message)
    if not items or number is None:
        return None
    if 1 <= number <= len(items):
        return items[number - 1]
    if refuse_other_numbers:
        raise choose_again(len(items))
    return None


def pick_item(
    message: Inbound,
    items: Sequence[Item],
    option_id: Callable[[Item], str],
    *,
    label: Callable[[Item], str] | None = None,
) -> Item:
    """The item a tap on its option or its typed number picks, for a question that takes only
    the list; with ``label`` also its label typed (accents optional, or its first letters when
    only one label starts so). Anything else is refused."""
    if message.option is None:
        require_text(message)
    picked = item_picked(message, items, option_id, refuse_other_numbers=True)
    if picked is None and label is not None and message.option is None:
        picked = _by_label(fold(message.text or ""), items, label)
    if picked is None:
        raise choose_again(len(items))
    return picked


def _by_label(folded: str, items: Sequence[Item], label: Callable[[Item], str]) -> Item | None:
    exact = [item for item in items if fold(label(item)) == folded]
    if len(exact) == 1:
        return exact[0]
    prefixed = [item for item in items if len(folded) >= 3 and fold(label(item)).startswith(folded)]
    return prefixed[0] if not exact and len(prefixed) == 1 else None


def keep_candidates(candidates: list[dict[str, Any]], ack: str) -> Accepted:
    """Keep the member on the step with ``candidates`` to pick from (namesakes found for what
    they typed), explained by ``ack``."""
    return Accepted({"candidates": candidates}, complete=False, ack=ack)


def kept_candidates(current: Any) -> list[dict[str, Any]]:
    """The candidates ``keep_candidates`` put in the answer so far; [] when there are none."""
    if isinstance(current, dict):
        return list(current.get("candidates") or [])
    return []


# -- one of the member's own roles -------------------------------------------------------------


def describe_grant(grant: Grant, ctx: FieldContext) -> str:
    """A role as one line: role — place, e.g. "Trưởng thôn — Thôn Đông, Xã Đô Lương"."""
    return f"{ctx.t(ROLE_LABELS[grant.role])} — {grant.place.full_name}"


def grant_option_id(grant: Grant) -> str:
    """The id of a role's option when a question offers the member's roles."""
    return str(grant.id)


# -- one of the residential areas the member leads -----------------------------------------

# The answer that holds the area a flow about one led area is for.
LED_AREA = "area"


def led_areas(
    ctx: FieldContext, role: Role = Role.LEADER, kinds: frozenset[str] = RESIDENTIAL
) -> list[dict[str, Any]]:
    """The residential areas the member leads (or the places of ``kinds`` where they hold
    ``role``: the units a unit's head heads), as stored in an answer."""
    seen: dict[int, dict[str, Any]] = {}
    for grant in ctx.roles:
        if grant.role is role and grant.place.kind in kinds:
            place = grant.place
            seen.setdefault(
                place.id, {"area_id": place.id, "name": place.full_name, "path": place.path}
            )
    return list(seen.values())


def _led_area_option(area: dict[str, Any]) -> str:
    return str(area["area_id"])


def _led_area_name(area: dict[str, Any]) -> str:
    return str(area["name"])


class LedArea(Field):
    """Which of the member's residential areas a flow is for (asked only when several: see
    ``ForOneLedArea``). ``in_summary=False`` leaves it to the summary's heading."""

    def __init__(
        self,
        *,
        in_summary: bool = True,
        role: Role = Role.LEADER,
        kinds: frozenset[str] = RESIDENTIAL,
    ) -> None:
        self.in_summary = in_summary
        self.role = role
        self.kinds = kinds

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        areas = led_areas(ctx, self.role, self.kinds)
        offered = tuple(Option(_led_area_option(area), area["name"]) for area in areas)
        return Choices(text, offered, ref)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        areas = led_areas(ctx, self.role, self.kinds)
        return Accepted(pick_item(message, areas, _led_area_option, label=_led_area_name))

    def display(self, value: Any, ctx: FieldContext) -> str:
        return str(value["name"])

    def summary_items(self, value: Any, ctx: FieldContext) -> list[tuple[str | None, str]]:
        return super().summary_items(value, ctx) if self.in_summary else []


class ForOneLedArea(ABC):
    """The hooks of a flow about one area the member leads (a monthly update, the year's
    registration): with none, ``no_area`` is said and the flow stops; with one, it is opened
    at once; with several, the flow's first step (``LedArea``) asks which."""

    no_area: str
    role: Role = Role.LEADER
    kinds: frozenset[str] = RESIDENTIAL

    async def begin(self, answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
        areas = led_areas(ctx.fields, self.role, self.kinds)
        if not areas:
            return Redirect(replies=[Text(ctx.t(self.no_area))], stop=True)
        if len(areas) > 1:
            return None  # the first question asks which area
        return await self.open_area(areas[0], ctx)

    async def area_chosen(self, answers: dict[str, Any], ctx: FlowContext) -> Redirect | None:
        return await self.open_area(answers[LED_AREA], ctx)

    @abstractmethod
    async def open_area(self, area: dict[str, Any], ctx: FlowContext) -> Redirect:
        """Start on ``area`` (a ``led_areas`` item), or show what was filed for it."""


# -- the commune a resident writes about (a tip, an opinion) ----------------------------------


COMMUNE_KIND = "commune"


MAX_COMMUNES_SHOWN = 8


def _commune_candidate(place: Place) -> dict[str, Any]:
    return {"id": place.id, "name": place.full_name}


def _commune_option(candidate: dict[str, Any]) -> str:
    return f"area:{candidate['id']}"


class Commune(Field):
    """Which commune (xã, phường, đặc khu): its name typed with or without accents, one of
    several namesakes picked from a list, or "không rõ" to skip."""

    unknown = ChoiceOption("unknown", N_("tip.commune.unknown"), (*UNKNOWN_WORDS, "bo qua", "skip"))

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:

        offered = [
            Option(_commune_option(candidate), candidate.get("label") or candidate["name"])
            for candidate in kept_candidates(current)
        ]
        offered.append(Option(self.unknown.id, ctx.t(self.unknown.label)))
        return Choices(text, tuple(offered), ref, allow_text=True)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:

        candidates = kept_candidates(current)
        chosen = item_picked(message, candidates, _commune_option)
        if chosen is not None:
            return Accepted({"area_id": chosen["id"], "name": chosen["name"]})
        if message.option is not None:
            match_option(message, (self.unknown,), ctx)
            return Accepted({"unknown": True})
        unknown_words = (
            unknown_answer_words(ctx)
            | fold_words(*self.unknown.synonyms)
            | ctx.catalogues.folded_variants(self.unknown.label)
        )
        text = require_text(message)
        folded = fold(text)
        if folded in unknown_words:
            return Accepted({"unknown": True})
        check_length(text, 2, 100)
        return Accepted({"query": text})

    async def resolve(self, accepted: Accepted, ctx: FieldContext, records: Reads) -> Accepted:
        query = accepted.value.get("query")
        if query is None:
            return accepted
        found = await places_found(
            records,
            query,
            within=None,
            kinds=frozenset({COMMUNE_KIND}),
            limit=MAX_COMMUNES_SHOWN,
            codes=False,
        )
        if isinstance(found, Place):
            return Accepted({"area_id": found.id, "name": found.full_name})
        if not found:
            raise InvalidAnswer(N_("tip.commune.not_found"), query=query)
        # Candidates keep the shape stored in conversations under way ("id", not "area_id").
        shown = place_candidates(query, found, ctx, _commune_candidate)
        return keep_candidates(shown, N_("tip.commune.ambiguous"))

    def display(self, value: Any, ctx: FieldContext) -> str:
        if isinstance(value, dict) and value.get("name") and value.get("area_id"):
            return str(value["name"])
        return ctx.t(self.unknown.label)
