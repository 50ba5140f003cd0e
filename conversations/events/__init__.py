"""Events people register for: its domain, effects and reads.

An event is for the people of one place and everything below it: an event of a commune is
shown to every residential area of the commune, a province's to the whole province. The reads
are a part of ``conversations.ports.Records``, so this module must not import
``conversations.ports``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Protocol

from conversations.effects import Effect
from conversations.localtime import LOCAL_TIME, shown, shown_time
from conversations.places import Place, is_inside
from conversations.policy import Action, Grant, Role, may

NGAY_HOI = "ngay_hoi"
# The yearly Ngày hội toàn dân bảo vệ ANTQ: 1 July to 19 August (local time).
NGAY_HOI_START = (7, 1, time(8, 0))
NGAY_HOI_END = (8, 19, time(17, 0))
# Lists on a phone stay short.
MAX_LISTED = 10


def ngay_hoi_period(now: datetime) -> tuple[datetime, datetime]:
    """This year's Ngày hội (UTC start and end), or next year's once this year's has begun."""
    year = now.astimezone(LOCAL_TIME).year
    for candidate in (year, year + 1):
        month, day, at = NGAY_HOI_START
        starts = datetime(candidate, month, day, at.hour, at.minute, tzinfo=LOCAL_TIME)
        if starts > now:
            month, day, at = NGAY_HOI_END
            ends = datetime(candidate, month, day, at.hour, at.minute, tzinfo=LOCAL_TIME)
            return starts.astimezone(now.tzinfo), ends.astimezone(now.tzinfo)
    raise AssertionError("unreachable: next year's festival is always ahead")


# -- the year's other events: "Ngày hội Đại đoàn kết toàn dân tộc" (18 November) and the
# conferences that review the half-year and the year (sơ kết, tổng kết), where the year's
# commendations are handed out.
DAI_DOAN_KET = "dai_doan_ket"
DAI_DOAN_KET_DAY = (11, 18, time(8, 0), time(11, 30))
SO_KET = "so_ket"
TONG_KET = "tong_ket"
# A forum "Công an lắng nghe ý kiến Nhân dân": the commune's officers list the residents'
# opinions it will answer (conversations.opinions; storage.opinions.FORUM_TEMPLATE).
LANG_NGHE = "lang_nghe"


def dai_doan_ket_period(now: datetime) -> tuple[datetime, datetime]:
    """This year's 18 November morning (UTC start and end), or next year's once it began."""
    month, day, start, end = DAI_DOAN_KET_DAY
    year = now.astimezone(LOCAL_TIME).year
    for candidate in (year, year + 1):
        starts = datetime(candidate, month, day, start.hour, start.minute, tzinfo=LOCAL_TIME)
        if starts > now:
            ends = datetime(candidate, month, day, end.hour, end.minute, tzinfo=LOCAL_TIME)
            return starts.astimezone(now.tzinfo), ends.astimezone(now.tzinfo)
    raise AssertionError("unreachable: next year's day is always ahead")


def shown_range(starts: datetime, ends: datetime) -> str:
    """ "08:00 01/07/2027 – 17:00 19/08/2027", or "08:00 – 11:30 05/12/2026" on one day."""
    start, end = starts.astimezone(LOCAL_TIME), ends.astimezone(LOCAL_TIME)
    if start.date() == end.date():
        return f"{shown_time(start)} – {shown(end)}"
    return f"{shown(start)} – {shown(end)}"


@dataclass(frozen=True)
class EventView:
    """An event as the flows show and check it; ``registered`` is the asking member's."""

    id: int
    title: str
    description: str
    place_text: str
    starts_at: datetime
    ends_at: datetime
    area: Place
    created_by: int | None
    cancelled: bool
    turnout: int | None
    registered: bool
    participants: int

    def is_open(self, now: datetime) -> bool:
        """Can people still register (not cancelled, not over)?"""
        return not self.cancelled and self.ends_at > now

    @property
    def when(self) -> str:
        return shown_range(self.starts_at, self.ends_at)


def may_report_turnout(member_id: int, grants: Iterable[Grant], event: EventView) -> bool:
    """Its organiser, an admin of its place, or a leader of a place inside its place."""
    grants = tuple(grants)
    if not may(grants, Action.EVENT_TURNOUT):
        return False
    if event.created_by == member_id or may(grants, Action.MANAGE_EVENTS, event.area.path):
        return True
    return any(
        grant.role == Role.LEADER and is_inside(grant.place.path, event.area.path)
        for grant in grants
    )


def may_cancel(grants: Iterable[Grant], event: EventView, now: datetime) -> bool:
    """An admin of its place may cancel an event that is neither cancelled nor over."""
    return event.is_open(now) and may(grants, Action.MANAGE_EVENTS, event.area.path)


@dataclass(frozen=True)
class CreateEvent(Effect):
    """An admin creates an event for the people of ``area_id`` (times in UTC)."""

    title: str
    description: str
    place_text: str
    starts_at: datetime
    ends_at: datetime
    area_id: int
    template: str | None


@dataclass(frozen=True)
class RegisterForEvent(Effect):
    """The member registers for the event (again, after cancelling)."""

    event_id: int


@dataclass(frozen=True)
class CancelRegistration(Effect):
    """The member cancels their registration for the event."""

    event_id: int


@dataclass(frozen=True)
class CancelEvent(Effect):
    """An admin cancels the event; its registered participants are told, with ``reason``
    ("" when none was given)."""

    event_id: int
    reason: str


@dataclass(frozen=True)
class ReportTurnout(Effect):
    """How many people attended the event, reported (or corrected) after it."""

    event_id: int
    turnout: int
    note: str | None


@dataclass(frozen=True)
class SetHomeArea(Effect):
    """Remember where the member lives (their events are those of this place)."""

    area_id: int


class EventReads(Protocol):
    """Reads about events and their participants."""

    async def home_area(self, member_id: int) -> Place | None:
        """Where the member said they live; None when they have not said."""
        ...

    async def upcoming_events(
        self, place_path: str, *, member_id: int, now: datetime, limit: int
    ) -> list[EventView]:
        """Events for the people of ``place_path`` (held there or in a place above it), not
        cancelled and not over, nearest first."""
        ...

    async def event(self, event_id: int, *, member_id: int) -> EventView | None:
        """One event (cancelled ones too) with the member's registration."""
        ...

    async def reportable_events(
        self,
        *,
        member_id: int,
        leader_paths: list[str],
        admin_paths: list[str],
        now: datetime,
        limit: int,
    ) -> list[EventView]:
        """Events that have begun, not cancelled, created by the member, held in a place above
        one of ``leader_paths`` or inside one of ``admin_paths``; newest first."""
        ...

    async def cancellable_events(
        self, *, member_id: int, admin_paths: list[str], now: datetime, limit: int
    ) -> list[EventView]:
        """Events held inside one of ``admin_paths``, not cancelled and not over, nearest
        first."""
        ...
