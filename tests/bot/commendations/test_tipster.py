"""A tip's sender commended only by their own choice, through the tip's thread, on both
databases: the officer invites, the sender reads what it means and accepts with a name (or
declines, and nothing changes), the proposal holds the given name only, the level above decides
and the sender is told in their thread. A walk of the whole schema (every table, every column)
finds no row that ties the proposal to the tip or to its sender, before and after the decision,
and no log line carries the name or the phone."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.app import LOGGER_FLOORS
from bot.cli import cli
from bot.commendations import cli as commendations_cli
from bot.commendations.tipster import PURPOSE
from bot.operations.secret_key import rotate
from bot.sealing import Sealer
from conversations.fields import format_tip_code
from storage.commendations import commendations
from storage.database import Database
from storage.tables import Base
from storage.tips.invites import invites
from tests.bot.delivery.harness import RecordingTransport
from tests.bot.harness import NAME, phone_at_menu, rows
from tests.bot.tips.harness import staff, staffed, taken_tip, thread_sender
from tests.bot.tips.test_thread_unlinkable import _CHAT_ID, CHAT
from tests.conversations.harness import t
from tests.harness import SECRET_KEY, Trace, database_contents, finish_every_reply, person

GIVEN_NAME = "Trần Thị Hoa"
GIVEN_PHONE = "0912345678"
ACHIEVEMENT = "Kịp thời cung cấp thông tin giúp Công an xã ngăn chặn một vụ việc."
PROVINCE_ADMIN = ("605", "Giám đốc Công an tỉnh")
FORM = "commendation.form.giay_khen_chu_tich_xa"
SEALER_KEY = bytes(range(32))  # the harness's sealer (tests.bot.harness.SEALER)


@pytest.fixture
async def commune(database: Database) -> Database:
    await staffed(database)
    await staff(database, PROVINCE_ADMIN, "admin", "40")
    return database


async def invite(officer: Any, code: str) -> None:
    await officer.send(text=f"/moikhenthuong {code}")
    assert officer.asked("tip_commendation.ask_form"), officer.text
    await officer.send(text="1")
    assert officer.asked("tip_commendation.ask_achievement")
    await officer.send(text=ACHIEVEMENT)
    await officer.send(text="1")  # confirm the summary
    assert t("tip_commendation.invited", code=format_tip_code(code)) in officer.text


async def links(database: Database, code: str, proposal_id: int) -> list[tuple[str, object]]:
    """Rows that name the proposal (or the name and phone on it) beside the tip or its sender."""
    (tip,) = await rows(database, Base.metadata.tables["tips"])
    identities = await rows(database, Base.metadata.tables["identities"])
    (mine,) = [row for row in identities if row["platform_user_id"] == CHAT]
    proposal = Trace(
        {"commendations": {proposal_id}},
        (GIVEN_NAME, GIVEN_PHONE[1:]),
        subjects={"commendation": {proposal_id}},
    )
    the_tip = Trace(
        {"tips": {tip["id"]}}, (code, format_tip_code(code)), subjects={"tip": {tip["id"]}}
    )
    tipster = person(int(mine["member_id"]), {int(mine["id"])}, _CHAT_ID, NAME)
    contents = await database_contents(database)
    return [
        (table.name, row)
        for table in Base.metadata.sorted_tables
        for row in contents[table.name]
        if proposal.in_row(table, row)
        and (the_tip.in_row(table, row) or tipster.in_row(table, row))
    ]


async def test_a_tipster_who_accepts_is_proposed_by_name_only_and_told_the_decision(
    commune: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name, floor in LOGGER_FLOORS.items():
        caplog.set_level(floor, logger=name)
    clock, code, officer = await taken_tip(commune)
    await invite(officer, code)
    transport = RecordingTransport()
    outbox_sender = thread_sender(commune, clock, transport)
    await outbox_sender.deliver_due()
    shown = format_tip_code(code)
    form = t(FORM)
    assert t("tip_commendation.invitation", code=shown, form=form) in transport.sent[CHAT]

    tipster = await phone_at_menu(commune, clock, CHAT)
    await tipster.send(text=f"/khenthuong {code}")
    assert tipster.asked("tip_commendation.ask_decision")
    await tipster.send(text="1")  # accept
    assert tipster.asked("tip_commendation.ask_name")
    await tipster.send(text="H")  # too short: asked again, nothing lost
    assert tipster.asked("tip_commendation.ask_name")
    await tipster.send(text=GIVEN_NAME)
    assert tipster.asked("tip_commendation.ask_phone")
    await tipster.send(text="12")  # not a phone: asked again
    assert tipster.asked("tip_commendation.ask_phone")
    await tipster.send(text=GIVEN_PHONE)
    assert tipster.asked("tip_commendation.ask_role")
    await tipster.send(text="bỏ qua")
    await tipster.send(text="1")  # confirm the summary
    assert t("tip_commendation.accepted", code=shown, name=GIVEN_NAME) in tipster.text

    (proposal,) = await rows(commune, commendations)
    assert proposal["subject_kind"] == "person" and proposal["status"] == "proposed"
    assert proposal["person_name"] == GIVEN_NAME
    assert proposal["person_phone"] == "+84912345678"
    assert proposal["person_role"] == t("tip_commendation.default_role")
    assert proposal["proposed_by_member_id"] is None and proposal["achievement"] == ACHIEVEMENT
    (invitation,) = await rows(commune, invites)
    assert invitation["status"] == "accepted" and invitation["form"] is None
    assert isinstance(invitation["sealed_ref"], bytes)  # only the thread's side, sealed
    await outbox_sender.deliver_due()
    await finish_every_reply(commune)
    assert await links(commune, code, int(proposal["id"])) == []

    # The commune's admin cannot decide it; the province's admin can, as any other.
    province = await phone_at_menu(commune, clock, PROVINCE_ADMIN[0], PROVINCE_ADMIN[1])
    await province.send(text="/duyetkhenthuong")
    assert province.asked("commendation.review.ask_proposal")
    await province.send(text="1")
    assert GIVEN_NAME in province.text and ACHIEVEMENT in province.text
    assert t("commendation.review.phone", phone=GIVEN_PHONE) in province.text
    await province.send(text="1")  # approve
    await province.send(text="1")  # confirm
    await outbox_sender.deliver_due()
    assert t("tip_commendation.outcome.approved", code=shown, form=form) in transport.sent[CHAT]
    (invitation,) = await rows(commune, invites)
    assert invitation["status"] == "told" and invitation["sealed_ref"] is None
    await finish_every_reply(commune)
    assert await links(commune, code, int(proposal["id"])) == []
    for record in caplog.records:
        line = record.getMessage()
        assert GIVEN_NAME not in line and GIVEN_PHONE[1:] not in line, line

    # Told once: the invitation is over.
    await tipster.send(text=f"/khenthuong {code}")
    assert t("tip_commendation.no_invitation", code=shown) in tipster.text


@pytest.mark.parametrize(
    ("decision", "outcome"),
    [
        (["approve"], "tip_commendation.outcome.approved"),
        (["decline", "--reason", "Chưa đủ tiêu chuẩn."], "tip_commendation.outcome.declined"),
    ],
)
async def test_a_decision_from_the_command_line_is_told_to_the_tipster_too(
    commune: Database,
    monkeypatch: pytest.MonkeyPatch,
    decision: list[str],
    outcome: str,
) -> None:
    clock, code, officer = await taken_tip(commune)
    await invite(officer, code)
    tipster = await phone_at_menu(commune, clock, CHAT)
    for answer in (f"/khenthuong {code}", "1", GIVEN_NAME, "bỏ qua", "bỏ qua", "1"):
        await tipster.send(text=answer)
    (proposal,) = await rows(commune, commendations)
    transport = RecordingTransport()
    outbox_sender = thread_sender(commune, clock, transport)
    await outbox_sender.deliver_due()

    # The operator's ``antq``, with the bot's server key, deciding at the scripted time.
    monkeypatch.setenv("ANTQ_DATABASE_URL", commune.url)
    monkeypatch.setenv("ANTQ_SECRET_KEY", SECRET_KEY)
    monkeypatch.setattr(commendations_cli, "utcnow", clock)
    args = ["commendations", *decision[:1], str(proposal["id"]), *decision[1:]]
    # The command runs its own event loop: in a thread, beside this test's.
    decided = await asyncio.to_thread(CliRunner().invoke, cli, args)
    assert decided.exit_code == 0, decided.output

    await outbox_sender.deliver_due()
    told = t(outcome, code=format_tip_code(code), form=t(FORM))
    assert transport.sent[CHAT].count(told) == 1
    (invitation,) = await rows(commune, invites)
    assert invitation["status"] == "told" and invitation["sealed_ref"] is None
    await finish_every_reply(commune)
    assert await links(commune, code, int(proposal["id"])) == []


async def test_a_tipster_who_declines_changes_nothing(commune: Database) -> None:
    clock, code, officer = await taken_tip(commune)
    await invite(officer, code)
    shown = format_tip_code(code)
    tipster = await phone_at_menu(commune, clock, CHAT)
    await tipster.send(text=f"/khenthuong {code}")
    await tipster.send(text="2")  # decline
    await tipster.send(text="1")  # confirm
    assert t("tip_commendation.declined", code=shown) in tipster.text
    assert await rows(commune, commendations) == []
    (invitation,) = await rows(commune, invites)
    assert invitation["status"] == "declined" and invitation["achievement"] is None
    (tip,) = await rows(commune, Base.metadata.tables["tips"])
    assert tip["status"] == "acknowledged" and tip["thread_ended_at"] is None
    # Not asked again, and the officer may not invite twice.
    await tipster.send(text=f"/khenthuong {code}")
    assert t("tip_commendation.no_invitation", code=shown) in tipster.text
    await officer.send(text=f"/moikhenthuong {code}")
    await officer.send(text="1")
    await officer.send(text=ACHIEVEMENT)
    await officer.send(text="1")
    assert t("tip_commendation.invited_already", code=shown) in officer.text


async def test_without_an_invitation_nothing_is_asked(commune: Database) -> None:
    clock, code, _ = await taken_tip(commune)
    tipster = await phone_at_menu(commune, clock, CHAT)
    await tipster.send(text=f"/khenthuong {code}")
    assert t("tip_commendation.no_invitation", code=format_tip_code(code)) in tipster.text
    assert not tipster.asked("tip_commendation.ask_decision")
    assert await rows(commune, commendations) == []


async def test_replacing_the_server_key_reseals_the_reference(
    commune: Database,
) -> None:
    clock, code, officer = await taken_tip(commune)
    await invite(officer, code)
    tipster = await phone_at_menu(commune, clock, CHAT)
    for answer in (f"/khenthuong {code}", "1", GIVEN_NAME, "bỏ qua", "bỏ qua", "1"):
        await tipster.send(text=answer)
    (proposal,) = await rows(commune, commendations)
    new_key = bytes(range(100, 132))
    done = await rotate(commune, Sealer(new_key, SEALER_KEY))
    assert done["tip_commendation_refs"].resealed == 1
    (invitation,) = await rows(commune, invites)
    opened = Sealer(new_key).open_secret(PURPOSE, bytes(invitation["sealed_ref"]))
    assert opened == str(proposal["id"])
