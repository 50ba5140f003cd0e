"""The tip's own input kinds: the commune the tip is about."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from conversations.choosing import (
    item_picked,
    keep_candidates,
    kept_candidates,
    place_candidates,
    places_found,
)
from conversations.fields import (
    UNKNOWN_WORDS,
    Accepted,
    Attachments,
    ChoiceOption,
    Field,
    FieldContext,
    InvalidAnswer,
    check_length,
    match_option,
    require_text,
    unknown_answer_words,
)
from conversations.i18n import N_
from conversations.parsing import (
    fold,
    parse_coordinates,
)
from conversations.places import Place
from conversations.replies import AskLocation, Choices, Inbound, Option, Reply

if TYPE_CHECKING:
    from conversations.fields import Reads


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
        unknown_words = unknown_answer_words(ctx) | {
            fold(word)
            for word in (*self.unknown.synonyms, *ctx.catalogues.variants(self.unknown.label))
        }
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


# The kind of the item ``FilesAndPlace`` keeps for a shared location, beside the files.
LOCATION = "location"


def shared_point(items: list[dict[str, Any]] | None) -> tuple[float, float] | None:
    """The location among the items ``FilesAndPlace`` took, if one was shared."""
    for item in items or ():
        if item.get("kind") == LOCATION:
            return (float(item["latitude"]), float(item["longitude"]))
    return None


def files_of(items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [item for item in items or () if item.get("kind") != LOCATION]


class FilesAndPlace(Attachments):
    """Photos (as ``Attachments``) and, beside them, one location shared from the phone's map
    or typed as coordinates; a second location replaces the first. The question offers the
    "share location" button where the platform has one."""

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        option = self.finish if current else self.skip
        return AskLocation(text, (Option(option.id, ctx.t(option.label)),), ref)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        files, point = files_of(current), shared_point(current)
        typed = None
        if message.text and message.option is None:
            typed = parse_coordinates(message.text)
        if message.location is not None:
            typed = (message.location.latitude, message.location.longitude)
        if typed is None:
            return self._with_point(super().parse(message, ctx, files), point)
        return Accepted(
            [*files, {"kind": LOCATION, "latitude": typed[0], "longitude": typed[1]}],
            complete=False,
            ack=N_("addition.location_received"),
            ack_params={"lat": typed[0], "lon": typed[1]},
        )

    @staticmethod
    def _with_point(accepted: Accepted, point: tuple[float, float] | None) -> Accepted:
        if point is None:
            return accepted
        item = {"kind": LOCATION, "latitude": point[0], "longitude": point[1]}
        return replace(accepted, value=[*accepted.value, item])

    def display(self, value: Any, ctx: FieldContext) -> str:
        return super().display(files_of(value), ctx)
