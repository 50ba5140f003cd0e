"""The engine's reads of urgent incidents: who is told."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.places import place_of
from conversations.incidents import IncidentRecipients
from conversations.places import COMMUNE
from conversations.policy import Role
from storage.areas import area_by_code
from storage.people.roles import roles_within


async def incident_recipients(session: AsyncSession, place_path: str) -> IncidentRecipients:
    """The commune on ``place_path`` (itself or an ancestor) and its active officers."""
    codes = [code for code in place_path.strip("/").split("/") if code]
    for code in reversed(codes):
        area = await area_by_code(session, code)
        if area is not None and area.kind == COMMUNE:
            officers = {
                role.member_id
                for role in await roles_within(session, area.path)
                if role.role == Role.OFFICER and role.area_id == area.id
            }
            return IncidentRecipients(place_of(area), tuple(sorted(officers)))
    return IncidentRecipients(None, ())


@dataclass(frozen=True)
class IncidentRecords:
    """Reads of urgent incident reports."""

    session: AsyncSession

    async def incident_recipients(self, place_path: str) -> IncidentRecipients:
        return await incident_recipients(self.session, place_path)
