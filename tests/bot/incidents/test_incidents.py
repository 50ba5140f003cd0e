"""The urgent incident report through the processor and the database: what, where, how
serious, and every officer of the commune is told through the outbox, at any hour."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from conversations.incidents import ReportIncident
from conversations.policy import PolicyViolation, Role
from conversations.ports import Member
from conversations.replies import AskLocation, Choices, Location
from storage._sql import incidents, outbox
from storage.areas import area_by_code
from storage.database import Database
from tests.bot.harness import TREE as BOT_TREE
from tests.bot.harness import (
    Phone,
    after_restart,
    apply_effect,
    member_with_roles,
    phone_at_menu,
    place,
    rows,
    tree_with_roles,
)
from tests.conversations.harness import Clock, t
from tests.storage.harness import telegram_member

TREE = [
    *BOT_TREE,
    place("17641-001", "Thôn Bắc", "thon", "17641"),
    place("17650", "Xã Hiến Sơn", "commune", "40"),
    place("17650-001", "Thôn Nam", "thon", "17650"),
]
LEADER = "6100001"
OFFICERS = ("6200001", "6200002")
OTHER_OFFICER = "6200009"  # an officer of another commune: never told
ROLES = [
    (LEADER, "leader", "17662-001"),
    *((officer, "officer", "17662") for officer in OFFICERS),
    (OTHER_OFFICER, "officer", "17641"),
]
WHAT = "Hai nhóm thanh niên đánh nhau trước nhà văn hoá, có hung khí."
WHERE = "Nhà văn hoá thôn Đông"


@pytest.fixture
async def commune(database: Database) -> Database:
    return await tree_with_roles(database, TREE, *ROLES)


async def _reporter(database: Database, clock: Clock, user_id: str = LEADER) -> Phone:
    phone = await phone_at_menu(database, clock, user_id)
    await phone.send(text="/khancap")
    assert phone.asked("incidents.ask.what"), phone.text
    return phone


async def _officer_ids(database: Database) -> list[int]:
    async with database.transaction() as session:
        found = []
        for user_id in OFFICERS:
            found.append(await telegram_member(session, user_id))
        return found


async def test_a_leader_reports_and_every_officer_of_the_commune_is_queued(
    commune: Database,
) -> None:
    clock = Clock()
    phone = await _reporter(commune, clock)
    assert t("incidents.intro") in phone.text
    await phone.send(text=WHAT)
    assert phone.asked("incidents.ask.where")
    assert isinstance(phone.replies[-1], AskLocation)
    await phone.send(text=WHERE)
    assert phone.asked("incidents.ask.severity")
    await phone.send(text="rat nghiem trong")
    assert isinstance(phone.replies[-1], Choices) and phone.replies[-1].ref == "summary"
    await phone.send(text="1")

    assert t("incidents.sent", count=2, commune="Xã Đô Lương") in phone.text
    assert t("incidents.emergency_lines") in phone.text
    (incident,) = await rows(commune, incidents)
    assert (incident["what"], incident["place_text"], incident["severity"]) == (
        WHAT,
        WHERE,
        "critical",
    )
    queued = await rows(commune, outbox)
    officer_ids = await _officer_ids(commune)
    assert sorted(row["member_id"] for row in queued) == sorted(officer_ids)
    for row in queued:
        assert row["kind"] == "urgent"
        assert row["dedup_key"] == f"incident:{incident['id']}:member:{row['member_id']}"
        assert row["message_key"] == "incidents.notice.leader.critical"
        assert row["params"] == {
            "what": WHAT,
            "where": WHERE,
            "area": "Thôn Đông, Xã Đô Lương",
            "time": "10:00 23/11/2026",
        }
    rendered = t("incidents.notice.leader.critical", **queued[0]["params"])
    assert "Trưởng thôn" in rendered and "RẤT NGHIÊM TRỌNG" in rendered


async def test_an_urgent_report_at_night_goes_out_at_once(commune: Database) -> None:
    night = datetime(2026, 11, 23, 16, 30, tzinfo=UTC)  # 23:30 in Vietnam
    phone = await _reporter(commune, Clock(night))
    for answer in (WHAT, WHERE, "2", "1"):
        await phone.send(text=answer)
    queued = await rows(commune, outbox)
    assert len(queued) == 2
    for row in queued:
        not_before = row["not_before"]
        if not_before.tzinfo is None:
            not_before = not_before.replace(tzinfo=UTC)
        assert not_before == night
        assert row["priority"] > 10  # before tip notices and reminders


async def test_wrong_answers_are_explained_and_asked_again(commune: Database) -> None:
    phone = await _reporter(commune, Clock())
    await phone.send(text="ab")
    assert t("input.too_short", minimum=5) in phone.text
    assert phone.asked("incidents.ask.what")
    await phone.send(text=WHAT)
    await phone.send(text="khong nho")
    assert t("incidents.where.needed") in phone.text
    assert phone.asked("incidents.ask.where")
    await phone.send(location=Location(18.9001, 105.3402))
    await phone.send(text="hơi nặng")
    assert t("input.choose_option", count=3) in phone.text
    assert phone.asked("incidents.ask.severity")
    await phone.send(text="binh thuong")
    await phone.send(text="gui")

    (incident,) = await rows(commune, incidents)
    assert incident["what"] == WHAT
    assert incident["place_text"] == "https://maps.google.com/?q=18.900100,105.340200"
    assert incident["severity"] == "low"


async def test_the_place_can_be_corrected_before_sending(commune: Database) -> None:
    phone = await _reporter(commune, Clock())
    for answer in (WHAT, "Cổng chợ", "1"):
        await phone.send(text=answer)
    await phone.send(text="sua")
    assert phone.replies[-1].ref == "edit"  # type: ignore[union-attr]
    await phone.send(text="2")  # the second item of the summary: where
    assert phone.asked("incidents.ask.where")
    await phone.send(text=WHERE)
    assert WHERE in phone.text and "Cổng chợ" not in phone.text  # the summary again
    assert await rows(commune, incidents) == []  # nothing stored before the confirmation
    await phone.send(text="1")
    (incident,) = await rows(commune, incidents)
    assert incident["place_text"] == WHERE and incident["what"] == WHAT


async def test_a_report_survives_a_restart_half_way(commune: Database) -> None:
    clock = Clock()
    phone = await _reporter(commune, clock)
    await phone.send(text=WHAT)
    clock.advance(minutes=3)
    restarted = await after_restart(commune, clock, LEADER)
    assert restarted.asked("incidents.ask.where")
    await restarted.send(text=WHERE)
    await restarted.send(text="3")
    await restarted.send(text="1")
    (incident,) = await rows(commune, incidents)
    assert (incident["what"], incident["severity"]) == (WHAT, "critical")


async def test_an_officer_with_two_places_says_which_and_is_not_told_themself(
    commune: Database,
) -> None:
    both = "6300001"
    await member_with_roles(commune, both, [("leader", "17641-001"), ("officer", "17662")])
    phone = await _reporter(commune, Clock(), user_id=both)
    await phone.send(text=WHAT)
    assert phone.asked("incidents.ask.place")
    labels = [option.label for option in phone.replies[-1].options]  # type: ignore[union-attr]
    assert labels == [
        f"{t('role.leader')} — Thôn Bắc, Xã Lương Sơn",
        f"{t('role.officer')} — Xã Đô Lương, Nghệ An",
    ]
    await phone.send(text="2")
    for answer in (WHERE, "2", "1"):
        await phone.send(text=answer)
    # Two other officers of Xã Đô Lương; the reporter is one of its officers too.
    assert t("incidents.sent", count=2, commune="Xã Đô Lương") in phone.text
    queued = await rows(commune, outbox)
    assert {row["message_key"] for row in queued} == {"incidents.notice.officer.serious"}
    assert len(queued) == 2


async def test_a_commune_without_officers_is_told_to_call_113(commune: Database) -> None:
    lonely = "6400001"
    await member_with_roles(commune, lonely, [("leader", "17650-001")])
    phone = await _reporter(commune, Clock(), user_id=lonely)
    for answer in (WHAT, WHERE, "1", "1"):
        await phone.send(text=answer)
    assert t("incidents.no_officer", commune="Xã Hiến Sơn") in phone.text
    assert t("incidents.emergency_lines") in phone.text
    assert len(await rows(commune, incidents)) == 1
    assert await rows(commune, outbox) == []


async def test_residents_cannot_report_urgent_incidents(commune: Database) -> None:
    phone = await phone_at_menu(commune, Clock(), "6999999")
    assert "incident" not in [o.id for o in phone.replies[-1].options]  # type: ignore[union-attr]
    await phone.send(text="/khancap")
    assert t("policy.denied") in phone.text
    assert await rows(commune, incidents) == []


async def test_the_handler_refuses_a_place_the_member_holds_no_role_in(
    commune: Database,
) -> None:
    async with commune.transaction() as session:
        area = await area_by_code(session, "17662-001")
        assert area is not None
        stranger = Member(id=1, locale="vi", roles=())
        effect = ReportIncident(area.id, Role.LEADER, WHAT, WHERE, None, None, "low")
        now = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
        with pytest.raises(PolicyViolation):
            await apply_effect(session, stranger, None, effect, now)
