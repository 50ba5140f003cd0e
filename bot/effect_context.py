"""What an effect handler gets: the message's transaction and who, what and when."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.places import place_of
from bot.sealing import Sealer
from bot.targets import YearSettings
from conversations.i18n import DEFAULT_LOCALE, Catalogues
from conversations.places import Place
from conversations.policy import Action, PolicyViolation, may
from conversations.ports import Member
from conversations.replies import Inbound, Reply, Text
from storage.areas import area_by_code, area_by_id
from storage.audit import record_audit


@dataclass(frozen=True)
class EffectContext:
    """The transaction an effect is performed in, the member whose message caused it, the
    message itself (its channel and chat, never logged) and the time it was received.

    A handler whose result the member must see at once (a file made from the database) adds
    it to ``replies``: they are sent after the flow's own replies and before the menu that
    closes the conversation, once the transaction has committed.

    What handlers are configured with is built once by the wiring and handed in here, never
    read from a module's globals: the catalogues a handler writes its texts with, and the
    plan's targets and yearly deadlines in force."""

    session: AsyncSession
    member: Member
    message: Inbound
    now: datetime
    sealer: Sealer
    replies: list[Reply] = field(default_factory=list)
    catalogues: Catalogues = field(kw_only=True)
    year: YearSettings = field(default_factory=YearSettings, kw_only=True)

    @property
    def locale(self) -> str:
        """The member's language (Vietnamese until they choose)."""
        return self.member.locale or DEFAULT_LOCALE

    def text(self, key: str, **params: object) -> str:
        """The catalogue's text ``key`` in the member's language."""
        return self.catalogues.text(self.locale, key, **params)

    def say(self, key: str, **params: object) -> None:
        """Tell the member the text ``key`` once the transaction has committed."""
        self.replies.append(Text(self.text(key, **params)))

    async def place_where(
        self, action: Action, refused: str, *, area_id: int | None = None, path: str | None = None
    ) -> Place:
        """The place (by id, or by path) where the member may do ``action`` by the roles loaded
        in this transaction; ``PolicyViolation(refused)`` when they may not, or no such place."""
        if area_id is not None:
            area = await area_by_id(self.session, area_id)
        else:
            area = await area_by_code(self.session, (path or "").rstrip("/").rsplit("/", 1)[-1])
        if area is None or not may(self.member.roles, action, area.path):
            raise PolicyViolation(refused)
        return place_of(area)

    async def audit(
        self,
        action: str,
        *,
        subject_kind: str | None = None,
        subject_id: int | None = None,
        role: str | None = None,
        area_id: int | None = None,
    ) -> None:
        """Log that the member did ``action`` now, in the message's transaction."""
        await record_audit(
            self.session,
            action,
            actor_member_id=self.member.id,
            subject_kind=subject_kind,
            subject_id=subject_id,
            role=role,
            area_id=area_id,
            at=self.now,
        )


# A handler performs one kind of effect; it raises to roll the whole message back.
EffectHandler = Callable[[EffectContext, Any], Awaitable[None]]
