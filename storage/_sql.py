"""Small SQL helpers shared by the repositories (Core tables, dialect checks)."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import (
    Area,
    AuditEntry,
    Broadcast,
    Conversation,
    Event,
    EventParticipant,
    Identity,
    Incident,
    Invitation,
    JoinAttemptsRow,
    MemberPreferences,
    MemberRole,
    MemberRow,
    ModelActivity,
    MonthlyReport,
    Notice,
    OutboxMessage,
    ProcessedUpdate,
    SecurityModel,
    Tip,
    TipAttachment,
    TipStatusChange,
)

# Core tables: the repositories use Core statements, which skip the ORM's per-row work.
members: Table = MemberRow.__table__  # type: ignore[assignment]
identities: Table = Identity.__table__  # type: ignore[assignment]
conversations: Table = Conversation.__table__  # type: ignore[assignment]
tips: Table = Tip.__table__  # type: ignore[assignment]
tip_attachments: Table = TipAttachment.__table__  # type: ignore[assignment]
processed_updates: Table = ProcessedUpdate.__table__  # type: ignore[assignment]
areas: Table = Area.__table__  # type: ignore[assignment]
member_roles: Table = MemberRole.__table__  # type: ignore[assignment]
invitations: Table = Invitation.__table__  # type: ignore[assignment]
join_attempts: Table = JoinAttemptsRow.__table__  # type: ignore[assignment]
audit_log: Table = AuditEntry.__table__  # type: ignore[assignment]
notices: Table = Notice.__table__  # type: ignore[assignment]
outbox: Table = OutboxMessage.__table__  # type: ignore[assignment]
member_preferences: Table = MemberPreferences.__table__  # type: ignore[assignment]
monthly_reports: Table = MonthlyReport.__table__  # type: ignore[assignment]
incidents: Table = Incident.__table__  # type: ignore[assignment]
security_models: Table = SecurityModel.__table__  # type: ignore[assignment]
model_activities: Table = ModelActivity.__table__  # type: ignore[assignment]
events: Table = Event.__table__  # type: ignore[assignment]
event_participants: Table = EventParticipant.__table__  # type: ignore[assignment]
tip_status_changes: Table = TipStatusChange.__table__  # type: ignore[assignment]
broadcasts: Table = Broadcast.__table__  # type: ignore[assignment]


def dialect_name(session: AsyncSession) -> str:
    """'sqlite' or 'postgresql', for the few statements that differ."""
    return session.get_bind().dialect.name
