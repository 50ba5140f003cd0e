"""Input kinds of the event flows: a list of events to pick from, a future date with a time,
the place an event is for, where a member lives, and an optional note.

Lists read from records are put into the answers by the flows' hooks (``begin``, ``after``),
so a question can show them again after a wrong answer or a restart.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from conversations.choosing import (
    answer_found,
    choose_again,
    item_picked,
    kept_candidates,
    places_found,
)
from conversations.events import EventView
from conversations.fields import (
    Accepted,
    ChoiceOption,
    Field,
    FieldContext,
    InvalidAnswer,
    OptionalText,
    check_length,
    match_option,
    require_text,
)
from conversations.i18n import N_
from conversations.localtime import LOCAL_TIME, shown, shown_date
from conversations.parsing import ParseError, example_day, parse_coming_moment
from conversations.places import COMMUNE, RESIDENTIAL, Place
from conversations.policy import Action, scopes
from conversations.replies import Choices, Inbound, Option, Reply, Text

if TYPE_CHECKING:
    from conversations.fields import Reads

MAX_CANDIDATES = 8

# -- a list of events ----------------------------------------------------------------------

CHANGE_PLACE = ChoiceOption(
    "place", N_("events.option.change_place"), ("doi noi o", "noi khac", "doi", "place")
)
CLOSE = ChoiceOption(
    "close", N_("events.option.close"), ("thoat", "dong", "close", "xong", "ve menu", "menu")
)


def listing(events: list[EventView], place: str | None = None) -> dict[str, Any]:
    """Events as a list answer: what the question shows, kept across messages."""
    return {
        "place": place,
        "events": [
            {
                "id": event.id,
                "title": event.title,
                "when": event.when,
                "place": event.place_text,
                "registered": event.registered,
                "turnout": event.turnout,
            }
            for event in events
        ],
    }


def chosen_event(value: Any) -> dict[str, Any] | None:
    """The listed event the member picked, if any."""
    if not isinstance(value, dict) or value.get("chosen") is None:
        return None
    return next((e for e in value.get("events", []) if e["id"] == value["chosen"]), None)


class EventList(Field):
    """Pick one of the listed events by tap or number; ``extras`` are further buttons
    (another place, close). Each event is one option, numbered with the extras after it, so
    that "3" is the third line shown whatever it is."""

    def __init__(self, *extras: ChoiceOption, turnout: bool = False) -> None:
        self.extras = extras
        self.turnout = turnout

    def _label(self, event: dict[str, Any], ctx: FieldContext) -> str:
        label = f"{event['title']} · {event['when']} · {event['place']}"
        if self.turnout and event.get("turnout") is not None:
            label += " · " + ctx.t(N_("events.list.turnout_given"), count=event["turnout"])
        elif not self.turnout and event.get("registered"):
            label += " · " + ctx.t(N_("events.list.registered"))
        return label

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        value = current if isinstance(current, dict) else {}
        events = value.get("events", [])
        place = value.get("place")
        lines = [text] if text else []
        if not events:
            lines.append(ctx.t(N_("events.list.empty"), place=place or ""))
        elif place:
            lines.append(ctx.t(N_("events.list.heading"), place=place))
        offered = [Option(_event_option(event), self._label(event, ctx)) for event in events]
        offered += [Option(extra.id, ctx.t(extra.label)) for extra in self.extras]
        return Choices("\n".join(lines), tuple(offered), ref)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        value = dict(current) if isinstance(current, dict) else {"events": []}
        events = value.get("events", [])
        event = item_picked(message, events, _event_option)
        value.pop("action", None)
        if event is not None:
            value["chosen"] = event["id"]
            return Accepted(value)
        if message.option is not None and message.option.startswith("event:"):
            raise choose_again(len(events))  # an event no longer listed
        try:
            value["action"] = match_option(message, self.extras, ctx)
        except InvalidAnswer:
            raise choose_again(len(events) + len(self.extras)) from None
        return Accepted(value)

    def display(self, value: Any, ctx: FieldContext) -> str:
        event = chosen_event(value)
        return f"{event['title']} ({event['when']})" if event else ctx.t(N_("common.none"))


def _event_option(event: dict[str, Any]) -> str:
    return f"event:{event['id']}"


# -- a future moment: a date and a time ------------------------------------------------------


def example_event_day(today: date) -> str:
    """ "09/12/2026": a coming day for the examples of an event's time."""
    return shown_date(example_day(today))


def parse_event_moment(text: str, today: date) -> datetime:
    """ "08:00 01/07/2027", "1/7 lúc 8h", "8h sáng mai" → the local moment, as aware UTC.

    Reasons: "needs_time" (a date alone), "needs_date" (a time alone), "past", "bad".
    """
    day, clock = parse_coming_moment(text, today=today)
    return datetime.combine(day, clock, tzinfo=LOCAL_TIME).astimezone(UTC)


_MOMENT_PROBLEMS = {
    "needs_time": N_("events.moment.needs_time"),
    "needs_date": N_("events.moment.needs_date"),
    "past": N_("events.moment.past"),
    "bad": N_("events.moment.bad"),
}


class EventMoment(Field):
    """When an event starts or ends: a date and a time, today or later (stored as UTC ISO)."""

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        example = ctx.t(N_("events.moment.example"), day=example_event_day(ctx.today))
        return Text(f"{text} {example}")

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        text = require_text(message)
        try:
            moment = parse_event_moment(text, ctx.today)
        except ParseError as error:
            key = _MOMENT_PROBLEMS.get(error.reason, N_("events.moment.bad"))
            raise InvalidAnswer(key, day=example_event_day(ctx.today)) from None
        return Accepted(moment.isoformat())

    def display(self, value: Any, ctx: FieldContext) -> str:
        return shown_moment(value)


def shown_moment(value: str) -> str:
    return shown(datetime.fromisoformat(value))


# -- places: the one an event is for, the one a member lives in ----------------------------


def _place_value(place: Place) -> dict[str, Any]:
    return {"area_id": place.id, "name": place.full_name, "path": place.path}


class PlaceLookup(Field):
    """A place typed by name (accents optional) or code, namesakes picked from a list."""

    not_found = N_("events.place.not_found")
    ambiguous = N_("events.place.ambiguous")
    # The kinds of place found (None: any).
    kinds: frozenset[str] | None = None

    def offered(self, ctx: FieldContext) -> list[dict[str, Any]]:
        """Places offered as buttons before anything is typed."""
        return []

    def question(self, text: str, ref: str, ctx: FieldContext, current: Any) -> Reply:
        shown = kept_candidates(current) or self.offered(ctx)
        options = tuple(
            Option(_place_option(place), place.get("label") or place["name"]) for place in shown
        )
        return Choices(text, options, ref, allow_text=True)

    def parse(self, message: Inbound, ctx: FieldContext, current: Any) -> Accepted:
        shown = kept_candidates(current) or self.offered(ctx)
        place = item_picked(message, shown, _place_option)
        if place is not None:
            return Accepted(_chosen(place))
        if message.option is not None:
            raise choose_again(len(shown))
        text = require_text(message)
        check_length(text, 2, 100)
        return Accepted({"query": text})

    def within(self, ctx: FieldContext) -> list[Place] | None:
        """The subtrees searched (None: anywhere)."""
        return None

    async def resolve(self, accepted: Accepted, ctx: FieldContext, records: Reads) -> Accepted:
        query = accepted.value.get("query")
        if query is None:
            return accepted
        found = await places_found(
            records, query, within=self.within(ctx), kinds=self.kinds, limit=MAX_CANDIDATES
        )
        return answer_found(
            found, query, ctx, _place_value, not_found=self.not_found, which=self.ambiguous
        )

    def display(self, value: Any, ctx: FieldContext) -> str:
        return str(value.get("name", "")) if isinstance(value, dict) else ""


def _place_option(place: dict[str, Any]) -> str:
    return f"area:{place['area_id']}"


def _chosen(place: dict[str, Any]) -> dict[str, Any]:
    return {"area_id": place["area_id"], "name": place["name"], "path": place["path"]}


class HomePlace(PlaceLookup):
    """Where a member lives: their commune or residential area."""

    not_found = N_("events.home.not_found")

    kinds = RESIDENTIAL | {COMMUNE}


class EventArea(PlaceLookup):
    """The place an event is for: one of the admin's places or a place inside one."""

    not_found = N_("events.new.area_not_found")

    def offered(self, ctx: FieldContext) -> list[dict[str, Any]]:
        return [_place_value(place) for place in scopes(ctx.roles, Action.MANAGE_EVENTS)]

    def within(self, ctx: FieldContext) -> list[Place] | None:
        return scopes(ctx.roles, Action.MANAGE_EVENTS)


# -- an optional note ----------------------------------------------------------------------

SKIP = ChoiceOption("skip", N_("common.skip"), ("khong", "ko", "k", "bo qua", "skip", "no", "none"))


def optional_note(*, max_length: int = 1000) -> OptionalText:
    """A short text, or "không" / a tap to leave it out (stored as "")."""
    return OptionalText(SKIP, max_length=max_length, shown_up_to=None)
