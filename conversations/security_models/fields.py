"""The input kinds of the security model conversations: the model's place, its lead, one model
picked from a list, photos and a name filter (register.py, activity.py, listing.py, end.py).

Admins and leaders register a model of their place; the model's lead or the area's leader
logs each activity (date, kind, participants, outcome, photos); everybody with a role sees the
models of their places and which ones have gone quiet.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from conversations.choosing import (
    PlaceByName,
    choose_again,
    item_picked,
    keep_candidates,
    kept_candidates,
)
from conversations.fields import (
    Accepted,
    Attachments,
    ChoiceOption,
    Field,
    FieldContext,
    InvalidAnswer,
    Reads,
    check_length,
    match_option,
    require_text,
)
from conversations.i18n import N_
from conversations.parsing import fold, fold_words
from conversations.places import COMMUNE, RESIDENTIAL, UNITS, Place
from conversations.policy import Action, Grant, Role, may, scopes
from conversations.replies import Choices, Inbound, Option, Reply
from conversations.security_models import (
    ModelView,
)

MODEL_PLACES = RESIDENTIAL | {COMMUNE} | UNITS  # a unit keeps its own models
MAX_SHOWN = 8
MAX_LISTED = 30
MIN_NAME, MAX_NAME = 3, 200
MAX_LEAD_NAME = 128
MIN_OUTCOME, MAX_OUTCOME = 5, 2000
MAX_PARTICIPANTS = 100_000
# A model with no activity in this long is shown as gone quiet ("paper" models).
QUIET_AFTER = timedelta(days=90)

NO_LEAD = ChoiceOption(
    "none", N_("models.lead.none"), ("khong", "ko", "k", "chua co", "de trong", "none", "no")
)
ALL_MODELS = ChoiceOption(
    "all", N_("models.pick.list"), ("tat ca", "danh sach", "ds", "all", "list")
)


def _query_text(message: Inbound) -> str:
    text = require_text(message)
    check_length(text, 2, 100)
    return text


# -- where a new model belongs ------------------------------------------------------------------


def _own_areas(ctx: FieldContext) -> list[dict[str, Any]]:
    """A leader's residential areas (a unit head's unit), offered as buttons (admins type a
    name instead)."""
    return [
        _area_answer(grant.place)
        for grant in ctx.roles
        if grant.role in (Role.LEADER, Role.UNIT_HEAD)
        and may(ctx.roles, Action.MANAGE_MODELS, grant.place.path)
    ]


def _area_answer(place: Place) -> dict[str, Any]:
    return {"id": place.id, "name": place.full_name, "path": place.path}


def _area_option(area: dict[str, Any]) -> str:
    return f"area:{area['id']}"


class ModelArea(PlaceByName):
    """The place a model belongs to: one of the leader's areas, or a residential area or
    commune inside an admin's place found by its name (accents optional) or code."""

    not_found = N_("models.area.not_found")
    which = N_("models.area.which")

    def __init__(self) -> None:
        super().__init__(Action.MANAGE_MODELS, MODEL_PLACES, answer=_area_answer)

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        offered = kept_candidates(current) or _own_areas(ctx)
        options = tuple(
            Option(_area_option(area), area.get("label") or area["name"]) for area in offered
        )
        return Choices(text, options, ref, allow_text=True)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        offered = kept_candidates(current) or _own_areas(ctx)
        picked = item_picked(message, offered, _area_option, refuse_other_numbers=True)
        if picked is not None:
            return Accepted({key: picked[key] for key in ("id", "name", "path")})
        if message.option is not None:
            raise choose_again(len(offered))
        return Accepted({"query": _query_text(message)})


class LeadName(Field):
    """The name of the person who runs the model, or "không" when nobody is named yet."""

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        return Choices(text, (Option(NO_LEAD.id, ctx.t(NO_LEAD.label)),), ref, allow_text=True)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        words = fold_words(*NO_LEAD.synonyms) | ctx.catalogues.folded_variants(NO_LEAD.label)
        if message.option is not None or fold(message.text or "") in words:
            match_option(message, (NO_LEAD,), ctx)
            return Accepted("")
        text = " ".join(require_text(message).split())
        check_length(text, 2, MAX_LEAD_NAME)
        return Accepted(text)

    def display(self, value: Any, ctx: FieldContext) -> str:
        return str(value) if value else ctx.t(NO_LEAD.label)


# -- which model --------------------------------------------------------------------------------


def _model_answer(model: ModelView) -> dict[str, Any]:
    return {"id": model.id, "name": model.name, "place": model.place.full_name}


def _model_label(model: dict[str, Any]) -> str:
    return f"{model['name']} — {model['place']}"


def _model_option(model: dict[str, Any]) -> str:
    return f"model:{model['id']}"


class ModelPick(Field):
    """One of the models of the member's places: a tap on the list, its number, or part of
    its name (accents optional)."""

    def __init__(self, action: Action) -> None:
        self.action = action

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        candidates = kept_candidates(current)
        if candidates:
            options = tuple(Option(_model_option(c), _model_label(c)) for c in candidates)
        else:
            options = (Option(ALL_MODELS.id, ctx.t(ALL_MODELS.label)),)
        return Choices(text, options, ref, allow_text=True)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        candidates = kept_candidates(current)
        picked = item_picked(message, candidates, _model_option, refuse_other_numbers=True)
        if picked is not None:
            return Accepted({key: picked[key] for key in ("id", "name", "place")})
        if message.option is not None or _means_all(message, ctx):
            if message.option is not None and message.option != ALL_MODELS.id:
                raise choose_again(max(len(candidates), 1))
            return Accepted({"query": None})
        return Accepted({"query": _query_text(message)})

    async def resolve(self, accepted: Accepted, ctx: FieldContext, records: Reads) -> Accepted:
        if "query" not in accepted.value:
            return accepted
        query = accepted.value["query"]
        found = await models_in_scope(records, ctx.roles, self.action, query, MAX_SHOWN + 1)
        if not found:
            if query is None:
                raise InvalidAnswer(N_("models.pick.none"))
            raise InvalidAnswer(N_("models.pick.not_found"), query=query)
        if len(found) == 1:
            (model,) = found
            return Accepted(
                _model_answer(model), ack=N_("models.pick.chosen"), ack_params={"name": model.name}
            )
        key = N_("models.pick.many") if len(found) > MAX_SHOWN else N_("models.pick.which")
        shown = [_model_answer(model) for model in found[:MAX_SHOWN]]
        return keep_candidates(shown, key)

    def display(self, value: Any, ctx: FieldContext) -> str:
        return _model_label(value) if isinstance(value, dict) and "name" in value else ""


async def models_in_scope(
    records: Reads,
    grants: tuple[Grant, ...],
    action: Action,
    query: str | None,
    limit: int,
) -> list[ModelView]:
    """The active models inside the places where ``action`` is allowed, by name."""
    found: dict[int, ModelView] = {}
    for scope in scopes(grants, action):
        for model in await records.security_models.models_within(
            scope.path, query=query, limit=limit
        ):
            found.setdefault(model.id, model)
    return sorted(found.values(), key=lambda model: (fold(model.name), model.id))[:limit]


class Photos(Attachments):
    """Up to five photos of the activity; other files are politely refused."""

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        if message.media is not None and message.media.kind != "photo":
            raise InvalidAnswer(N_("models.photos.only_photos"))
        try:
            return super().parse(message, ctx, current)
        except InvalidAnswer as problem:
            if problem.key == "input.media_expected":
                raise InvalidAnswer(N_("models.photos.only_photos")) from None
            raise


def _means_all(message: Inbound, ctx: FieldContext) -> bool:
    """Typed "tất cả" (its button's number is a tap: see ``choosing.numbered_tap``)."""
    words = fold_words(*ALL_MODELS.synonyms) | ctx.catalogues.folded_variants(ALL_MODELS.label)
    return fold(message.text or "") in words


class NameFilter(Field):
    """ "Tất cả" or part of a model's name."""

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        option = Option(ALL_MODELS.id, ctx.t(ALL_MODELS.label))
        return Choices(text, (option,), ref, allow_text=True)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        if message.option is not None or _means_all(message, ctx):
            match_option(message, (ALL_MODELS,), ctx)
            return Accepted("")
        return Accepted(_query_text(message))

    def display(self, value: Any, ctx: FieldContext) -> str:
        return str(value) if value else ctx.t(ALL_MODELS.label)


# -- completions ----------------------------------------------------------------------------------


# -- flows --------------------------------------------------------------------------------------
