"""Builders shared by the storage tests (and by bot tests that store tips)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

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
