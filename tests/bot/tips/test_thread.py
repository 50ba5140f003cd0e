"""A tip's thread through the processor and the database: the anonymous tipster adds by code
and the officers are told; an officer asks and the question goes on the tip's sealed route
only; /xemtin shows both sides without a name or an id."""

from __future__ import annotations

import re

from conversations.fields import format_tip_code
from conversations.tips.report import new_tip_code
from storage._sql import code_attempts, outbox, tip_messages
from storage.database import Database
from tests.bot.delivery.harness import FakeClock, RecordingTransport, sender
from tests.bot.harness import SEALER, Phone, at_menu, make_processor, rows
from tests.bot.tips.harness import OFFICER_A, OFFICER_B, act, member_id, new_tip, officer_phone
from tests.conversations.harness import Clock, t


async def tipster(database: Database, clock: Clock) -> Phone:
    """The anonymous sender of the tip (user 77, as ``new_tip`` files it)."""
    phone = Phone(make_processor(database, clock), user_id="77")
    await at_menu(phone)
    return phone


async def add(phone: Phone, code: str, text: str) -> None:
    await phone.send(text=f"/bosung {code}")
    await phone.send(text=text)
    await phone.send(text="xong")  # no photos


async def notices_of(database: Database, key: str) -> list[dict[str, object]]:
    return [row for row in await rows(database, outbox) if row["message_key"] == key]


async def test_an_addition_reaches_the_handler_only_and_names_nobody(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    await act(await officer_phone(commune, clock, OFFICER_A), code, "take")
    phone = await tipster(commune, clock)
    await add(phone, code, "Xe biển số 37A-123.45")
    assert t("addition.sent", code=format_tip_code(code)) in phone.text

    (message,) = await rows(commune, tip_messages)
    assert message["direction"] == "tipster" and message["text"] == "Xe biển số 37A-123.45"
    assert set(message) == {
        "id", "tip_id", "direction", "text", "attachments", "created_at", "delivered_at", "read_at",
        "important", "escalated_at",
    }  # fmt: skip
    (notice,) = await notices_of(commune, "addition.notice")
    assert notice["member_id"] == await member_id(commune, OFFICER_A)
    assert "37A" not in str(notice["params"])  # the text is read with /xemtin, not in a notice


async def test_an_addition_to_a_tip_nobody_took_reaches_the_communes_officers(
    commune: Database,
) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    await add(await tipster(commune, clock), code, "Thường vào buổi tối")
    told = {row["member_id"] for row in await notices_of(commune, "addition.notice")}
    assert told == {await member_id(commune, OFFICER_A), await member_id(commune, OFFICER_B)}


async def test_a_wrong_code_gets_not_found_and_is_counted(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    guesser = Phone(make_processor(commune, clock), user_id="88")
    await at_menu(guesser)
    wrong = next(c for c in (new_tip_code() for _ in range(9)) if c != code)
    await guesser.send(text=f"/bosung {wrong}")
    assert t("status.not_found") in guesser.text
    assert not guesser.asked("addition.ask_text")
    (attempt,) = await rows(commune, code_attempts)
    assert (attempt["kind"], attempt["failures"]) == ("tip", 1)
    assert await rows(commune, tip_messages) == []


async def test_a_question_goes_on_the_sealed_route_only_and_the_thread_reads_without_names(
    commune: Database,
) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    officer = await officer_phone(commune, clock, OFFICER_A)
    await act(officer, code, "take")
    await officer.send(text=f"/hoi {code}")
    await officer.send(text="Xe thường đỗ ở đâu?")
    await officer.send(text="xong")  # no photos
    assert t("asking.sent", code=format_tip_code(code)) in officer.text

    (question,) = [
        row for row in await rows(commune, outbox) if row["text"] and "hỏi" in row["text"]
    ]
    assert question["sealed_route"] is not None
    assert question["chat_id"] is None and question["identity_id"] is None
    assert question["member_id"] is None
    assert ":" not in str(question["dedup_key"]) and "tip" not in str(question["dedup_key"])
    readable = " ".join(str(v) for k, v in question.items() if k != "sealed_route")
    assert not re.search(r"(?<![0-9A-Za-z])77(?![0-9A-Za-z])", readable)
    assert OFFICER_A[1] not in readable

    transport = RecordingTransport()
    outbox_sender = sender(
        commune, transport, FakeClock(clock.now), open_route=lambda s: SEALER.open_route(s)[1]
    )
    assert await outbox_sender.deliver_due() >= 1
    expected = t("asking.to_tipster", code=format_tip_code(code), question="Xe thường đỗ ở đâu?")
    assert expected in transport.sent["77"]

    clock.advance(minutes=3)
    await add(await tipster(commune, clock), code, "Trước cổng chợ")
    reader = await officer_phone(commune, clock, OFFICER_B)
    await reader.send(text=f"/xemtin {code}")
    shown = reader.text
    asked = shown.index(f"{t('thread.officer')}: Xe thường đỗ ở đâu?")
    answered = shown.index(f"{t('thread.tipster')}: Trước cổng chợ")
    assert asked < answered
    thread = shown[shown.index(t("thread.title")) :]
    assert OFFICER_A[1] not in thread and OFFICER_B[1] not in thread
    assert not re.search(r"(?<![0-9A-Za-z])77(?![0-9A-Za-z])", thread)
    # The tipster sees the same exchange under the status, still naming no officer.
    follower = await tipster(commune, clock)
    await follower.send(text=f"/status {code}")
    status = follower.text
    assert t("status.thread_title") in status
    assert f"{t('thread.officer')}: Xe thường đỗ ở đâu?" in status
    assert OFFICER_A[1] not in status and OFFICER_B[1] not in status
