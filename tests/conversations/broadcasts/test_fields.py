"""Reading a broadcast's sending time and audience roles, and estimating the time to finish."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from conversations.broadcasts import SCHEDULED, SENDING, BroadcastProgress, TimeLeft
from conversations.broadcasts.fields import AudienceRoles, SendTime, parse_send_time
from conversations.fields import FieldContext, InvalidAnswer
from conversations.replies import Inbound
from tests.conversations.harness import CATALOGUES

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("20:00 25/11", datetime(2026, 11, 25, 20, 0)),
        ("25/11 8h sang", datetime(2026, 11, 25, 8, 0)),
        ("20h", datetime(2026, 11, 24, 20, 0)),
        ("7:30 5/1", datetime(2027, 1, 5, 7, 30)),  # January has passed: next year's
        ("9h 1/12/2026", datetime(2026, 12, 1, 9, 0)),
    ],
)
def test_a_sending_time_is_read_as_local_wall_clock(typed: str, expected: datetime) -> None:
    assert parse_send_time(typed, TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("mai", "broadcasts.when.bad"),
        ("25/11", "broadcasts.when.bad"),  # a date needs a time
        ("20:00 20/11/2026", "broadcasts.when.past"),
        ("20:00 hom qua", "broadcasts.when.past"),  # yesterday is not next year
    ],
)
def test_an_unreadable_or_past_time_is_explained(typed: str, reason: str) -> None:
    with pytest.raises(InvalidAnswer) as problem:
        parse_send_time(typed, TODAY)
    assert problem.value.key == reason


@pytest.mark.parametrize("today", [date(2026, 12, 2), date(2026, 12, 30), date(2027, 2, 25)])
def test_the_example_of_a_sending_time_is_a_coming_one_the_bot_accepts(today: date) -> None:
    ctx = FieldContext(CATALOGUES, "vi", today)
    question = SendTime().question("?", "when", ctx, None).text
    example = f"20:00 {today + timedelta(days=7):%d/%m}"
    assert example in question
    assert parse_send_time(example, today).date() == today + timedelta(days=7)


@pytest.mark.parametrize(
    ("typed", "roles"),
    [
        ("2 3", ["resident", "leader"]),
        ("2,5", ["resident", "officer"]),
        ("1", ["resident", "leader", "model_lead", "officer", "admin"]),
        ("nguoi dan va truong thon", ["resident", "leader"]),
    ],
)
def test_several_roles_are_picked_at_once(typed: str, roles: list[str]) -> None:
    ctx = FieldContext(CATALOGUES, "vi", TODAY)
    accepted = AudienceRoles().parse(Inbound("telegram", "1", "1", text=typed), ctx, None)
    assert accepted.value == roles


def test_the_time_left_follows_the_rate_seen_so_far() -> None:
    start = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    progress = BroadcastProgress(
        id=1,
        status=SENDING,
        place_name="Xã Đô Lương",
        place_path="/40/17662/",
        text_vi="…",
        send_at=start,
        created_at=start,
        started_at=start,
        finished_at=None,
        recipients=3000,
        queued=1200,
        sent=1800,
    )
    assert progress.seconds_left(start + timedelta(minutes=2)) == pytest.approx(80)


def test_a_scheduled_broadcast_has_its_wait_until_sending_left() -> None:
    start = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    progress = BroadcastProgress(
        id=1, status=SCHEDULED, place_name="Xã Đô Lương", place_path="/40/17662/", text_vi="…",
        send_at=start + timedelta(days=18, hours=5), created_at=start, started_at=None,
        finished_at=None, recipients=60,
    )  # fmt: skip
    left = progress.seconds_left(start)
    assert left is not None and left > timedelta(days=18, hours=5).total_seconds()
    assert TimeLeft.of(left) == TimeLeft(days=18, hours=5)


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (20, TimeLeft(minutes=1)),
        (59 * 60, TimeLeft(minutes=59)),
        (3 * 3600 + 20 * 60, TimeLeft(hours=3, minutes=20)),
        (47 * 3600, TimeLeft(hours=47)),
        (18 * 86400 + 30 * 60, TimeLeft(days=18, hours=0)),
    ],
)
def test_the_time_left_is_said_in_days_hours_or_minutes(seconds: float, said: TimeLeft) -> None:
    assert TimeLeft.of(seconds) == said
