"""An in-memory home for conversations, tips, places, roles and invitations: the engine's
storage for flow tests, with the same behaviour the database-backed processor in ``bot`` has."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from bot.rows import from_row
from conversations.effects import Effect
from conversations.engine import Engine, member_after
from conversations.incidents import ReportIncident
from conversations.monthly_reports import FileMonthlyReport
from conversations.movement_year import RegisterForStandard, ShowStanding
from conversations.parsing import fold
from conversations.people import (
    AcceptInvitation,
    AddArea,
    CreateInvitation,
    GiveUpRole,
    HeldRole,
    InvitationView,
    RenameArea,
    SetLocale,
    SetReminders,
)
from conversations.places import Place, child_path, is_inside
from conversations.policy import Grant
from conversations.ports import Member, SavedConversation
from conversations.privacy import ConsentDecision, RecordConsent
from conversations.replies import Inbound, Reply
from conversations.secret_codes import CodeAttempts, CodeKind, RecordCodeAttempts
from conversations.tips import (
    ACKNOWLEDGED,
    OFFICER,
    RECEIVED,
    STATUS_THREAD_LINES,
    TIPSTER,
    AddToTip,
    AskTipster,
    ChangeTipStatus,
    EndThread,
    InboxAttachment,
    InboxLine,
    InboxTip,
    MarkThreadMessage,
    RecordTipView,
    StoreTip,
    TakeTip,
    ThreadLine,
    TipHandler,
    TipStatus,
    handler_role,
    status_after,
)
from tests.memory.broadcasts import MemoryBroadcastReads, MemoryBroadcasts, apply_broadcast_effect
from tests.memory.events import MemoryEventRecords
from tests.memory.exports import MemoryOverviewReads
from tests.memory.incidents import MemoryIncidentReads, MemoryIncidents
from tests.memory.monthly_reports import MemoryMonthlyReports
from tests.memory.movement_year import MemoryYearRecords
from tests.memory.opinions import MemoryOpinionReads
from tests.memory.security_models import MemorySecurityModels, apply_security_model_effect


@dataclass
class MemoryRecords(MemoryEventRecords):
    """Tips kept in a dict, with what the flows read about them."""

    tips: dict[str, StoreTip] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)
    received: dict[str, datetime] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    invitations: dict[str, InvitationView] = field(default_factory=dict)
    invited_by: dict[str, int] = field(default_factory=dict)
    attempts: dict[tuple[int, CodeKind], CodeAttempts] = field(default_factory=dict)
    consents: list[tuple[int, ConsentDecision]] = field(default_factory=list)
    tip_places: dict[str, Place] = field(default_factory=dict)
    tip_views: list[tuple[int, str]] = field(default_factory=list)
    held: list[HeldRole] = field(default_factory=list)
    reminders_off: set[int] = field(default_factory=set)
    handlers: dict[str, int] = field(default_factory=dict)
    notes: dict[str, str | None] = field(default_factory=dict)
    threads: dict[str, list[ThreadLine]] = field(default_factory=dict)
    thread_ended: dict[str, datetime] = field(default_factory=dict)
    incidents: MemoryIncidents = field(default_factory=MemoryIncidents)
    monthly_reports: MemoryMonthlyReports = field(default_factory=MemoryMonthlyReports)
    security_models: MemorySecurityModels = field(default_factory=MemorySecurityModels)
    broadcasts: MemoryBroadcasts = field(default_factory=MemoryBroadcasts)
    movement_year: MemoryYearRecords = field(default_factory=MemoryYearRecords)

    def place_by_id(self, area_id: int) -> Place | None:
        return next((p for p in self.places.values() if p.id == area_id), None)

    async def tip_status(self, code: str) -> TipStatus | None:
        if code not in self.tips:
            return None
        thread = tuple(self.threads.get(code, ())[-STATUS_THREAD_LINES:])
        status = self.statuses.get(code, "received")
        return TipStatus(
            code, status, self.received[code], thread, thread_ended=code in self.thread_ended
        )

    async def thread_messages_since(self, code: str, direction: str, since: datetime) -> int:
        return sum(
            1
            for line in self.threads.get(code, ())
            if line.direction == direction and line.created_at >= since
        )

    def add_place(self, code: str, name: str, kind: str, parent: Place | None = None) -> Place:
        path = child_path(parent.path, code) if parent else f"/{code}/"
        place = Place(len(self.places) + 1, code, name, kind, path, parent.name if parent else None)
        self.places[code] = place
        return place

    async def place_by_code(self, code: str) -> Place | None:
        return self.places.get(code.strip())

    async def find_places(
        self, query: str, *, within: str | None, kinds: frozenset[str] | None, limit: int
    ) -> list[Place]:
        folded = fold(query)
        found = [
            place
            for place in self.places.values()
            if folded
            and folded in fold(place.name)
            and (within is None or is_inside(place.path, within))
            and (kinds is None or place.kind in kinds)
        ]
        return sorted(found, key=lambda place: (len(place.path), place.name))[:limit]

    async def invitation(self, code: str) -> InvitationView | None:
        return self.invitations.get(code)

    async def code_attempts(self, member_id: int, kind: CodeKind) -> CodeAttempts:
        return self.attempts.get((member_id, kind), CodeAttempts())

    async def roles_within(self, path: str) -> list[HeldRole]:
        return [role for role in self.held if is_inside(role.grant.place.path, path)]

    async def reminders_enabled(self, member_id: int) -> bool:
        return member_id not in self.reminders_off

    async def inbox_tip(self, code: str) -> InboxTip | None:
        tip = self.tips.get(code)
        if tip is None:
            return None
        place = self.tip_places.get(code)
        handler = self.handlers.get(code)
        held = [role for role in self.held if role.member_id == handler]
        status = self.statuses.get(code, RECEIVED)
        return from_row(
            InboxTip,
            tip,
            code=code,
            status=status_after(status),
            outcome=status,
            received_at=self.received[code],
            acknowledged_at=None,
            forwarded_at=None,
            closed_at=None,
            place_path=place.path if place else "",
            place_name=place.full_name if place else None,
            occurred=None,
            attachments=tuple(
                InboxAttachment(item["kind"], item["channel"], item["file_id"])
                for item in tip.attachments
            ),
            handler=None
            if handler is None
            else TipHandler(
                handler,
                held[0].display_name if held else None,
                handler_role(role.grant.role for role in held),
            ),
            handler_grant_ids=frozenset(role.grant.id for role in held),
            note=self.notes.get(code),
            thread=tuple(self.threads.get(code, ())),
            first_answer_at=next(
                (
                    line.created_at
                    for line in self.threads.get(code, ())
                    if line.direction == OFFICER
                ),
                None,
            ),
            thread_ended_at=self.thread_ended.get(code),
        )

    async def inbox_lines(self, path: str, *, limit: int) -> list[InboxLine]:
        placed = [
            code
            for code in self.tips
            if code in self.tip_places and is_inside(self.tip_places[code].path, path)
        ]
        newest = sorted(placed, key=lambda code: self.received[code], reverse=True)[:limit]
        lines = []
        for code in newest:
            tip = await self.inbox_tip(code)
            assert tip is not None
            lines.append(
                InboxLine(tip.code, tip.category, tip.status, tip.received_at, tip.handler)
            )
        return lines


class MemoryReads:
    """The engine's read port over one ``MemoryRecords``: places, people, tips and events are
    read from the store itself, other features from their own memory readers
    (``tests.memory.<feature>``)."""

    def __init__(self, store: MemoryRecords) -> None:
        self.places = self.people = self.tips = self.events = store
        self.monthly_reports = store.monthly_reports
        self.incidents = MemoryIncidentReads(store.places, store.held)
        self.security_models = store.security_models
        self.broadcasts = MemoryBroadcastReads(store.broadcasts, store.places, store.held)
        self.exports = MemoryOverviewReads(
            store.places, store.monthly_reports, store.security_models
        )
        self.movement_year = store.movement_year
        self.opinions = MemoryOpinionReads()


@dataclass
class MemoryChat:
    """Runs messages through an engine, keeping members and conversations in memory."""

    engine: Engine
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    records: MemoryRecords = field(default_factory=MemoryRecords)
    members: dict[str, Member] = field(default_factory=dict)
    conversations: dict[int, SavedConversation] = field(default_factory=dict)
    notices: list[tuple[int, str]] = field(default_factory=list)
    _role_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def member(self, user_id: str) -> Member:
        if user_id not in self.members:
            self.members[user_id] = Member(id=len(self.members) + 1, locale=None)
        return self.members[user_id]

    def grant(self, user_id: str, grant: Grant) -> Grant:
        """Give a member a role directly (the way ``antq admin add`` does)."""
        stored = replace(grant, id=next(self._role_ids))
        member = self.member(user_id)
        self.members[user_id] = replace(member, roles=(*member.roles, stored))
        self.records.held.append(HeldRole(stored, member.id, f"user {user_id}"))
        return stored

    async def send(self, message: Inbound) -> list[Reply]:
        member = self.member(message.user_id)
        now = self.clock()
        saved = self.conversations.get(member.id)
        outcome = await self.engine.handle(member, saved, message, MemoryReads(self.records), now)
        for effect in outcome.effects:
            self._apply(message.user_id, self.members[message.user_id], effect, now)
        state = outcome.state
        self.conversations[member.id] = SavedConversation(state.flow, state.step, state.data, now)
        return outcome.replies

    def _apply(self, user_id: str, member: Member, effect: Effect, now: datetime) -> None:
        records = self.records
        if isinstance(effect, SetLocale):
            self.members[user_id] = replace(member, locale=effect.locale)
        elif isinstance(effect, RecordConsent):
            self.members[user_id] = member_after(member, effect)
            records.consents.append((member.id, effect.decision))
        elif isinstance(effect, StoreTip):
            records.tips[effect.code] = effect
            records.received[effect.code] = now
            if effect.area_id is not None:
                records.tip_places[effect.code] = next(
                    p for p in records.places.values() if p.id == effect.area_id
                )
        elif isinstance(effect, AcceptInvitation):
            records.invitations[effect.code] = replace(records.invitations[effect.code], used=True)
            self.grant(user_id, effect.grant)
            if effect.code in records.invited_by:
                self.notices.append((records.invited_by[effect.code], "notice.invitation_used"))
        elif isinstance(effect, RecordCodeAttempts):
            records.attempts[member.id, effect.kind] = CodeAttempts(
                effect.failures, effect.locked_until
            )
        elif isinstance(effect, CreateInvitation):
            place = next(p for p in records.places.values() if p.id == effect.area_id)
            records.invitations[effect.code] = InvitationView(
                effect.role, place, effect.expires_at, used=False
            )
            records.invited_by[effect.code] = member.id
        elif isinstance(effect, GiveUpRole):
            records.held = [role for role in records.held if role.grant.id != effect.role_id]
            for holder, held in self.members.items():
                kept = tuple(grant for grant in held.roles if grant.id != effect.role_id)
                self.members[holder] = replace(held, roles=kept)
        elif isinstance(effect, SetReminders):
            if effect.on:
                records.reminders_off.discard(member.id)
            else:
                records.reminders_off.add(member.id)
        elif isinstance(effect, AddArea):
            parent = next(p for p in records.places.values() if p.id == effect.parent_id)
            code = f"{parent.code}-{len(records.places) + 1:03d}"
            added = records.add_place(code, effect.name, effect.kind, parent)
            if effect.households is not None:
                records.monthly_reports.households[added.id] = effect.households
        elif isinstance(effect, RecordTipView):
            records.tip_views.append((member.id, effect.code))
        elif isinstance(effect, TakeTip):
            records.handlers[effect.code] = member.id
            if records.statuses.get(effect.code, RECEIVED) == RECEIVED:
                records.statuses[effect.code] = ACKNOWLEDGED
        elif isinstance(effect, AddToTip):
            line = ThreadLine(
                TIPSTER, effect.text, len(effect.attachments), now, location=effect.location
            )
            records.threads.setdefault(effect.code, []).append(line)
        elif isinstance(effect, AskTipster):
            line = ThreadLine(OFFICER, effect.text, len(effect.attachments), now)
            records.threads.setdefault(effect.code, []).append(line)
        elif isinstance(effect, EndThread):
            records.thread_ended.setdefault(effect.code, now)
        elif isinstance(effect, MarkThreadMessage):
            thread = records.threads[effect.code]
            thread[effect.number - 1] = replace(
                thread[effect.number - 1], important=effect.important
            )
        elif isinstance(effect, ChangeTipStatus):
            records.statuses[effect.code] = effect.outcome
            records.notes[effect.code] = effect.note
        elif isinstance(effect, RegisterForStandard | ShowStanding):
            records.movement_year.apply(effect)
        elif isinstance(effect, ReportIncident):
            reads = MemoryIncidentReads(records.places, records.held)
            records.incidents.report(
                effect, member_id=member.id, roles=member.roles, reads=reads, now=now
            )
        elif isinstance(effect, FileMonthlyReport):
            records.monthly_reports.file(
                effect,
                area=records.place_by_id(effect.area_id),
                roles=member.roles,
                member_id=member.id,
                name=f"user {user_id}",
                now=now,
            )
        elif apply_security_model_effect(
            records.security_models,
            effect,
            place_by_id=records.place_by_id,
            member_id=member.id,
            roles=member.roles,
            now=now,
        ) or apply_broadcast_effect(
            records.broadcasts,
            effect,
            member_id=member.id,
            roles=member.roles,
            places=records.places,
            held=records.held,
            now=now,
        ):
            pass
        elif isinstance(effect, RenameArea):
            place = next(p for p in records.places.values() if p.id == effect.area_id)
            records.places[place.code] = replace(place, name=effect.name)
