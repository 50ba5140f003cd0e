"""The engine's reads about invitations and roles, bound to the current transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.places import grant_of, place_of
from conversations.drafts import OfferedDraft
from conversations.people import HeldRole, InvitationView
from conversations.policy import Role
from conversations.secret_codes import CodeAttempts, CodeKind
from storage.areas import area_by_id
from storage.code_attempts import load_code_attempts
from storage.linking import linked_draft
from storage.people.invitations import find_invitation
from storage.people.preferences import reminders_enabled
from storage.people.roles import roles_within


@dataclass(frozen=True)
class PeopleRecords:
    """Reads of invitations, wrong codes in a row, roles held in a place and reminders."""

    session: AsyncSession

    async def invitation(self, code: str) -> InvitationView | None:
        record = await find_invitation(self.session, code)
        if record is None:
            return None
        area = await area_by_id(self.session, record.area_id)
        if area is None:
            return None
        return InvitationView(
            Role(record.role), place_of(area), record.expires_at, record.used_at is not None
        )

    async def code_attempts(self, member_id: int, kind: CodeKind) -> CodeAttempts:
        failures, locked_until = await load_code_attempts(self.session, member_id, kind)
        return CodeAttempts(failures, locked_until)

    async def linked_draft(self, code: str, member_id: int, now: datetime) -> OfferedDraft | None:
        found = await linked_draft(self.session, code, member_id, now)
        return None if found is None else OfferedDraft(*found)

    async def roles_within(self, path: str) -> list[HeldRole]:
        return [
            HeldRole(grant_of(role), role.member_id, role.member_name)
            for role in await roles_within(self.session, path)
        ]

    async def reminders_enabled(self, member_id: int) -> bool:
        return await reminders_enabled(self.session, member_id)
