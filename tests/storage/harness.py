"""Builders shared by the storage tests (and by bot tests that store tips, monthly updates,
models and events)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import events, model_activities, security_models
from storage.exports import REPORT_FIGURES
from storage.people.members import find_or_create_member
from storage.tips import NewAttachment, NewTip


def new_tip(**overrides: Any) -> NewTip:
    """A valid, named (non-anonymous) tip without a member; override any field."""
    values: dict[str, Any] = {
        "code": "AB12CD34",
        "category": "drugs",
        "description": "Có người lạ mua bán ma tuý ở đầu ngõ 5 vào buổi tối.",
        "place_text": "Ngõ 5, thôn Đông",
        "latitude": 21.0285,
        "longitude": 105.8542,
        "place_unknown": False,
        "occurred_date": None,
        "occurred_time": "21:30",
        "occurred_unknown": False,
        "anonymous": False,
        "member_id": None,
        "contact_phone": None,
        "sender_route": None,
        "locale": "vi",
        "received_at": datetime(2025, 3, 1, 14, 0, tzinfo=UTC),
        "attachments": (),
    }
    values.update(overrides)
    return NewTip(**values)


PHOTO = NewAttachment(
    kind="photo",
    channel="telegram",
    file_id="AgACAgUAAxkBAAIB",
    file_unique_id="AQADq7ExG",
    mime_type="image/jpeg",
    size_bytes=123_456,
)
VOICE = NewAttachment(
    kind="voice",
    channel="telegram",
    file_id="AwACAgUAAxkBAAIC",
    mime_type="audio/ogg",
    size_bytes=9_876_543_210,  # larger than 32 bits on purpose
    duration_seconds=42,
)


def monthly_report(
    area_id: int,
    period: str,
    deadline: date,
    filed_at: datetime,
    *,
    late: bool,
    households: int,
    pledged: int,
    every_figure: int = 0,
    **figures: Any,
) -> dict[str, Any]:
    """A row of ``monthly_reports`` filed at ``filed_at``: every figure ``every_figure`` but
    the households, those pledged and the ``figures`` named; no proposals unless named."""
    values: dict[str, Any] = dict.fromkeys(REPORT_FIGURES, every_figure)
    values.update(households=households, households_pledged=pledged, proposals=None, **figures)
    return {
        "area_id": area_id,
        "period": period,
        "deadline": deadline,
        "late": late,
        "filed_at": filed_at,
        "updated_at": filed_at,
        **values,
    }


async def add_camera_model(
    session: AsyncSession, name: str, area_id: int, *, ended_at: datetime | None = None
) -> int:
    """A camera security model of ``area_id``; returns its id."""
    result = await session.execute(
        insert(security_models)
        .values(name=name, kind="camera", area_id=area_id, ended_at=ended_at)
        .returning(security_models.c.id)
    )
    return int(result.scalar_one())


async def add_patrol(
    session: AsyncSession, model_id: int, day: date, *, participants: int, outcome: str
) -> None:
    """A patrol of the model on ``day``, without photos."""
    await session.execute(
        insert(model_activities).values(
            model_id=model_id,
            activity_date=day,
            kind="patrol",
            participants=participants,
            outcome=outcome,
            photos=[],
        )
    )


async def add_ngay_hoi(
    session: AsyncSession,
    area_id: int,
    day: date,
    *,
    turnout: int,
    template: str | None = None,
) -> None:
    """The Ngày hội of ``area_id`` at its cultural house, 08:00 to 11:00 local on ``day``, with
    ``turnout`` people."""
    await session.execute(
        insert(events).values(
            title="Ngày hội toàn dân bảo vệ ANTQ",
            description="",
            place_text="Nhà văn hoá",
            starts_at=datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC),
            ends_at=datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC),
            area_id=area_id,
            template=template,
            turnout=turnout,
        )
    )


async def telegram_member(session: AsyncSession, user_id: str, name: str | None = None) -> int:
    """The id of the member writing on Telegram as ``user_id`` from the chat of that id (made
    if new)."""
    member = await find_or_create_member(
        session, channel="telegram", platform_user_id=user_id, chat_id=user_id, display_name=name
    )
    return member.id
