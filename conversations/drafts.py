"""How long an unfinished conversation (a draft) lives: the deployment's lifetime, or a flow's
own (a monthly update is filled over days).

One answer for the engine, which tells a returning member their draft expired, and for the
daily retention rule, which erases the drafts nobody came back to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from conversations.flow import Flow


@dataclass(frozen=True)
class SavedConversation:
    """A conversation as it was stored after the member's previous message."""

    flow: str | None
    step: str | None
    data: dict[str, Any]
    updated_at: datetime


@dataclass(frozen=True)
class DraftLifetimes:
    """``default`` for every flow but those in ``by_flow``."""

    default: timedelta
    by_flow: Mapping[str, timedelta] = field(default_factory=dict)

    @classmethod
    def of_flows(cls, default: timedelta, flows: Iterable[Flow]) -> DraftLifetimes:
        """``default``, and the lifetime of each flow that sets its own."""
        return cls(default, {flow.name: flow.draft_ttl for flow in flows if flow.draft_ttl})

    def of(self, flow: str | None) -> timedelta:
        """The lifetime of a draft of ``flow`` (an unknown or no flow: the default)."""
        return self.by_flow.get(flow or "", self.default)

    @property
    def shortest(self) -> timedelta:
        return min([self.default, *self.by_flow.values()])

    def expired(self, saved: SavedConversation, now: datetime) -> bool:
        """``saved`` holds a draft older than its lifetime."""
        if saved.flow is None and draft_aside(saved.data) is None:
            return False
        return now - saved.updated_at > self.of(flow_of(saved))


@dataclass(frozen=True)
class OfferedDraft:
    """A draft from another account of the member, offered when the two are linked: taken
    when the member has none, else the more recent of the two is kept (``newer``: the offered
    one was touched later) and the member told which."""

    draft: dict[str, Any]
    newer: bool


def draft_aside(data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The draft put aside while the member does something else, if any."""
    return data.get("draft")


def flow_of(saved: SavedConversation) -> str | None:
    """The flow of the conversation, or else of its draft put aside."""
    return saved.flow or (draft_aside(saved.data) or {}).get("flow")
