"""Self-managed security models (mô hình tự quản): its domain, effects and reads.

A model belongs to a place; admins and leaders register it, and the people who run it (a
model lead, the area's leader) log what it did, so that "paper" models can be told from
living ones.

The reads are a part of ``conversations.ports.Records``, so this module must not import
``conversations.ports``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from conversations.effects import Effect
from conversations.fields import Choice, ChoiceOption
from conversations.i18n import N_
from conversations.places import Place
from conversations.policy import Action, Grant, may

# The kinds named in the movement's plans and local reports (DOMAIN.md, "Models").
MODEL_KINDS = Choice(
    ChoiceOption(
        "safe_area",
        N_("models.kind.safe_area"),
        ("thon xom an toan", "to dan pho an toan", "khu dan cu an toan"),
    ),
    ChoiceOption("clan", N_("models.kind.clan"), ("dong ho", "dong ho tu quan")),
    ChoiceOption("parish", N_("models.kind.parish"), ("xu ho dao", "ho dao", "giao xu")),
    ChoiceOption("camera", N_("models.kind.camera"), ("camera", "camera an ninh")),
    ChoiceOption("fire_group", N_("models.kind.fire_group"), ("lien gia", "to lien gia", "pccc")),
    ChoiceOption("drug_free", N_("models.kind.drug_free"), ("ma tuy", "khong ma tuy")),
    ChoiceOption("law_club", N_("models.kind.law_club"), ("cau lac bo", "clb", "phap luat")),
    ChoiceOption("school", N_("models.kind.school"), ("truong hoc", "an toan truong hoc")),
    ChoiceOption("industrial", N_("models.kind.industrial"), ("khu cong nghiep", "kcn")),
    ChoiceOption("reintegration", N_("models.kind.reintegration"), ("tai hoa nhap",)),
    ChoiceOption("youth", N_("models.kind.youth"), ("thanh thieu nien", "giao duc thanh nien")),
    ChoiceOption("household", N_("models.kind.household"), ("ho tu phong", "so nha tu quan")),
    ChoiceOption("zalo_tips", N_("models.kind.zalo_tips"), ("zalo",)),
    ChoiceOption("tip_box", N_("models.kind.tip_box"), ("hom thu", "hom thu to giac")),
    ChoiceOption("key_ring", N_("models.kind.key_ring"), ("moc khoa", "moc khoa to giac")),
    ChoiceOption("fire_point", N_("models.kind.fire_point"), ("diem chua chay",)),
    ChoiceOption("hotline", N_("models.kind.hotline"), ("duong day nong", "hotline")),
    ChoiceOption("other", N_("models.kind.other"), ("khac", "mo hinh khac", "other")),
)

ACTIVITY_KINDS = Choice(
    ChoiceOption("meeting", N_("models.activity.meeting"), ("hop", "cuoc hop", "meeting")),
    ChoiceOption("patrol", N_("models.activity.patrol"), ("tuan tra", "tuan", "patrol")),
    ChoiceOption("propaganda", N_("models.activity.propaganda"), ("tuyen truyen", "propaganda")),
    ChoiceOption("mediation", N_("models.activity.mediation"), ("hoa giai", "mediation")),
    ChoiceOption("training", N_("models.activity.training"), ("tap huan", "dao tao", "training")),
    ChoiceOption("other", N_("models.activity.other"), ("khac", "other")),
)

MAX_PHOTOS = 5


@dataclass(frozen=True)
class ModelView:
    """A model as the flows list and check it."""

    id: int
    name: str
    kind: str
    place: Place
    lead_member_id: int | None
    lead_name: str | None
    ended_at: datetime | None
    activities: int
    last_activity: date | None

    @property
    def active(self) -> bool:
        return self.ended_at is None


def may_log_activity(member_id: int, grants: Iterable[Grant], model: ModelView) -> bool:
    """The model's own lead, a model lead of a place containing it, or a leader of its area
    (or above it) may log what the model did; nobody logs for an ended model."""
    if not model.active:
        return False
    if model.lead_member_id is not None and model.lead_member_id == member_id:
        return True
    return may(grants, Action.MODEL_ACTIVITY, model.place.path)


@dataclass(frozen=True)
class RegisterModel(Effect):
    """Register a new model of the place ``area_id``."""

    name: str
    kind: str
    area_id: int
    lead_name: str | None


@dataclass(frozen=True)
class LogModelActivity(Effect):
    """Store one activity of the model ``model_id``; ``photos`` hold platform file ids."""

    model_id: int
    activity_date: date
    kind: str
    participants: int
    outcome: str
    photos: tuple[dict[str, Any], ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class EndModel(Effect):
    """An admin ends a model that no longer works (a "paper" model)."""

    model_id: int


class SecurityModelReads(Protocol):
    """Reads about security models and their activities."""

    async def models_within(
        self, path: str, *, query: str | None, limit: int, include_ended: bool = False
    ) -> list[ModelView]:
        """Models of the place at ``path`` or below it whose name contains ``query``
        (accents optional; None: all), by name."""
        ...

    async def model_by_id(self, model_id: int) -> ModelView | None:
        """The model ``model_id``, ended or not; the caller asks the policy."""
        ...
