"""After sending: the resident writes back to the officers' answers in the thread (named or
anonymous), looks their opinion up by its code, finds their named ones in /dulieucuatoi; a
forum lists the opinions it will answer; the commune's admins handle the queue; opinions
left unanswered are reminded."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.opinions.rules import UnansweredOpinions
from bot.privacy.erasure import erase_person
from conversations.commands import COMMAND_TAP
from conversations.fields import format_tip_code
from conversations.secret_codes import LOCKOUTS, CodeKind
from storage._sql import identities, outbox
from storage.database import Database
from storage.events import NewEvent, insert_event
from storage.opinions import event_opinions, opinion_answers, opinions
from tests.bot.harness import (
    SEALER,
    Phone,
    area_id,
    member_with_roles,
    phone_at_menu,
    rows,
)
from tests.bot.opinions.harness import (
    OFFICER,
    RESIDENT,
    WORDS,
    commune,
    send_opinion,
)
from tests.conversations.harness import Clock, t

ADMIN = "6300001"  # the commune's own admin
PROVINCE_ADMIN = "6300002"
ANSWER = "Xã đã báo điện lực, sẽ thay bóng đèn trong tuần này."
WORD_BACK = "Cảm ơn xã, đèn ngõ 8 bên cạnh cũng hỏng."


@pytest.fixture
async def db(database: Database) -> Database:
    await commune(database)
    await member_with_roles(database, ADMIN, [("admin", "17662")])
    await member_with_roles(database, PROVINCE_ADMIN, [("admin", "40")])
    return database


async def officer_phone(database: Database, clock: Clock, user_id: str = OFFICER) -> Phone:
    return await phone_at_menu(database, clock, user_id, name="Cán bộ")


async def answer(officer: Phone, text: str = ANSWER) -> None:
    await officer.send(text="/xemgopy")
    await officer.send(text="1")
    assert officer.asked("opinions.ask.action"), officer.text
    await officer.send(text="1")
    await officer.send(text=text)


async def stored_code(database: Database) -> str:
    (opinion,) = await rows(database, opinions)
    return format_tip_code(str(opinion["code"]))


async def test_an_anonymous_sender_writes_back_by_the_button_and_stays_unlinked(
    db: Database,
) -> None:
    clock = Clock()
    resident = await send_opinion(db, clock, "anonymous")
    code = await stored_code(db)
    officer = await officer_phone(db, clock)
    await answer(officer)
    (sent,) = [row for row in await rows(db, outbox) if row["sealed_route"] is not None]
    # The answer carries the button that writes back in place.
    assert sent["params"]["buttons"] == [[t("opinions.button.write_back"), f"/traloigopy {code}"]]

    # Before the resident writes, the status shows the answer and the way to reply.
    await resident.send(text="/tracuugopy")
    assert resident.asked("opinions.follow.ask_code")
    await resident.send(text=code.lower())
    assert t("opinions.status.answered") in resident.text
    assert t("opinions.thread.officer", text=ANSWER) in resident.text
    assert f"/traloigopy {code}" in resident.text

    await resident.send(option=f"/traloigopy {code}", option_ref=COMMAND_TAP)
    assert resident.asked("opinions.follow.ask_text"), resident.text
    await resident.send(text=WORD_BACK)
    assert t("opinions.follow.sent", code=code) in resident.text
    stored = await rows(db, opinion_answers)
    assert [(row["side"], row["text"]) for row in stored] == [
        ("officer", ANSWER),
        ("resident", WORD_BACK),
    ]
    # The thread keeps the side only: no member, no route, the day alone.
    assert set(stored[1]) == {"id", "opinion_id", "text", "created_on", "side"}
    (opinion,) = await rows(db, opinions)
    assert opinion["member_id"] is None
    # The commune's officer and its own admin hear of it; the province's admin does not.
    back = [r for r in await rows(db, outbox) if r["message_key"] == "opinions.notice.written_back"]
    assert len(back) == 2

    # One word back per answer: a second one waits for the officers.
    await resident.send(text=f"/traloigopy {code}")
    assert t("opinions.follow.wait", code=code) in resident.text
    assert len(await rows(db, opinion_answers)) == 2

    # The officer sees the word back in the thread, answers again; a second round.
    await officer.send(text="/xemgopy")
    await officer.send(text="1")
    assert t("opinions.officer.resident_line", text=WORD_BACK) in officer.text
    await officer.send(text="1")
    await officer.send(text="Xã sẽ kiểm tra cả ngõ 8.")
    await resident.send(text=f"/traloigopy {code}")
    await resident.send(text="Xin cảm ơn.")
    assert len(await rows(db, opinion_answers)) == 4

    # Done: no more words back; the status says so.
    await officer.send(text="/xemgopy")
    await officer.send(text="1")
    await officer.send(text="2")
    await resident.send(text=f"/traloigopy {code}")
    assert t("opinions.follow.done", code=code) in resident.text
    await resident.send(text=f"/tracuugopy {code}")
    assert t("opinions.status.done") in resident.text
    assert "/traloigopy" not in resident.text


async def test_a_wrong_code_is_not_found_and_counts_against_guessing(db: Database) -> None:
    clock = Clock()
    await send_opinion(db, clock, "anonymous")
    stranger = await phone_at_menu(db, clock, "7100009")
    for _ in range(LOCKOUTS[CodeKind.TIP].max_wrong):
        await stranger.send(text="/tracuugopy ZZZZ-ZZZZ")
        assert t("opinions.follow.not_found") in stranger.text
    # Locked out now, by the tips' own lockout: even the right code waits.
    await stranger.send(text=f"/tracuugopy {await stored_code(db)}")
    assert t("opinions.status.received") not in stranger.text
    count = LOCKOUTS[CodeKind.TIP].max_wrong
    assert t("opinions.follow.slow_down", count=count, until="")[:25] in stranger.text
    await stranger.send(text="/status ZZZZ-ZZZZ")  # and so does a tip's code
    assert t("status.not_found") not in stranger.text


async def test_a_named_opinion_is_in_my_data_and_erasure_unlinks_it(db: Database) -> None:
    clock = Clock()
    resident = await send_opinion(db, clock, "named")
    code = await stored_code(db)
    await resident.send(text="/dulieucuatoi")
    line = t(
        "opinions.my_data.line",
        code=code,
        category=t("opinions.category.lighting"),
        status=t("opinions.status.received"),
        received=clock.now.strftime("%d/%m/%Y"),
    )
    assert line in resident.text

    (identity,) = [row for row in await rows(db, identities) if row["platform_user_id"] == RESIDENT]
    async with db.transaction() as session:
        await erase_person(
            session, SEALER, int(identity["member_id"]), actor_member_id=None, now=clock.now
        )
    (opinion,) = await rows(db, opinions)
    assert opinion["member_id"] is None and opinion["photo"] is None
    assert opinion["text"] == WORDS and opinion["category"] == "lighting"


async def test_an_anonymous_opinion_never_appears_in_my_data(db: Database) -> None:
    clock = Clock()
    resident = await send_opinion(db, clock, "anonymous")
    code = await stored_code(db)
    await resident.send(text="/dulieucuatoi")
    assert code not in resident.text and WORDS not in resident.text


async def test_a_forum_lists_opinions_and_tells_their_named_senders(db: Database) -> None:
    clock = Clock()
    await send_opinion(db, clock, "named")
    await send_opinion(
        db,
        clock,
        "anonymous",
        user_id="7100002",
        words="Anh Nguyễn Văn Hùng ở xóm 3, số 0912345678, hay đua xe ban đêm.",
    )
    async with db.transaction() as session:
        event_id = await insert_event(
            session,
            NewEvent(
                title="Diễn đàn Công an lắng nghe ý kiến Nhân dân 2026",
                description="Đối thoại với Nhân dân.",
                place_text="Hội trường UBND xã",
                starts_at=clock.now + timedelta(days=10),
                ends_at=clock.now + timedelta(days=10, hours=3),
                area_id=await area_id(db, "17662"),
                template="lang_nghe",
                created_by=None,
            ),
            now=clock.now,
        )
    admin = await officer_phone(db, clock, ADMIN)  # the commune's admin handles the queue too
    for number in ("1", "2"):  # listed, an opinion stays in the queue until it is done
        await admin.send(text="/xemgopy")
        await admin.send(text=number)
        await admin.send(text="4")  # list for a forum
        assert admin.asked("opinions.forum.ask"), admin.text
        assert "Diễn đàn Công an lắng nghe" in admin.text
        await admin.send(text="1")
        assert t("opinions.forum.listed", code="")[:20] in admin.text
    assert len(await rows(db, event_opinions)) == 2
    # The named sender is told when and where; the anonymous one is not.
    told = [r for r in await rows(db, outbox) if r["message_key"] == "opinions.to_sender.forum"]
    assert len(told) == 1 and told[0]["params"]["place"] == "Hội trường UBND xã"
    assert [r for r in await rows(db, outbox) if r["sealed_route"] is not None] == []

    # The forum's details list both by subject; the words only where they name nobody.
    resident = await phone_at_menu(db, clock, "7100003")
    await resident.send(text="/sukien")
    await resident.send(text="thon dong")
    await resident.send(option=f"event:{event_id}", option_ref="event")
    assert t("opinions.forum.summary_title", count=2) in resident.text
    lighting, security = t("opinions.category.lighting"), t("opinions.category.security")
    assert f"1. {lighting} · Ngõ 7 thôn Đông · «{WORDS}»" in resident.text
    assert f"2. {lighting} · Ngõ 7 thôn Đông" in resident.text
    assert "Hùng" not in resident.text and "0912345678" not in resident.text
    assert security not in resident.text


async def test_without_a_forum_to_come_the_officer_is_told_and_asked_again(
    db: Database,
) -> None:
    clock = Clock()
    await send_opinion(db, clock, "named")
    officer = await officer_phone(db, clock)
    await officer.send(text="/xemgopy")
    await officer.send(text="1")
    await officer.send(text="4")  # list for a forum: there is none
    assert t("opinions.forum.none") in officer.text
    assert officer.asked("opinions.ask.action"), officer.text
    await officer.send(text="1")
    await officer.send(text=ANSWER)
    assert len(await rows(db, opinion_answers)) == 1
    assert await rows(db, event_opinions) == []


async def test_unanswered_opinions_are_reminded_to_the_commune_once_a_day(db: Database) -> None:
    clock = Clock()
    await send_opinion(db, clock, "anonymous")
    code = await stored_code(db)
    rule = UnansweredOpinions(timedelta(days=7))
    async with db.transaction() as session:
        assert list(await rule(clock.now + timedelta(days=6), session)) == []
        due = list(await rule(clock.now + timedelta(days=8), session))
    # The commune's officer and its own admin; not the province's admin.
    assert len(due) == 2
    assert all(message.params["codes"] == code for message in due)
    officer = await officer_phone(db, clock)
    await answer(officer)
    async with db.transaction() as session:
        assert list(await rule(clock.now + timedelta(days=9), session)) == []


async def test_the_commune_admin_answers_from_the_queue_by_its_command(db: Database) -> None:
    clock = Clock()
    await send_opinion(db, clock, "named")
    admin = await officer_phone(db, clock, ADMIN)
    await answer(admin, "Xã đã tiếp nhận.")
    assert t("opinions.officer.answered", code=await stored_code(db)) in admin.text
    assert len(await rows(db, opinion_answers)) == 1
