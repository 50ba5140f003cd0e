"""Admin broadcasts in memory (``tests.memory``): broadcasts kept with their audience, and the
members they reach (home areas, held roles, channels, campaign opt-outs), as
``storage.broadcasts`` counts them and ``bot.broadcasts.handlers`` stores and cancels them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.rows import from_row
from conversations.broadcasts import (
    CANCELLABLE,
    CANCELLED,
    SCHEDULED,
    Audience,
    BroadcastProgress,
    CancelBroadcast,
    CreateBroadcast,
)
from conversations.people import HeldRole
from conversations.places import Place, is_inside
from conversations.policy import Action, Grant, PolicyViolation, Role, may


@dataclass(frozen=True)
class StoredBroadcast:
    id: int
    created_by: int
    area: Place
    audience: Audience
    text_vi: str
    text_en: str | None
    photo: dict[str, str] | None
    status: str
    send_at: datetime
    recipients: int
    created_at: datetime
    cancelled_at: datetime | None = None


@dataclass
class MemoryBroadcasts:
    """Broadcasts by id, and who can be reached: a member's home area, the channels they
    have an active account on, and whether they turned campaign messages off."""

    stored: dict[int, StoredBroadcast] = field(default_factory=dict)
    homes: dict[int, Place] = field(default_factory=dict)
    channels: dict[int, set[str]] = field(default_factory=dict)
    opted_out: set[int] = field(default_factory=set)

    def reach(
        self, audience: Audience, places: Mapping[str, Place], held: Iterable[HeldRole]
    ) -> int:
        """What ``storage.broadcasts.audience_size`` counts."""
        paths = [p.path for p in places.values() if p.id in audience.area_ids]
        inside = lambda place: any(is_inside(place.path, path) for path in paths)  # noqa: E731
        reached: set[int] = set()
        if Role.RESIDENT in audience.roles:
            reached |= {member for member, home in self.homes.items() if inside(home)}
        reached |= {
            role.member_id
            for role in held
            if role.grant.role != Role.RESIDENT
            and role.grant.role in audience.roles
            and inside(role.grant.place)
        }
        return sum(
            1
            for member in reached
            if self.channels.get(member, set()) & set(audience.channels)
            and member not in self.opted_out
        )

    def progress(self, broadcast: StoredBroadcast) -> BroadcastProgress:
        """No scheduler runs in memory: a broadcast is never fanned out to the outbox, so it
        has no copies to count (a test may set ``queued`` state by hand)."""
        return from_row(
            BroadcastProgress,
            broadcast,
            place_name=broadcast.area.name,
            place_path=broadcast.area.path,
            started_at=None,
            finished_at=broadcast.cancelled_at,
        )

    def create(
        self,
        effect: CreateBroadcast,
        *,
        member_id: int,
        roles: tuple[Grant, ...],
        places: Mapping[str, Place],
        held: Iterable[HeldRole],
        now: datetime,
    ) -> None:
        """What ``bot.broadcasts.handlers`` does for ``CreateBroadcast``, in memory."""
        place = next((p for p in places.values() if p.id == effect.area_id), None)
        if place is None or not may(roles, Action.BROADCAST, place.path):
            raise PolicyViolation("a broadcast outside the member's places")
        for area_id in effect.audience.area_ids:
            area = next((p for p in places.values() if p.id == area_id), None)
            if area is None or not is_inside(area.path, place.path):
                raise PolicyViolation("a broadcast audience outside the sender's place")
        photo = None
        if effect.photo_channel and effect.photo_file_id:
            photo = {"channel": effect.photo_channel, "file_id": effect.photo_file_id}
        broadcast = StoredBroadcast(
            id=len(self.stored) + 1,
            created_by=member_id,
            area=place,
            audience=effect.audience,
            text_vi=effect.text_vi,
            text_en=effect.text_en,
            photo=photo,
            status=SCHEDULED,
            send_at=max(effect.send_at, now),
            recipients=self.reach(effect.audience, places, held),
            created_at=now,
        )
        self.stored[broadcast.id] = broadcast

    def cancel(self, effect: CancelBroadcast, *, roles: tuple[Grant, ...], now: datetime) -> None:
        """What ``bot.broadcasts.handlers`` does for ``CancelBroadcast``, in memory."""
        broadcast = self.stored.get(effect.broadcast_id)
        if broadcast is None or not may(roles, Action.BROADCAST, broadcast.area.path):
            raise PolicyViolation("cancelling a broadcast outside the member's places")
        if broadcast.status in CANCELLABLE:
            self.stored[broadcast.id] = replace(broadcast, status=CANCELLED, cancelled_at=now)


@dataclass(frozen=True)
class MemoryBroadcastReads:
    """The engine's ``BroadcastReads`` over the broadcasts and the store's places and roles."""

    broadcasts: MemoryBroadcasts
    places: Mapping[str, Place]
    held: Iterable[HeldRole]

    async def broadcast_reach(self, audience: Audience) -> int:
        return self.broadcasts.reach(audience, self.places, self.held)

    async def broadcasts_within(self, path: str, *, limit: int) -> list[BroadcastProgress]:
        found = [b for b in self.broadcasts.stored.values() if is_inside(b.area.path, path)]
        newest = sorted(found, key=lambda b: b.id, reverse=True)[:limit]
        return [self.broadcasts.progress(b) for b in newest]

    async def broadcast_progress(self, broadcast_id: int) -> BroadcastProgress | None:
        found = self.broadcasts.stored.get(broadcast_id)
        return None if found is None else self.broadcasts.progress(found)

    async def campaigns_enabled(self, member_id: int) -> bool:
        return member_id not in self.broadcasts.opted_out


def apply_broadcast_effect(
    broadcasts: MemoryBroadcasts,
    effect: object,
    *,
    member_id: int,
    roles: tuple[Grant, ...],
    places: Mapping[str, Place],
    held: Iterable[HeldRole],
    now: datetime,
) -> bool:
    """Apply ``effect`` when it is a broadcast's; False when it is not."""
    if isinstance(effect, CreateBroadcast):
        broadcasts.create(
            effect, member_id=member_id, roles=roles, places=places, held=held, now=now
        )
    elif isinstance(effect, CancelBroadcast):
        broadcasts.cancel(effect, roles=roles, now=now)
    else:
        return False
    return True
