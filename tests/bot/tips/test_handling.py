"""The officers' tip inbox through the processor and the database: new tips announced to the
commune's officers, one officer takes a tip, its status moves on, and the sender is told."""

from __future__ import annotations

import re

from sqlalchemy import select

from conversations.fields import format_tip_code
from conversations.replies import Choices, Media, MediaItem, Reply, Text
from storage._sql import audit_log, outbox, tip_status_changes, tips
from storage.database import Database
from tests.bot.delivery.harness import FakeClock, RecordingTransport, sender
from tests.bot.harness import SEALER, phone_at_menu, rows, walk
from tests.bot.tips.harness import (
    ADMIN,
    ELSEWHERE,
    OFFICER_A,
    OFFICER_B,
    UP_TO_COMMUNE,
    act,
    member_id,
    new_tip,
    officer_phone,
    staff,
    taken_tip,
    tip_naming,
)
from tests.conversations.harness import (
    ANONYMOUS_PATH,
    CATALOGUES,
    CONTACT_PATH,
    DESCRIPTION,
    START,
    Clock,
    t,
)


def addressed_to(row: dict[str, object]) -> object:
    """A row's chat, as the sender finds it: in the clear, or in the sealed route (with the key)."""
    sealed = row["sealed_route"]
    return SEALER.open_route(sealed)[1] if isinstance(sealed, bytes) else row["chat_id"]


async def notices_to_chat(database: Database, chat_id: str) -> list[str]:
    return [
        str(row["text"]) for row in await rows(database, outbox) if addressed_to(row) == chat_id
    ]


async def test_an_anonymous_senders_news_names_neither_their_chat_nor_the_tip(
    commune: Database,
) -> None:
    """Without the key, the outbox row of an anonymous tipster's news leads nowhere: no chat
    id, no tip id in its dedup key; and once sent it keeps no route at all."""
    clock, code, _officer = await taken_tip(commune)
    (tip,) = await rows(commune, tips)
    (news,) = [row for row in await rows(commune, outbox) if row["sealed_route"] is not None]
    assert news["chat_id"] is None and news["identity_id"] is None and news["member_id"] is None
    # A keyed digest: not "tip-status:<tip id>:acknowledged" (which one SELECT would join).
    assert str(news["dedup_key"]) != f"tip-status:{tip['id']}:acknowledged"
    assert ":" not in str(news["dedup_key"]) and "tip" not in str(news["dedup_key"])
    # The chat id "77" as a value of its own (a tip code or a digest may hold the digits).
    readable = " ".join(str(value) for key, value in news.items() if key != "sealed_route")
    assert not re.search(r"(?<![0-9A-Za-z])77(?![0-9A-Za-z])", readable)
    # The sender opens the route with the key, in memory, to send; then it is gone.
    transport = RecordingTransport()
    outbox_sender = sender(
        commune,
        transport,
        FakeClock(clock.now),
        open_route=lambda sealed: SEALER.open_route(sealed)[1],
    )
    assert await outbox_sender.deliver_due() >= 1
    assert any(format_tip_code(code) in text for text in transport.sent["77"])
    (sent,) = [row for row in await rows(commune, outbox) if row["id"] == news["id"]]
    assert sent["status"] == "sent"
    assert sent["sealed_route"] is None and sent["text"] is None


async def test_a_new_tip_is_announced_to_its_communes_officers_at_once(commune: Database) -> None:
    clock = Clock(START.replace(hour=16))  # 23:00 in Vietnam: quiet hours
    code = await new_tip(commune, clock)
    queued = [row for row in await rows(commune, outbox) if row["kind"] == "tip_notice"]
    told = {row["member_id"] for row in queued}
    ours = {await member_id(commune, OFFICER_A), await member_id(commune, OFFICER_B)}
    assert told == ours
    for row in queued:
        assert format_tip_code(code) in row["text"] and t("tip.category.drugs") in row["text"]
        assert DESCRIPTION not in row["text"]
        assert row["not_before"].replace(tzinfo=None) == clock.now.replace(tzinfo=None)


async def test_taking_a_tip_acknowledges_it_and_tells_the_anonymous_sender(
    commune: Database,
) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    officer = await officer_phone(commune, clock, OFFICER_A)
    clock.advance(hours=2)
    await act(officer, code, "take")
    assert t("inbox.taken", code=format_tip_code(code)) in officer.text
    (tip,) = await rows(commune, tips)
    assert tip["handler_member_id"] == await member_id(commune, OFFICER_A)
    assert tip["status"] == "acknowledged"
    assert tip["acknowledged_at"].replace(tzinfo=None) == clock.now.replace(tzinfo=None)
    steps = await rows(commune, tip_status_changes)
    assert [(s["status"], s["changed_by"]) for s in steps] == [("taken", tip["handler_member_id"])]
    assert "tip.taken" in [entry["action"] for entry in await rows(commune, audit_log)]
    (told,) = await notices_to_chat(commune, "77")  # the tipster's chat, from the sealed route
    assert told == t("inbox.sender.acknowledged", code=format_tip_code(code))
    assert OFFICER_A[1] not in told


async def test_other_officers_see_who_handles_a_tip_and_cannot_change_it(
    commune: Database,
) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    await act(await officer_phone(commune, clock, OFFICER_A), code, "take")
    other = await officer_phone(commune, clock, OFFICER_B)
    await other.send(text=f"/xemtin {code}")
    assert t("inbox.handled_by", name=OFFICER_A[1]) in other.text
    await other.send(text=f"/xuly {code}")
    assert t("inbox.handled_by", name=OFFICER_A[1]) in other.text
    nothing = t(
        "inbox.nothing_to_do",
        code=format_tip_code(code),
        status=t("inbox.status.acknowledged"),
        handler=t("inbox.handled_by", name=OFFICER_A[1]),
    )
    assert nothing in other.text
    (tip,) = await rows(commune, tips)
    assert tip["handler_member_id"] == await member_id(commune, OFFICER_A)
    elsewhere = await officer_phone(commune, clock, ELSEWHERE)
    await elsewhere.send(text=f"/xuly {code}")
    assert t("tip_read.not_found") in elsewhere.text


async def test_the_handler_forwards_a_tip_with_a_note_and_the_times_are_kept(
    commune: Database,
) -> None:
    clock, code, officer = await taken_tip(commune)
    clock.advance(hours=5)
    await act(officer, code, "forwarded", "Đã chuyển Đội điều tra")
    assert t("inbox.changed", code=format_tip_code(code), status=t("inbox.status.forwarded")) in (
        officer.text
    )
    (tip,) = await rows(commune, tips)
    assert tip["status"] == "forwarded" and tip["status_note"] == "Đã chuyển Đội điều tra"
    assert tip["forwarded_at"].replace(tzinfo=None) == clock.now.replace(tzinfo=None)
    assert tip["acknowledged_at"] < tip["forwarded_at"]
    steps = [s["status"] for s in await rows(commune, tip_status_changes)]
    assert steps == ["taken", "forwarded"]
    told = await notices_to_chat(commune, "77")
    assert told[-1] == t("inbox.sender.forwarded", code=format_tip_code(code))
    await officer.send(text=f"/xemtin {code}")
    assert "Đã chuyển Đội điều tra" in officer.text


async def test_a_note_is_optional_for_verification_and_skipped_with_khong(
    commune: Database,
) -> None:
    _clock, code, officer = await taken_tip(commune)
    await act(officer, code, "verifying")
    assert t("inbox.ask_note") in officer.text
    await officer.send(text="khong")
    (tip,) = await rows(commune, tips)
    assert tip["status"] == "verifying" and tip["status_note"] is None


async def test_a_rejection_needs_a_reason_and_closes_the_tip(commune: Database) -> None:
    _clock, code, officer = await taken_tip(commune)
    await act(officer, code, "spam")
    assert t("inbox.ask_reason") in officer.text
    await officer.send(text="x")
    assert t("input.too_short", minimum=3) in officer.text  # asked again, nothing lost
    await officer.send(text="Quảng cáo bán hàng")
    (tip,) = await rows(commune, tips)
    assert tip["status"] == "rejected" and tip["closed_at"] is not None
    assert tip["status_note"] == "Quảng cáo bán hàng"
    steps = [s["status"] for s in await rows(commune, tip_status_changes)]
    assert steps == ["taken", "spam"]
    told = await notices_to_chat(commune, "77")
    assert told[-1] == t("inbox.sender.spam", code=format_tip_code(code))
    # Refused by nobody (art. 145): reviewed, and told where such matters and complaints go.
    assert told[-1].startswith(f"Tin báo {format_tip_code(code)} đã được xem xét")
    assert "Ủy ban nhân dân xã/phường" in told[-1]
    assert "tố cáo hành vi vi phạm của cán bộ, công chức" in told[-1]
    assert "không được xử lý" not in told[-1]
    await officer.send(text=f"/xuly {code}")
    assert (
        t(
            "inbox.nothing_to_do",
            code=format_tip_code(code),
            status=t("inbox.status.spam"),
            handler=t("inbox.handled_by_you"),
        )
        in officer.text
    )


async def test_an_admin_of_the_commune_takes_a_tip_over(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    await act(await officer_phone(commune, clock, OFFICER_A), code, "take")
    admin = await officer_phone(commune, clock, ADMIN)
    await act(admin, code, "take")
    (tip,) = await rows(commune, tips)
    assert tip["handler_member_id"] == await member_id(commune, ADMIN)
    # Acknowledged once: the sender was told once.
    assert len(await notices_to_chat(commune, "77")) == 1


async def test_a_named_sender_is_told_through_their_account(commune: Database) -> None:
    clock = Clock()
    tipster = await phone_at_menu(commune, clock, "78")
    await tipster.send(text="1")
    path = list(CONTACT_PATH)
    path[UP_TO_COMMUNE] = ("tip.ask.commune", {"text": "do luong"})
    await walk(tipster, path)
    await tipster.send(text="1")
    (tip,) = await rows(commune, tips)
    await act(await officer_phone(commune, clock, OFFICER_A), str(tip["code"]), "take")
    async with commune.transaction() as session:
        told = (
            await session.execute(
                select(outbox.c.message_key, outbox.c.params).where(
                    outbox.c.member_id == tip["member_id"]
                )
            )
        ).all()
    assert [(row.message_key, row.params) for row in told] == [
        ("inbox.sender.acknowledged", {"code": format_tip_code(str(tip["code"]))})
    ]


async def test_the_inbox_lists_unacknowledged_tips_first_with_their_handler(
    commune: Database,
) -> None:
    clock = Clock()
    first = await new_tip(commune, clock)
    officer = await officer_phone(commune, clock, OFFICER_A)
    await act(officer, first, "take")
    clock.advance(hours=1)
    await tip_naming(commune, clock, {"text": "do luong"})
    (second,) = {str(row["code"]) for row in await rows(commune, tips)} - {first}
    clock.advance(hours=1)
    await officer.send(text="/xemtin moi")
    listing = officer.text
    assert listing.index(format_tip_code(second)) < listing.index(format_tip_code(first))
    assert t("inbox.handled_by_you") in listing
    assert DESCRIPTION not in listing


# -- acting where the tip is opened ---------------------------------------------------------

PHOTO_ID = "AgACAgUAAxkBAAIBQ2tip_photo"
VOICE_ID = "AwACAgUAAxkBAAIBQ2tip_voice"
UP_TO_FILES = [key for key, _ in ANONYMOUS_PATH].index("tip.ask.attachments")


async def new_tip_with_files(database: Database, clock: Clock) -> str:
    """An anonymous tip placed in Xã Đô Lương, sent on Telegram with a photo and a voice note."""
    tipster = await phone_at_menu(database, clock, "77")
    await tipster.send(text="1")
    path = list(ANONYMOUS_PATH)
    path[UP_TO_COMMUNE] = ("tip.ask.commune", {"text": "do luong"})
    await walk(tipster, path, upto=UP_TO_FILES)
    assert tipster.asked("tip.ask.attachments")
    await tipster.send(media=MediaItem("photo", PHOTO_ID, size_bytes=2048))
    await tipster.send(media=MediaItem("voice", VOICE_ID, duration_seconds=7))
    await tipster.send(text="xong")
    await walk(tipster, path[UP_TO_FILES + 1 :])
    await tipster.send(text="1")  # confirm the summary
    (tip,) = await rows(database, tips)
    return str(tip["code"])


def action_question(replies: list[Reply]) -> Choices:
    question = replies[-1]
    assert isinstance(question, Choices) and question.ref == "tip", replies
    return question


def offered(replies: list[Reply]) -> list[str]:
    return [option.id for option in action_question(replies).options]


async def test_opening_a_tip_forwards_its_files_and_it_is_taken_with_one_tap(
    commune: Database,
) -> None:
    clock = Clock()
    code = await new_tip_with_files(commune, clock)
    officer = await officer_phone(commune, clock, OFFICER_A)
    clock.advance(hours=1)
    await officer.send(text=f"/xemtin {code.lower()}")
    shown, photo, voice, question = officer.replies
    assert isinstance(shown, Text) and DESCRIPTION in shown.text
    assert t("tip.identity.anonymous") in shown.text
    assert [(m.kind, m.file_id, m.channel) for m in (photo, voice) if isinstance(m, Media)] == [
        ("photo", PHOTO_ID, "telegram"),
        ("voice", VOICE_ID, "telegram"),
    ]
    assert isinstance(photo, Media)
    assert photo.text == t(
        "inbox.attachment.caption",
        code=format_tip_code(code),
        number=1,
        count=2,
        kind=t("media.photo"),
    )
    assert offered(officer.replies) == ["take", "later"]
    assert question == action_question(officer.replies)
    assert "tip.viewed" in [entry["action"] for entry in await rows(commune, audit_log)]

    await officer.send(option="take", option_ref=question.ref)
    assert t("inbox.taken", code=format_tip_code(code)) in officer.text
    assert officer.replies[-1].text == t("menu.prompt")  # done: back at the menu
    (tip,) = await rows(commune, tips)
    assert tip["handler_member_id"] == await member_id(commune, OFFICER_A)
    assert tip["acknowledged_at"].replace(tzinfo=None) == clock.now.replace(tzinfo=None)
    (told,) = await notices_to_chat(commune, "77")
    assert told == t("inbox.sender.acknowledged", code=format_tip_code(code))


async def test_the_handler_moves_the_opened_tip_on_with_a_note_typed_without_accents(
    commune: Database,
) -> None:
    clock = Clock()
    code = await new_tip_with_files(commune, clock)
    officer = await officer_phone(commune, clock, OFFICER_A)
    await act(officer, code, "take")
    await officer.send(text=f"/xemtin {code}")
    assert offered(officer.replies) == [
        "verifying",
        "forwarded",
        "closed",
        "unfounded",
        "duplicate",
        "spam",
        "later",
    ]
    await officer.send(text="chuyen")
    assert t("inbox.ask_note") in officer.text
    await officer.send(text="ab")  # too short: asked again, the choice is kept
    assert t("input.too_short", minimum=3) in officer.text
    await officer.send(text="Da chuyen Doi dieu tra")
    assert t("inbox.changed", code=format_tip_code(code), status=t("inbox.status.forwarded")) in (
        officer.text
    )
    (tip,) = await rows(commune, tips)
    assert (tip["status"], tip["status_note"]) == ("forwarded", "Da chuyen Doi dieu tra")
    told = await notices_to_chat(commune, "77")
    assert told[-1] == t("inbox.sender.forwarded", code=format_tip_code(code))


async def test_a_rejection_from_the_opened_tip_asks_its_reason(commune: Database) -> None:
    _clock, code, officer = await taken_tip(commune)
    await officer.send(text=f"/xemtin {code}")
    await officer.send(option="spam", option_ref=action_question(officer.replies).ref)
    assert t("inbox.ask_reason") in officer.text
    await officer.send(text="/quaylai")  # back to the buttons, the tip still open
    assert "spam" in offered(officer.replies)
    await officer.send(text="1")  # "Xác minh", by its number
    assert t("inbox.ask_note") in officer.text
    await officer.send(option="skip", option_ref="note")
    (tip,) = await rows(commune, tips)
    assert (tip["status"], tip["status_note"]) == ("verifying", None)
    changed = t("inbox.changed", code=format_tip_code(code), status=t("inbox.status.verifying"))
    assert changed in officer.text


async def test_later_leaves_the_opened_tip_as_it_was(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    officer = await officer_phone(commune, clock, OFFICER_A)
    await officer.send(text=f"/xemtin {code}")
    await officer.send(text="hmm")  # neither an action nor a code: asked again
    assert t("input.choose_option", count=2) in officer.text
    assert "take" in offered(officer.replies)
    await officer.send(text="de sau")
    assert officer.replies[-1].text == t("menu.prompt")
    (tip,) = await rows(commune, tips)
    assert (tip["status"], tip["handler_member_id"]) == ("received", None)
    assert await rows(commune, tip_status_changes) == []


async def test_a_code_typed_instead_of_an_action_opens_that_tip(commune: Database) -> None:
    clock = Clock()
    first = await new_tip(commune, clock)
    await tip_naming(commune, clock, {"text": "do luong"})
    (second,) = {str(row["code"]) for row in await rows(commune, tips)} - {first}
    officer = await officer_phone(commune, clock, OFFICER_A)
    await officer.send(text=f"/xemtin {first}")
    await officer.send(text=format_tip_code(second))
    assert (
        CATALOGUES.text("vi", "tip_read.shown").split("{code}")[0] + format_tip_code(second)
        in officer.text
    )
    question = action_question(officer.replies)
    assert format_tip_code(second) in question.text
    await officer.send(option="take", option_ref=question.ref)
    handled = {str(row["code"]): row["handler_member_id"] for row in await rows(commune, tips)}
    assert handled == {first: None, second: await member_id(commune, OFFICER_A)}
    viewed = [e for e in await rows(commune, audit_log) if e["action"] == "tip.viewed"]
    assert len(viewed) == 2  # each tip opened was recorded


async def test_no_buttons_for_a_tip_another_officer_handles(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    await act(await officer_phone(commune, clock, OFFICER_A), code, "take")
    other = await officer_phone(commune, clock, OFFICER_B)
    await other.send(text=f"/xemtin {code}")
    assert DESCRIPTION in other.text
    assert other.replies[-1].text == t("menu.prompt")
    assert all(not isinstance(r, Choices) or r.ref != "tip" for r in other.replies)


# -- an officer whose platform gave no name ---------------------------------------------------

UNNAMED = ("605", "")  # the console and Zalo give no name


async def test_an_unnamed_officer_sees_the_tip_is_theirs_and_others_see_their_role(
    commune: Database,
) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    await staff(commune, UNNAMED, "officer", "17662")
    officer = await officer_phone(commune, clock, UNNAMED)
    await act(officer, code, "take")
    someone_else = t("inbox.handled_by", name=t("inbox.someone"))
    await officer.send(text=f"/xuly {code}")
    assert t("inbox.handled_by_you") in officer.text and someone_else not in officer.text
    await officer.send(text="/xemtin moi")
    assert t("inbox.handled_by_you") in officer.text
    assert t("inbox.no_handler") not in officer.text
    other = await officer_phone(commune, clock, OFFICER_B)
    await other.send(text=f"/xemtin {code}")
    assert t("inbox.handled_by_role", role=t("role.officer")) in other.text
    await other.send(text="/xemtin moi")
    assert t("inbox.handled_by_role", role=t("role.officer")) in other.text


async def test_a_named_officer_is_told_the_tip_is_theirs_not_by_their_name(
    commune: Database,
) -> None:
    _clock, code, officer = await taken_tip(commune)
    await officer.send(text=f"/xemtin {code}")
    assert t("inbox.handled_by_you") in officer.text
    assert t("inbox.handled_by", name=OFFICER_A[1]) not in officer.text
