"""SQLAlchemy models: the shape of every table the bot stores (Alembic migrates them)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Area",
    "AuditEntry",
    "Base",
    "Broadcast",
    "ChatSendSlot",
    "CodeAttemptsRow",
    "ConsentDecision",
    "Conversation",
    "Event",
    "EventParticipant",
    "Identity",
    "Incident",
    "Invitation",
    "MemberPreferences",
    "MemberRole",
    "MemberRow",
    "ModelActivity",
    "MonthlyReport",
    "Notice",
    "OutboxMessage",
    "PendingReply",
    "ProcessedUpdate",
    "RetentionRun",
    "SecurityModel",
    "SendBudget",
    "SendLogEntry",
    "StandardRecognition",
    "StandardRegistration",
    "Tip",
    "TipAttachment",
    "TipMessage",
    "TipStatusChange",
    "UnitGrade",
    "UtcDateTime",
    "WebLoginLink",
    "WebSession",
    "utcnow",
]

# Named constraints: Alembic's SQLite batch mode can only alter constraints it can name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that always stores UTC and always returns aware datetimes.

    SQLite keeps no offset, so without this a value would come back naive (and a non-UTC
    aware value would be stored with the wrong wall time).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of all models; its metadata is what Alembic compares against."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {datetime: UtcDateTime()}  # noqa: RUF012


class MemberRow(Base):
    """One person, whatever channels they use."""

    __tablename__ = "members"
    # Never reuse an erased member's id on SQLite: the audit log names members by id.
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    locale: Mapped[str | None] = mapped_column(String(5))  # None = not chosen yet
    display_name: Mapped[str | None] = mapped_column(String(128))
    # Where the member lives, when they told us (events of their place are shown to them).
    home_area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    # The version of the privacy notice the member agreed to; NULL: never agreed, refused or
    # withdrew (the history is in consent_decisions). Read on every message, so kept here.
    consent_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConsentDecision(Base):
    """A member's answer to the privacy notice: given, refused or withdrawn, with the notice's
    version and the time, kept as the proof the law asks for (erased with the member)."""

    __tablename__ = "consent_decisions"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(16))  # given | refused | withdrawn
    notice_version: Mapped[int] = mapped_column(Integer)
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class Identity(Base):
    """One account on one channel, pointing at its member."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("channel", "platform_user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # console | telegram | zalo
    platform_user_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    # False once the user blocked the bot; true again when they write.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # A keyboard that stays on the user's screen until a message takes it away (Telegram's
    # "share my location" button) shows once the stored replies went: decided with them in the
    # processor's transaction, so that the next batch knows it owes the removal.
    reply_keyboard: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The platform's order number (Telegram's update id) of the last update applied to this
    # account's conversation: an older one arrived late and does not move it back.
    last_update_order: Mapped[int | None] = mapped_column(BigInteger)


class Conversation(Base):
    """Where a member is in a flow, and their answers so far (saved after every step)."""

    __tablename__ = "conversations"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    flow: Mapped[str | None] = mapped_column(String(32))
    step: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer)  # optimistic lock
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Tip(Base):
    """A tip (tin báo) from a resident; anonymous ones keep no readable link to the sender."""

    __tablename__ = "tips"
    __table_args__ = (
        Index("ix_tips_status_received_at", "status", "received_at"),
        Index("ix_tips_received_at", "received_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    place_text: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    place_unknown: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    occurred_date: Mapped[date | None] = mapped_column(Date)
    occurred_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM"
    occurred_unknown: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    anonymous: Mapped[bool] = mapped_column(Boolean)
    # NULL for anonymous tips (checked by storage.tips.insert_tip).
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    contact_phone: Mapped[str | None] = mapped_column(String(16))
    # Route back to the sender, sealed by the caller; erased after closing + retention.
    sender_route: Mapped[bytes | None] = mapped_column(LargeBinary)
    locale: Mapped[str] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(16), default="received", server_default="received")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column()
    forwarded_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    # The officer who took the tip (one officer handles a tip; the others see who).
    handler_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    status_note: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None] = mapped_column()
    # When an officer first wrote to the tipster in the tip's thread (the "first answer").
    first_answer_at: Mapped[datetime | None] = mapped_column()
    # When the tipster ended the dialogue: no officer's message is relayed after it.
    thread_ended_at: Mapped[datetime | None] = mapped_column()


class TipAttachment(Base):
    """A photo, video, voice note or document sent with a tip (stored as a platform file id)."""

    __tablename__ = "tip_attachments"
    __table_args__ = (UniqueConstraint("tip_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # photo | video | voice | document
    channel: Mapped[str] = mapped_column(String(16))
    # Telegram file ids are short; a Zalo photo is identified by its URL, which may be long.
    file_id: Mapped[str] = mapped_column(Text)
    file_unique_id: Mapped[str | None] = mapped_column(String(128))
    mime_type: Mapped[str | None] = mapped_column(String(128))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    file_name: Mapped[str | None] = mapped_column(String(256))
    duration_seconds: Mapped[int | None] = mapped_column(Integer)


class TipMessage(Base):
    """A message of a tip's thread, between its tipster and the officers handling it.

    Nothing says who wrote it: ``direction`` tells the tipster's side from the officers'.
    ``created_at`` is kept to the minute, so the times shown cannot be matched to a platform's
    own records of the sender's messages. Erased with the tip's sealed route (retention).
    """

    __tablename__ = "tip_messages"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(16))  # tipster | officer
    text: Mapped[str | None] = mapped_column(Text)
    # [{"kind", "channel", "file_id"}], as the tip's own attachments identify a file.
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column()
    delivered_at: Mapped[datetime | None] = mapped_column()
    read_at: Mapped[datetime | None] = mapped_column()
    # An officer marked it as important (shown with a mark in the thread).
    important: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A tipster's message nobody answered in time was escalated (once) to the admins.
    escalated_at: Mapped[datetime | None] = mapped_column()
    # A location the tipster shared with an addition.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


class ProcessedUpdate(Base):
    """A platform delivery already handled (Telegram update id, Zalo message id).

    Claimed in the same transaction as the state it changed, so a delivery that arrives twice
    (a webhook retry, a polling restart) changes nothing the second time.
    """

    __tablename__ = "processed_updates"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    update_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Area(Base):
    """A place in the tree: province > commune > residential area (thôn, tổ dân phố ...) > ...

    ``path`` is the materialised path of codes from the root ("/40/17662/17662-001/"), so
    "is X inside Y" is ``X.path.startswith(Y.path)`` without walking the tree.
    """

    __tablename__ = "areas"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    # Lower-case, without diacritics: "do luong" finds "Xã Đô Lương".
    name_folded: Mapped[str] = mapped_column(String(128), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # province | commune | thon | to_dan_pho ...
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("areas.id", ondelete="RESTRICT"), index=True
    )
    path: Mapped[str] = mapped_column(String(255), index=True)
    households: Mapped[int | None] = mapped_column(Integer)
    # A name people still use after a merger or a renaming.
    former_name: Mapped[str | None] = mapped_column(String(128))
    former_name_folded: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MemberRole(Base):
    """A role a member holds in one place; revoked roles stay for the record."""

    __tablename__ = "member_roles"
    __table_args__ = (
        Index("ix_member_roles_member_id_revoked_at", "member_id", "revoked_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))  # leader | model_lead | officer | admin
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"), index=True)
    # NULL when granted from the command line (the first admin).
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))


class Invitation(Base):
    """A one-time code that gives whoever redeems it first a role in a place."""

    __tablename__ = "invitations"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
    used_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))


class CodeAttemptsRow(Base):
    """Wrong secret codes in a row from one member, per kind of code (an invitation, a tip's
    follow-up code), and until when they must wait before trying again."""

    __tablename__ = "code_attempts"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # invitation | tip
    failures: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Who did what to whom, where and when: grants, revocations, invitations, looks at tips.

    Holds ids only, never a tip's text or a sender's identity.
    """

    __tablename__ = "audit_log"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # NULL for the command line (an operator on the server).
    actor_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(32))  # role.granted, tip.viewed ...
    subject_kind: Mapped[str | None] = mapped_column(String(16))  # member | tip | invitation
    subject_id: Mapped[int | None] = mapped_column(Integer)
    role: Mapped[str | None] = mapped_column(String(16))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))


class Notice(Base):
    """A message to a member that is not a direct reply, waiting to be delivered.

    A stand-in until the outbox exists: the outbox sender will drain undelivered notices.
    """

    __tablename__ = "notices"
    __table_args__ = (
        Index("ix_notices_delivered_at_created_at", "delivered_at", "created_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))  # catalogue key of the message
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column()


class OutboxMessage(Base):
    """A message that is not a direct reply, written with its cause and sent by the sender.

    Addressed to an identity (a member on one channel; its current chat id is read when the
    message is sent) or to a bare ``chat_id`` (a group). The text is either ``text`` (already
    written, e.g. a broadcast) or ``message_key`` + ``params`` rendered in the member's language
    when sent. Both are erased once the message is delivered.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_channel_status_not_before", "channel", "status", "not_before"),
        Index("ix_outbox_finished_at", "finished_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    identity_id: Mapped[int | None] = mapped_column(
        ForeignKey("identities.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[str | None] = mapped_column(String(64))
    # An anonymous tipster's chat, sealed with the server key: opened only to send, erased then.
    sealed_route: Mapped[bytes | None] = mapped_column(LargeBinary)
    kind: Mapped[str] = mapped_column(String(16))  # tip_notice | reminder | digest | broadcast ...
    # Same key, same message: a rule that fires twice or a recipient listed twice is stored once.
    dedup_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    text: Mapped[str | None] = mapped_column(Text)
    message_key: Mapped[str | None] = mapped_column(String(64))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # queued | sending | sent | failed | blocked | cancelled | outside_window
    status: Mapped[str] = mapped_column(String(16), default="queued", server_default="queued")
    not_before: Mapped[datetime] = mapped_column()
    lease_until: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(String(64))  # an error class name, never text
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    # The broadcast this copy belongs to, for its progress counts.
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True
    )
    # Who holds the lease of a row being sent: the sender's stable worker id (ANTQ_WORKER_ID)
    # and the id of its run. A restarted worker takes back its own earlier run's rows at once;
    # another worker only once the lease has run out.
    lease_worker: Mapped[str | None] = mapped_column(String(64))
    lease_boot: Mapped[str | None] = mapped_column(String(32))


class PendingReply(Base):
    """The replies to one inbound message, stored with the state that caused them and deleted
    once the channel has sent them all (see DESIGN.md, "The reply path").

    ``payload`` is the replies as the channel renders them (``bot.reply_path.codec``);
    ``parts_sent`` counts the platform messages of the batch already sent, so that a batch cut
    off half way resumes with the next one. ``update_key`` finds the batch when the platform
    delivers the same update again.
    """

    __tablename__ = "pending_replies"
    __table_args__ = (
        Index("ix_pending_replies_channel_update", "channel", "update_key"),
        Index("ix_pending_replies_channel_id", "channel", "id"),
        # Ids never come back after a deletion: the dispatcher knows sent batches by id.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    identity_id: Mapped[int] = mapped_column(
        ForeignKey("identities.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    update_key: Mapped[str | None] = mapped_column(String(128))
    locale: Mapped[str | None] = mapped_column(String(8))
    payload: Mapped[list[Any]] = mapped_column(JSON)
    parts_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The chat showed a reply keyboard before this batch: its first plain message removes it.
    removal_owed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class MemberPreferences(Base):
    """What a member chose about messages the bot sends on its own (no row: the defaults)."""

    __tablename__ = "member_preferences"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    reminders: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Campaign messages (broadcasts); reminders for a role and tip notices are not campaigns.
    campaigns: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class MonthlyReport(Base):
    """A residential area's monthly update (báo cáo tháng): one per area and period.

    The figure columns are named as the monthly update's fields in
    ``conversations.monthly_reports.REPORT_FIELDS`` (a test keeps the two lists equal).
    """

    __tablename__ = "monthly_reports"
    __table_args__ = (
        UniqueConstraint("area_id", "period"),
        Index("ix_monthly_reports_period", "period"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    period: Mapped[str] = mapped_column(String(7))  # "2026-10"
    deadline: Mapped[date] = mapped_column(Date)  # last day it could be filed on time
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    filed_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    propaganda_sessions: Mapped[int] = mapped_column(Integer)
    propaganda_attendees: Mapped[int] = mapped_column(Integer)
    residents_meetings: Mapped[int] = mapped_column(Integer)
    households: Mapped[int] = mapped_column(Integer)
    households_pledged: Mapped[int] = mapped_column(Integer)
    tips_received: Mapped[int] = mapped_column(Integer)
    tips_to_police: Mapped[int] = mapped_column(Integer)
    incidents_crime: Mapped[int] = mapped_column(Integer)
    incidents_social_evils: Mapped[int] = mapped_column(Integer)
    incidents_domestic_violence: Mapped[int] = mapped_column(Integer)
    incidents_traffic: Mapped[int] = mapped_column(Integer)
    incidents_fire: Mapped[int] = mapped_column(Integer)
    disputes_mediated: Mapped[int] = mapped_column(Integer)
    disputes_resolved: Mapped[int] = mapped_column(Integer)
    patrol_shifts: Mapped[int] = mapped_column(Integer)
    managed_youth: Mapped[int] = mapped_column(Integer)
    managed_drug_users: Mapped[int] = mapped_column(Integer)
    managed_post_rehab: Mapped[int] = mapped_column(Integer)
    managed_reintegrating: Mapped[int] = mapped_column(Integer)
    managed_removed: Mapped[int] = mapped_column(Integer)
    cameras_total: Mapped[int] = mapped_column(Integer)
    cameras_new: Mapped[int] = mapped_column(Integer)
    security_lights: Mapped[int] = mapped_column(Integer)
    fire_safe_groups: Mapped[int] = mapped_column(Integer)
    fire_points: Mapped[int] = mapped_column(Integer)
    models_active: Mapped[int] = mapped_column(Integer)
    money_mobilised: Mapped[int] = mapped_column(BigInteger)  # VND
    notable_events: Mapped[str | None] = mapped_column(Text)
    proposals: Mapped[str | None] = mapped_column(Text)


class Incident(Base):
    """An urgent incident reported by a leader or an officer (what, where, how serious)."""

    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_area_id_reported_at", "area_id", "reported_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    what: Mapped[str] = mapped_column(Text)
    place_text: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(16))  # low | serious | critical
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)


class SecurityModel(Base):
    """A self-managed security model (mô hình tự quản) of a place."""

    __tablename__ = "security_models"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))  # conversations.security_models.MODEL_KINDS
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"), index=True)
    lead_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    lead_name: Mapped[str | None] = mapped_column(String(128))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()  # removed ("paper" models)


class ModelActivity(Base):
    """One logged activity of a model: a meeting, a patrol, a propaganda session ..."""

    __tablename__ = "model_activities"
    __table_args__ = (
        Index("ix_model_activities_model_id_activity_date", "model_id", "activity_date"),
        Index("ix_model_activities_activity_date", "activity_date"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("security_models.id", ondelete="CASCADE"))
    activity_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))  # meeting | patrol | propaganda | ...
    participants: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(Text)
    # Up to 5 photos as platform file ids: [{"channel": ..., "file_id": ...}].
    photos: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    logged_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    logged_at: Mapped[datetime] = mapped_column(default=utcnow)


class Event(Base):
    """An event people can register for (the yearly Ngày hội, a forum, a training)."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_starts_at", "starts_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    place_text: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    # The place whose people the event is for (its subtree).
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"), index=True)
    template: Mapped[str | None] = mapped_column(String(32))  # "ngay_hoi" ...
    created_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column()
    turnout: Mapped[int | None] = mapped_column(Integer)
    turnout_note: Mapped[str | None] = mapped_column(Text)
    turnout_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    turnout_at: Mapped[datetime | None] = mapped_column()


class EventParticipant(Base):
    """A member registered for an event (a cancelled registration keeps its row)."""

    __tablename__ = "event_participants"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column()


class TipStatusChange(Base):
    """A step in a tip's handling: taken, acknowledged, forwarded, closed ... with its note.

    The officer is kept for the record; the tipster is only ever told the new status.
    """

    __tablename__ = "tip_status_changes"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Broadcast(Base):
    """A campaign message from an admin to an audience inside their place.

    ``audience`` holds the chosen area ids, roles and channels; one outbox row per recipient
    (dedup key per broadcast and member) carries the copies.
    """

    __tablename__ = "broadcasts"
    __table_args__ = (
        Index("ix_broadcasts_status_send_at", "status", "send_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    audience: Mapped[dict[str, Any]] = mapped_column(JSON)
    text_vi: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str | None] = mapped_column(Text)
    photo: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # {"channel", "file_id"}
    # draft | scheduled | queueing | sending | done | cancelled
    status: Mapped[str] = mapped_column(String(16))
    send_at: Mapped[datetime] = mapped_column()
    recipients: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    cancelled_at: Mapped[datetime | None] = mapped_column()


class RetentionRun(Base):
    """What one run of the retention schedule erased in one category (counts only), so that
    ``antq privacy report`` can show what was deleted and when."""

    __tablename__ = "retention_runs"
    __table_args__ = (
        Index("ix_retention_runs_category_ran_at", "category", "ran_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ran_at: Mapped[datetime] = mapped_column()
    category: Mapped[str] = mapped_column(String(32))  # bot.privacy.retention's category names
    erased: Mapped[int] = mapped_column(Integer)
    # Past their period but left in place (members, until their erasure exists).
    left_due: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class WebLoginLink(Base):
    """A one-time link to the officers' web console, sent to one member in chat.

    Only a digest of its token is stored, so a copy of the database opens no console; the link
    works once (``used_at``) and until ``expires_at``.
    """

    __tablename__ = "web_login_links"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()


class WebSession(Base):
    """A signed-in browser of the web console: the digest of its cookie's token, its member and
    the roles they held when it began (the session ends once one of them is revoked)."""

    __tablename__ = "web_sessions"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    role_ids: Mapped[list[int]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()


class ZaloOaToken(Base):
    """The OAuth token pair of one Zalo Official Account, sealed with the server key.

    The refresh token is single use: each refresh spends it and hands out a new pair, which is
    stored before the new access token is used. ``generation`` counts the refreshes, so that a
    process that waited for another's refresh sees it happened.
    """

    __tablename__ = "zalo_oa_tokens"

    oa_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sealed_pair: Mapped[bytes] = mapped_column(LargeBinary)
    access_expires_at: Mapped[datetime] = mapped_column()
    generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    refreshed_at: Mapped[datetime] = mapped_column()


class StandardRegistration(Base):
    """A residential area's registration for the "An toàn về an ninh, trật tự" standard of
    one year (quarter I), as its leader filed it; a later filing corrects it."""

    __tablename__ = "standard_registrations"
    __table_args__ = (UniqueConstraint("area_id", "year"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    households_registered: Mapped[int] = mapped_column(Integer)
    registered_on: Mapped[date] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    registered_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)


class StandardRecognition(Base):
    """Whether a registered area was recognised as meeting the standard for a year, as the
    commune's admin recorded it at the year's end."""

    __tablename__ = "standard_recognitions"
    __table_args__ = (UniqueConstraint("area_id", "year"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    recognised: Mapped[bool] = mapped_column(Boolean)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class UnitGrade(Base):
    """The movement's grade of a unit for a year (xuất sắc, khá, trung bình, yếu): a
    residential area's by its commune's admin, a commune's by its province's admin."""

    __tablename__ = "unit_grades"
    __table_args__ = (UniqueConstraint("area_id", "year"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(16))  # excellent | good | average | weak
    graded_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    graded_at: Mapped[datetime] = mapped_column(default=utcnow)


class SendBudget(Base):
    """One platform's sending budget, shared by every process on PostgreSQL: the time of the
    next free send slot (``bot.delivery.shared_limits``). One row per channel."""

    __tablename__ = "send_budgets"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    next_at: Mapped[datetime] = mapped_column()
    # The number of the last send claimed (each send's row in ``send_log`` has its number).
    seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class SendLogEntry(Base):
    """One recent send of a channel, from every process: when it started and when the
    platform answered it. A send may start only a second after the one ``per_second`` places
    before it was answered; old entries are pruned."""

    __tablename__ = "send_log"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    started_at: Mapped[datetime] = mapped_column()
    done_at: Mapped[datetime | None] = mapped_column()


class ChatSendSlot(Base):
    """When one chat may get its next message (the platform's per-chat gap), for every
    process; rows whose time has long passed are pruned."""

    __tablename__ = "chat_send_slots"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_at: Mapped[datetime] = mapped_column(index=True)
