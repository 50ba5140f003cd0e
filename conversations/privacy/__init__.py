"""Personal data: consent to the privacy notice, seeing what the bot holds about oneself, and
erasure — the effects these conversations ask for (Law 91/2025/QH15 on personal data).

Consent is asked before the bot keeps anything about a person beyond an anonymous tip: the
flows that would (registering for events, taking a role with an invitation, leaving a phone
with a tip) say ``needs_consent`` and the engine shows the notice first. Officers, leaders
and admins given a role from the command line hold it for their official work; their own
data is handled on that basis and they can still see and erase it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations.effects import Effect

# Bump with every change of the notice's meaning (locales: privacy.notice): everybody who
# agreed to an older version is asked again before the next thing that needs consent.
NOTICE_VERSION = 2


class ConsentDecision(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


# What ANTQ_DATA_CONTROLLER says until a deployment names its unit (``antq run`` warns).
PLACEHOLDER_CONTROLLER = "Công an xã/phường nơi triển khai hệ thống"
# The placeholder as earlier releases' .env.example spelled it (copied into many .env files).
PLACEHOLDERS = frozenset({PLACEHOLDER_CONTROLLER, "Công an xã, phường nơi triển khai hệ thống"})


@dataclass(frozen=True)
class PrivacyTerms:
    """What the notices tell people that comes from the settings: who is responsible for the
    data, how long an account nobody uses is kept, and how many days after a tip is closed
    its sender's phone and sealed route back are erased (ANTQ_RETENTION_*)."""

    controller: str = PLACEHOLDER_CONTROLLER
    inactive_days: int = 1095
    phone_days: int = 90
    route_days: int = 90

    @property
    def inactive_years(self) -> int | None:
        """The inactivity period in whole years, when it is one (else None: say days)."""
        years, rest = divmod(self.inactive_days, 365)
        return years if years and not rest else None

    @property
    def named(self) -> bool:
        """Whether the deployment named its controller (not the placeholder)."""
        return self.controller.strip() not in PLACEHOLDERS


@dataclass(frozen=True)
class RecordConsent(Effect):
    """Store the member's answer to the notice; withdrawing also forgets their profile (name,
    home place, event registrations) except what their roles and the law keep."""

    decision: ConsentDecision
    notice_version: int = NOTICE_VERSION


@dataclass(frozen=True)
class SendMyData(Effect):
    """Answer with everything held about the member: a short message and a JSON file."""


@dataclass(frozen=True)
class EraseMe(Effect):
    """Erase the member: identities, name, drafts, preferences, registrations, roles; their
    tips stay with every link to them removed. Nothing of the member remains to save after."""


def has_consent(consent_version: int | None) -> bool:
    """Whether a member who agreed to ``consent_version`` (None: never, or withdrawn) may be
    asked for what needs consent without seeing the notice again."""
    return consent_version == NOTICE_VERSION
