"""The tip's own input kinds: files with a shared location beside them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from conversations.fields import (
    Accepted,
    Attachments,
    FieldContext,
)
from conversations.i18n import N_
from conversations.parsing import (
    parse_coordinates,
)
from conversations.replies import AskLocation, Inbound, Option, Reply

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
