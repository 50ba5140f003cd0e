"""Input kinds of the commendation flows: the form of commendation (from the province's list),
a model or a member found by name inside the admin's places, and a proposal of a list.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Any

from conversations.choosing import (
    choose_again,
    item_picked,
    keep_candidates,
    kept_candidates,
    pick_item,
)
from conversations.commendation_forms import FormChoice as FormChoiceOf
from conversations.commendations import MAX_LISTED, ProposalView
from conversations.fields import (
    Accepted,
    Field,
    FieldContext,
    InvalidAnswer,
    check_length,
    require_text,
)
from conversations.i18n import N_
from conversations.parsing import fold
from conversations.places import Place
from conversations.policy import Action, Role, scopes
from conversations.replies import Choices, Inbound, Option, Reply

if TYPE_CHECKING:
    from conversations.fields import Reads

# Commendations are a matter of the admins who run the year's review (as recognitions are).
ACTION = Action.ASSESS_UNITS


def admin_places(ctx: FieldContext) -> list[Place]:
    return scopes(ctx.roles, ACTION)


# -- the form of commendation ---------------------------------------------------------------


class FormChoice(FormChoiceOf):
    """One of the admin's province's forms of commendation."""

    def __init__(self) -> None:
        super().__init__(ACTION)


# -- a model or a member, by name ------------------------------------------------------------


def _candidate_option(candidate: dict[str, Any]) -> str:
    return f"pick:{candidate['id']}"


class FoundByName(Field):
    """Something of the admin's places typed by name (accents optional); namesakes are offered
    as choices. A subclass says what is searched (``found``)."""

    not_found: str

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        offered = tuple(Option(_candidate_option(c), c["label"]) for c in kept_candidates(current))
        return Choices(text, offered, ref, allow_text=True)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        candidates = kept_candidates(current)
        picked = item_picked(message, candidates, _candidate_option, refuse_other_numbers=True)
        if picked is not None:
            return Accepted({key: value for key, value in picked.items() if key != "label"})
        if message.option is not None:
            raise choose_again(len(candidates))
        text = require_text(message)
        check_length(text, 2, 100)
        return Accepted({"query": text})

    @abstractmethod
    async def found(self, query: str, ctx: FieldContext, records: Reads) -> list[dict[str, Any]]:
        """What ``query`` finds, each with its ``id``, ``name``, ``area_id`` and ``label``."""

    async def resolve(self, accepted: Accepted, ctx: FieldContext, records: Reads) -> Accepted:
        query = accepted.value.get("query")
        if query is None:
            return accepted
        found = await self.found(query, ctx, records)
        if not found:
            raise InvalidAnswer(self.not_found, query=query)
        if len(found) == 1:
            return Accepted({key: value for key, value in found[0].items() if key != "label"})
        return keep_candidates(found[:MAX_LISTED], N_("commendation.which"))

    def display(self, value: Any, ctx: FieldContext) -> str:
        return str(value.get("name", "")) if isinstance(value, dict) else ""


class ModelByName(FoundByName):
    """A security model of the admin's places."""

    not_found = N_("commendation.model_not_found")

    async def found(self, query: str, ctx: FieldContext, records: Reads) -> list[dict[str, Any]]:
        seen: dict[int, dict[str, Any]] = {}
        for place in admin_places(ctx):
            for model in await records.security_models.models_within(
                place.path, query=query, limit=MAX_LISTED
            ):
                seen.setdefault(
                    model.id,
                    {
                        "id": model.id,
                        "name": model.name,
                        "area_id": model.place.id,
                        "label": f"{model.name} — {model.place.full_name}",
                    },
                )
        return list(seen.values())


class MemberByName(FoundByName):
    """A member who holds a role in one of the admin's places (a leader, a model lead, an
    officer), by the name they write under."""

    not_found = N_("commendation.member_not_found")

    async def found(self, query: str, ctx: FieldContext, records: Reads) -> list[dict[str, Any]]:
        wanted = fold(query)
        seen: dict[int, dict[str, Any]] = {}
        for place in admin_places(ctx):
            for held in await records.people.roles_within(place.path):
                name = held.display_name or ""
                if held.grant.role is Role.ADMIN or wanted not in fold(name):
                    continue
                seen.setdefault(
                    held.member_id,
                    {
                        "id": held.member_id,
                        "name": name,
                        "area_id": held.grant.place.id,
                        "label": f"{name} — {held.grant.place.full_name}",
                    },
                )
        return list(seen.values())


# -- a proposal of a list ---------------------------------------------------------------------


def listing(proposals: list[ProposalView], ctx: FieldContext) -> dict[str, Any]:
    """Proposals as a list answer, kept across messages."""
    return {
        "items": [
            {
                "id": proposal.id,
                "label": f"{proposal.subject} — {ctx.t(proposal.form)} ({proposal.area_name})",
            }
            for proposal in proposals
        ]
    }


def _proposal_option(item: dict[str, Any]) -> str:
    return f"proposal:{item['id']}"


class ProposalList(Field):
    """Pick one of the listed proposals."""

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        items = current.get("items", []) if isinstance(current, dict) else []
        return Choices(text, tuple(Option(_proposal_option(i), i["label"]) for i in items), ref)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        items = current.get("items", []) if isinstance(current, dict) else []
        item = pick_item(message, items, _proposal_option)
        return Accepted({"items": items, "chosen": item["id"], "label": item["label"]})

    def display(self, value: Any, ctx: FieldContext) -> str:
        return str(value.get("label", "")) if isinstance(value, dict) else ""
