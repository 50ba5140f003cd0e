"""Self-managed security models in memory (``tests.memory``): models of a place with their
activity logs, as ``storage.security_models`` keeps them and ``bot.security_models`` reads,
registers, logs and ends them (each write asks the policy again)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from bot.places import clean_name
from bot.rows import from_row
from conversations.parsing import fold
from conversations.places import Place, is_inside
from conversations.policy import Action, Grant, PolicyViolation, may
from conversations.security_models import (
    EndModel,
    LogModelActivity,
    ModelView,
    RegisterModel,
    may_log_activity,
)

# As bot.security_models.reads: names are matched among at most this many models of a place.
MAX_SCANNED = 2000


@dataclass(frozen=True)
class StoredModel:
    id: int
    name: str
    kind: str
    area: Place
    lead_member_id: int | None
    lead_name: str | None
    created_by: int | None
    created_at: datetime
    ended_at: datetime | None = None


@dataclass(frozen=True)
class StoredActivity:
    id: int
    model_id: int
    activity_date: date
    kind: str
    participants: int
    outcome: str
    photos: tuple[dict[str, Any], ...]
    logged_by: int
    logged_at: datetime


@dataclass
class MemorySecurityModels:
    """Models by id and their activities in the order they were logged; the engine's
    ``SecurityModelReads`` and the effects' handlers."""

    models: dict[int, StoredModel] = field(default_factory=dict)
    activities: list[StoredActivity] = field(default_factory=list)

    def add(
        self,
        name: str,
        area: Place,
        kind: str = "fire_group",
        *,
        lead_member_id: int | None = None,
        lead_name: str | None = None,
        created_by: int | None = None,
        now: datetime,
    ) -> StoredModel:
        """Insert a model directly (the way a test seeds the database)."""
        model = StoredModel(
            len(self.models) + 1, name, kind, area, lead_member_id, lead_name, created_by, now
        )
        self.models[model.id] = model
        return model

    def view(self, model: StoredModel) -> ModelView:
        logged = [a.activity_date for a in self.activities if a.model_id == model.id]
        return from_row(
            ModelView,
            model,
            place=model.area,
            activities=len(logged),
            last_activity=max(logged, default=None),
        )

    async def models_within(
        self, path: str, *, query: str | None, limit: int, include_ended: bool = False
    ) -> list[ModelView]:
        found = sorted(
            (
                model
                for model in self.models.values()
                if is_inside(model.area.path, path) and (include_ended or model.ended_at is None)
            ),
            key=lambda model: (model.area.path, model.name, model.id),
        )[:MAX_SCANNED]
        if query:
            folded = fold(query)
            found = [model for model in found if folded in fold(model.name)]
        return [self.view(model) for model in found[:limit]]

    async def model_by_id(self, model_id: int) -> ModelView | None:
        model = self.models.get(model_id)
        return None if model is None else self.view(model)

    def register(
        self,
        effect: RegisterModel,
        *,
        area: Place | None,
        member_id: int,
        roles: tuple[Grant, ...],
        now: datetime,
    ) -> None:
        """What ``bot.security_models.handlers.register_model`` does, in memory."""
        if area is None or not may(roles, Action.MANAGE_MODELS, area.path):
            raise PolicyViolation("registering a model outside the member's places")
        self.add(
            clean_name(effect.name),
            area,
            effect.kind,
            lead_name=clean_name(effect.lead_name) if effect.lead_name else None,
            created_by=member_id,
            now=now,
        )

    def log(
        self,
        effect: LogModelActivity,
        *,
        member_id: int,
        roles: tuple[Grant, ...],
        now: datetime,
    ) -> None:
        """What ``bot.security_models.handlers.log_model_activity`` does, in memory."""
        model = self.models.get(effect.model_id)
        if model is None or not may_log_activity(member_id, roles, self.view(model)):
            raise PolicyViolation("logging an activity of a model the member does not run")
        self.activities.append(
            StoredActivity(
                id=len(self.activities) + 1,
                model_id=model.id,
                activity_date=effect.activity_date,
                kind=effect.kind,
                participants=effect.participants,
                outcome=effect.outcome,
                photos=tuple(dict(photo) for photo in effect.photos),
                logged_by=member_id,
                logged_at=now,
            )
        )

    def end(self, effect: EndModel, *, roles: tuple[Grant, ...], now: datetime) -> None:
        """What ``bot.security_models.handlers.end_model`` does, in memory."""
        model = self.models.get(effect.model_id)
        if model is None or model.ended_at is not None:
            return  # ended meanwhile (a second tap): nothing to do
        if not may(roles, Action.END_MODELS, model.area.path):
            raise PolicyViolation("ending a model outside the member's places")
        self.models[model.id] = replace(model, ended_at=now)


def apply_security_model_effect(
    models: MemorySecurityModels,
    effect: object,
    *,
    place_by_id: Callable[[int], Place | None],
    member_id: int,
    roles: tuple[Grant, ...],
    now: datetime,
) -> bool:
    """Apply ``effect`` when it is a security model's; False when it is not."""
    if isinstance(effect, RegisterModel):
        area = place_by_id(effect.area_id)
        models.register(effect, area=area, member_id=member_id, roles=roles, now=now)
    elif isinstance(effect, LogModelActivity):
        models.log(effect, member_id=member_id, roles=roles, now=now)
    elif isinstance(effect, EndModel):
        models.end(effect, roles=roles, now=now)
    else:
        return False
    return True
