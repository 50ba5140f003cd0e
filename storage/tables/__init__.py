"""SQLAlchemy models: the shape of every table the bot stores (Alembic migrates them).

Each feature's tables live in the module of its name (``storage/tables/tips.py`` ...); this
package imports them all, so that ``Base.metadata`` (what Alembic compares against) holds every
table, and re-exports them, so that ``from storage.tables import X`` works for any of them.
"""

from __future__ import annotations

from storage.tables._base import (
    DAY,
    NAMING_CONVENTION,
    Base,
    UtcDateTime,
    day_end,
    day_stamp,
    utcnow,
)
from storage.tables.audit import AuditEntry
from storage.tables.broadcasts import Broadcast
from storage.tables.channels import ZaloOaOfficerPause, ZaloOaToken
from storage.tables.commendations import Commendation, ExemplaryUnit
from storage.tables.conversations import Conversation
from storage.tables.delivery import ChatSendSlot, OutboxMessage, SendBudget, SendLogEntry
from storage.tables.events import Event, EventParticipant
from storage.tables.inbox import InboxTurn, InboxUpdate
from storage.tables.incidents import Incident
from storage.tables.linking import LinkCode, NoticeAccount  # one person, several accounts
from storage.tables.monthly_reports import MonthlyReport
from storage.tables.movement_year import StandardRecognition, StandardRegistration, UnitGrade
from storage.tables.opinions import EventOpinion, Opinion, OpinionAnswer
from storage.tables.people import (
    CodeAttemptsRow,
    Identity,
    Invitation,
    MemberPreferences,
    MemberRole,
    MemberRow,
)
from storage.tables.places import Area
from storage.tables.privacy import ConsentDecision, RetentionRun
from storage.tables.reply_path import PendingReply, ProcessedUpdate
from storage.tables.security_models import ModelActivity, SecurityModel
from storage.tables.surveys import (
    Survey,
    SurveyAnswered,
    SurveyDraft,
    SurveyResponse,
    TipRated,
    TipRating,
)
from storage.tables.tips import (
    Tip,
    TipAttachment,
    TipCommendationInvite,
    TipMessage,
    TipStatusChange,
)
from storage.tables.units import UnitProfile, UnitReach
from storage.tables.web import WebLoginLink, WebSession, WebSigninFailure

# The metadata of every table above (Alembic's target).
metadata = Base.metadata

__all__ = [
    "DAY",
    "NAMING_CONVENTION",
    "Area",
    "AuditEntry",
    "Base",
    "Broadcast",
    "ChatSendSlot",
    "CodeAttemptsRow",
    "Commendation",
    "ConsentDecision",
    "Conversation",
    "Event",
    "EventOpinion",
    "EventParticipant",
    "ExemplaryUnit",
    "Identity",
    "InboxTurn",
    "InboxUpdate",
    "Incident",
    "Invitation",
    "LinkCode",
    "MemberPreferences",
    "MemberRole",
    "MemberRow",
    "ModelActivity",
    "MonthlyReport",
    "NoticeAccount",
    "Opinion",
    "OpinionAnswer",
    "OutboxMessage",
    "PendingReply",
    "ProcessedUpdate",
    "RetentionRun",
    "SecurityModel",
    "SendBudget",
    "SendLogEntry",
    "StandardRecognition",
    "StandardRegistration",
    "Survey",
    "SurveyAnswered",
    "SurveyDraft",
    "SurveyResponse",
    "Tip",
    "TipAttachment",
    "TipCommendationInvite",
    "TipMessage",
    "TipRated",
    "TipRating",
    "TipStatusChange",
    "UnitGrade",
    "UnitProfile",
    "UnitReach",
    "UtcDateTime",
    "WebLoginLink",
    "WebSession",
    "WebSigninFailure",
    "ZaloOaOfficerPause",
    "ZaloOaToken",
    "day_end",
    "day_stamp",
    "metadata",
    "utcnow",
]
