"""An in-memory home for conversations and tips: the engine's storage for flow tests, with
the same behaviour the database-backed processor in ``bot`` has."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from conversations.effects import Effect, SetLocale, StoreTip
from conversations.engine import Engine
from conversations.ports import Member, SavedConversation, TipStatus
from conversations.replies import Inbound, Reply


@dataclass
class MemoryRecords:
    """Tips kept in a dict; the sender is remembered only to answer their status questions."""

    tips: dict[str, StoreTip] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)
    received: dict[str, datetime] = field(default_factory=dict)

    async def tip_status_for_sender(self, code: str, member_id: int) -> TipStatus | None:
        tip = self.tips.get(code)
        if tip is None or tip.sender_member_id != member_id:
            return None
        return TipStatus(code, self.statuses.get(code, "received"), self.received[code])


@dataclass
class MemoryChat:
    """Runs messages through an engine, keeping members and conversations in memory."""

    engine: Engine
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    records: MemoryRecords = field(default_factory=MemoryRecords)
    members: dict[str, Member] = field(default_factory=dict)
    conversations: dict[int, SavedConversation] = field(default_factory=dict)

    def member(self, user_id: str) -> Member:
        if user_id not in self.members:
            self.members[user_id] = Member(id=len(self.members) + 1, locale=None)
        return self.members[user_id]

    async def send(self, message: Inbound) -> list[Reply]:
        member = self.member(message.user_id)
        now = self.clock()
        saved = self.conversations.get(member.id)
        outcome = await self.engine.handle(member, saved, message, self.records, now)
        for effect in outcome.effects:
            self._apply(message.user_id, member, effect, now)
        state = outcome.state
        self.conversations[member.id] = SavedConversation(state.flow, state.step, state.data, now)
        return outcome.replies

    def _apply(self, user_id: str, member: Member, effect: Effect, now: datetime) -> None:
        if isinstance(effect, SetLocale):
            self.members[user_id] = Member(member.id, effect.locale)
        elif isinstance(effect, StoreTip):
            self.records.tips[effect.code] = effect
            self.records.received[effect.code] = now
