"""Events through the processor and the database: created, joined, cancelled, turnout reported."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.channels.console import render
from bot.events.rules import remind_event_participants
from bot.places import place_of
from bot.scheduler import DeliveryScheduler
from conversations.events import CancelEvent
from conversations.policy import Grant, PolicyViolation, Role
from conversations.ports import Member
from conversations.replies import Choices, Inbound
from storage._sql import event_participants, events, member_roles, members, outbox
from storage.areas import area_by_code
from storage.database import Database
from storage.delivery.outbox import CANCELLED, NOTICE, REMINDER
from tests.bot.harness import (
    THON_TAY,
    Phone,
    apply_effect,
    make_processor,
    member_with_roles,
    phone_at_menu,
    rows,
    tree_with_roles,
)
from tests.bot.harness import TREE as BOT_TREE
from tests.conversations.harness import Clock, t

TREE = [*BOT_TREE, THON_TAY]
ADMIN = "5550001"
LEADER = "5550002"
RESIDENT = "5550003"
TITLE = "Hội nghị Công an lắng nghe ý kiến Nhân dân"


@pytest.fixture
async def tree(database: Database) -> Database:
    return await tree_with_roles(
        database, TREE, (ADMIN, "admin", "17662"), (LEADER, "leader", "17662-001")
    )


def options(phone: Phone) -> list[str]:
    last = phone.replies[-1]
    return [option.id for option in last.options] if isinstance(last, Choices) else []


async def create_custom_event(admin: Phone) -> None:
    await admin.send(text="/taosukien")
    assert admin.asked("events.new.ask_template")
    for answer in ("2", TITLE, "Lắng nghe ý kiến của bà con về an ninh trật tự.", "Nhà văn hoá"):
        await admin.send(text=answer)
    await admin.send(text="8h 05/12/2026")
    await admin.send(text="11h30 5/12/2026")
    assert admin.asked("events.new.ask_area")
    await admin.send(text="xa do luong")
    assert "08:00 05/12/2026" in admin.text and "11:30 05/12/2026" in admin.text
    await admin.send(text="1")  # confirm


async def test_an_event_is_created_joined_and_its_turnout_reported(tree: Database) -> None:
    clock = Clock()
    admin = await phone_at_menu(tree, clock, ADMIN)
    await create_custom_event(admin)
    assert (
        t(
            "events.created",
            title=TITLE,
            when="08:00 05/12/2026 – 11:30 05/12/2026",
            area="Xã Đô Lương, Nghệ An",
        )
        in admin.text
    )
    (event,) = await rows(tree, events)
    assert event["starts_at"] == datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
    assert event["ends_at"] == datetime(2026, 12, 5, 4, 30, tzinfo=UTC)

    # A resident of a hamlet of the commune says where they live once, then registers.
    resident = await phone_at_menu(tree, clock, RESIDENT)
    await resident.send(text="/sukien")
    assert resident.asked("events.ask.home")
    await resident.send(text="thon dong")
    assert TITLE in resident.text and "Thôn Đông" in resident.text
    await resident.send(option=f"event:{event['id']}", option_ref="event")
    assert "Lắng nghe ý kiến" in resident.text and resident.asked("events.ask.register")
    await resident.send(text="dang ky")
    assert (
        t("events.registered", title=TITLE, when="08:00 – 11:30 05/12/2026", place="Nhà văn hoá")
        in resident.text
    )
    (participant,) = await rows(tree, event_participants)
    assert participant["cancelled_at"] is None
    async with tree.session() as session:
        home = await session.scalar(
            select(members.c.home_area_id).where(members.c.id == participant["member_id"])
        )
        thon_dong = await area_by_code(session, "17662-001")
    assert thon_dong is not None and home == thon_dong.id

    # After the event the hamlet's leader reports how many came.
    clock.now = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
    leader = await phone_at_menu(tree, clock, LEADER)
    await leader.send(text="/sochonguoi")
    assert leader.asked("events.turnout.ask_event") and TITLE in leader.text
    await leader.send(text="1")
    await leader.send(text="nhieu")  # not a number: asked again
    assert leader.asked("events.turnout.ask_count")
    await leader.send(text="45")
    await leader.send(text="khong")
    await leader.send(text="1")  # confirm
    assert t("events.turnout.saved", title=TITLE, count=45) in leader.text
    (event,) = await rows(tree, events)
    assert event["turnout"] == 45 and event["turnout_note"] is None
    assert event["turnout_by"] is not None


async def test_a_resident_with_a_known_home_sees_the_list_and_cancels(tree: Database) -> None:
    clock = Clock()
    await create_custom_event(await phone_at_menu(tree, clock, ADMIN))
    resident = await phone_at_menu(tree, clock, RESIDENT)
    await resident.send(text="/sukien")
    await resident.send(text="thon tay")
    await resident.send(text="1")
    await resident.send(text="1")
    # The second time the list comes at once, marked as registered.
    await resident.send(text="/events")
    assert t("events.list.registered") in resident.text
    await resident.send(text="1")
    assert resident.asked("events.ask.unregister")
    await resident.send(text="1")
    assert t("events.unregistered", title=TITLE, when="08:00 – 11:30 05/12/2026") in resident.text
    (participant,) = await rows(tree, event_participants)
    assert participant["cancelled_at"] is not None
    # Registering again clears the cancellation.
    await resident.send(text="/sukien")
    await resident.send(text="1")
    await resident.send(text="1")
    (participant,) = await rows(tree, event_participants)
    assert participant["cancelled_at"] is None


async def test_events_of_another_commune_are_not_listed(tree: Database) -> None:
    clock = Clock()
    await create_custom_event(await phone_at_menu(tree, clock, ADMIN))
    resident = await phone_at_menu(tree, clock, RESIDENT)
    await resident.send(text="/sukien")
    await resident.send(text="khong co noi nay")
    assert t("events.home.not_found", query="khong co noi nay") in resident.text
    await resident.send(text="luong son")
    assert t("events.list.empty", place="Xã Lương Sơn, Nghệ An") in resident.text
    await resident.send(text="ve menu")
    async with tree.session() as session:
        homes = (await session.execute(select(members.c.home_area_id))).scalars().all()
    assert any(home is not None for home in homes)


async def test_wrong_times_and_places_are_explained_and_asked_again(tree: Database) -> None:
    clock = Clock()
    admin = await phone_at_menu(tree, clock, ADMIN)
    await admin.send(text="/taosukien")
    for answer in ("2", TITLE, "Nội dung hội nghị", "Hội trường xã"):
        await admin.send(text=answer)
    expected = {
        "ngay mai": "events.moment.needs_time",
        "8h": "events.moment.needs_date",
        "8h 20/11/2026": "events.moment.past",
        "sáng nào đó": "events.moment.bad",
    }
    for answer, problem in expected.items():
        await admin.send(text=answer)
        assert admin.text.startswith(t(problem, day="30/11/2026")), answer  # a week ahead
        assert admin.asked("events.new.ask_starts")
    await admin.send(text="8h hôm nay")  # 08:00 today is already past (it is 10:00)
    assert t("events.new.starts_past") in admin.text and admin.asked("events.new.ask_starts")
    await admin.send(text="14h 5/12")
    await admin.send(text="8h 5/12")
    assert t("events.new.ends_before", starts="14:00 05/12/2026") in admin.text
    await admin.send(text="16h 5/12")
    await admin.send(text="Hà Nội")
    assert t("events.new.area_not_found", query="Hà Nội") in admin.text
    await admin.send(text="thon")  # two hamlets: choose one
    last = admin.replies[-1]
    assert isinstance(last, Choices) and len(last.options) == 2
    tay = next(option.id for option in last.options if "Thôn Tây" in option.label)
    await admin.send(option=tay, option_ref="area")
    assert "Thôn Tây" in admin.text
    # Edit before submitting: a new title.
    await admin.send(text="2")
    await admin.send(text="2")
    assert admin.asked("events.new.ask_title")
    await admin.send(text="Tập huấn kỹ năng phòng cháy")
    assert "Tập huấn kỹ năng phòng cháy" in admin.text
    await admin.send(text="1")
    (event,) = await rows(tree, events)
    assert event["title"] == "Tập huấn kỹ năng phòng cháy"
    assert event["starts_at"] == datetime(2026, 12, 5, 7, 0, tzinfo=UTC)


async def test_the_ngay_hoi_template_fills_the_event_and_stays_editable(tree: Database) -> None:
    clock = Clock()
    admin = await phone_at_menu(tree, clock, ADMIN)
    await admin.send(text="/newevent")
    await admin.send(text="1")
    assert admin.asked("events.new.ask_place")
    await admin.send(text="Sân vận động xã")
    await admin.send(option=options(admin)[0], option_ref="area")  # the admin's commune
    summary = admin.text
    assert "Ngày hội toàn dân bảo vệ an ninh Tổ quốc năm 2027" in summary
    assert "08:00 01/07/2027" in summary and "17:00 19/08/2027" in summary
    await admin.send(text="2")  # edit
    await admin.send(option="ends", option_ref="edit")
    await admin.send(text="11h 19/8/2027")
    await admin.send(text="1")
    (event,) = await rows(tree, events)
    assert event["template"] == "ngay_hoi"
    assert event["starts_at"] == datetime(2027, 7, 1, 1, 0, tzinfo=UTC)
    assert event["ends_at"] == datetime(2027, 8, 19, 4, 0, tzinfo=UTC)


async def test_the_list_survives_a_restart(tree: Database) -> None:
    clock = Clock()
    await create_custom_event(await phone_at_menu(tree, clock, ADMIN))
    resident = await phone_at_menu(tree, clock, RESIDENT)
    await resident.send(text="/sukien")
    await resident.send(text="thon dong")
    restarted = Phone(make_processor(tree, clock), user_id=RESIDENT)
    opened = await restarted.processor.open_chat(
        Inbound("telegram", RESIDENT, RESIDENT, text="/start")
    )
    restarted.replies = list(opened.replies)
    assert TITLE in restarted.text
    await restarted.send(text="1")
    await restarted.send(text="1")
    assert len(await rows(tree, event_participants)) == 1


async def test_residents_may_neither_create_events_nor_report_turnout(tree: Database) -> None:
    resident = await phone_at_menu(tree, Clock(), RESIDENT)
    for command in ("/taosukien", "/sochonguoi"):
        await resident.send(text=command)
        assert t("policy.denied") in resident.text
    assert await rows(tree, events) == []


async def test_a_leader_elsewhere_has_no_event_to_report(tree: Database) -> None:
    clock = Clock()
    await create_custom_event(await phone_at_menu(tree, clock, ADMIN))
    await member_with_roles(tree, "5550009", [("leader", "17641")])  # not a hamlet of Đô Lương
    clock.now = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
    other = await phone_at_menu(tree, clock, "5550009")
    await other.send(text="/sochonguoi")
    assert t("events.turnout.none") in other.text


# -- cancelling an event ---------------------------------------------------------------------

OTHER_RESIDENT = "5550004"


async def register_resident(database: Database, clock: Clock, user_id: str, home: str) -> Phone:
    resident = await phone_at_menu(database, clock, user_id)
    await resident.send(text="/sukien")
    await resident.send(text=home)
    await resident.send(text="1")
    await resident.send(text="dang ky")
    when = "08:00 – 11:30 05/12/2026"
    assert t("events.registered", title=TITLE, when=when, place="Nhà văn hoá") in resident.text
    return resident


async def notices(database: Database) -> list[dict[str, object]]:
    return [row for row in await rows(database, outbox) if row["kind"] == NOTICE]


async def cancel_first_event(admin: Phone, reason: str) -> None:
    await admin.send(text="/huysukien")
    assert admin.asked("events.cancel.ask_event") and TITLE in admin.text
    await admin.send(text="1")
    assert admin.asked("events.cancel.ask_reason")
    await admin.send(text=reason)
    assert TITLE in admin.text  # the summary


async def test_an_admin_cancels_an_event_and_its_participants_are_told_once(
    tree: Database,
) -> None:
    clock = Clock()
    admin = await phone_at_menu(tree, clock, ADMIN)
    await create_custom_event(admin)
    going = await register_resident(tree, clock, RESIDENT, "thon dong")
    changed_mind = await register_resident(tree, clock, OTHER_RESIDENT, "thon tay")
    await changed_mind.send(text="/sukien")
    await changed_mind.send(text="1")
    await changed_mind.send(text="huy dang ky")
    (event,) = await rows(tree, events)

    # The day before, the reminder is queued for 09:00; the event is cancelled at 08:00.
    clock.now = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)
    reminders = DeliveryScheduler(tree, rules=[remind_event_participants], clock=clock)
    assert await reminders.tick() == 1

    await admin.send(text="/menu")
    await admin.send(text="/huysukien")
    assert admin.asked("events.cancel.ask_event") and TITLE in admin.text
    await admin.send(text="su kien nao do")  # neither a number nor a button: asked again
    assert admin.asked("events.cancel.ask_event")
    await admin.send(text="1")
    chosen = t(
        "events.cancel.chosen",
        title=TITLE,
        when="08:00 – 11:30 05/12/2026",
        area="Xã Đô Lương, Nghệ An",
        count=1,
    )
    assert chosen in admin.text and admin.asked("events.cancel.ask_reason")
    await admin.send(text="Mưa bão lớn, không bảo đảm an toàn")
    assert "Mưa bão lớn" in admin.text  # the summary, before anything is stored
    explained = t("events.cancel.heading", confirm=t("summary.confirm"), cancel=t("summary.cancel"))
    assert explained in admin.text
    assert (await rows(tree, events))[0]["cancelled_at"] is None
    await admin.send(text="1")  # confirm
    assert (
        t("events.cancel.done", title=TITLE, when="08:00 – 11:30 05/12/2026", count=1) in admin.text
    )
    (event,) = await rows(tree, events)
    assert event["cancelled_at"] == clock.now

    going_id = await member_with_roles(tree, RESIDENT)
    (notice,) = await notices(tree)
    assert notice["member_id"] == going_id
    assert notice["dedup_key"] == f"event:{event['id']}:cancelled:member:{going_id}"
    assert notice["message_key"] == "events.cancelled.notice_reason"
    params = notice["params"]
    assert isinstance(params, dict)
    assert params == {
        "title": TITLE,
        "starts": "08:00 05/12/2026",
        "reason": "Mưa bão lớn, không bảo đảm an toàn",
    }
    for locale in ("vi", "en"):
        shown = t("events.cancelled.notice_reason", locale, **params)
        assert TITLE in shown and "08:00 05/12/2026" in shown and "Mưa bão lớn" in shown
    # The reminder queued for 09:00 is withdrawn and none is queued again.
    reminder_rows = [row for row in await rows(tree, outbox) if row["kind"] == REMINDER]
    assert [row["status"] for row in reminder_rows] == [CANCELLED]
    assert await reminders.tick() == 0

    # The event is gone from the residents' list and from the admin's.
    await going.send(text="/sukien")
    assert TITLE not in going.text
    await admin.send(text="/cancelevent")
    assert t("events.cancel.none") in admin.text


async def test_two_admins_cancelling_at_once_tell_the_participants_once(tree: Database) -> None:
    clock = Clock()
    await member_with_roles(tree, "5550005", [("admin", "40")])  # the province's admin
    first = await phone_at_menu(tree, clock, ADMIN)
    await create_custom_event(first)
    await register_resident(tree, clock, RESIDENT, "thon dong")
    second = await phone_at_menu(tree, clock, "5550005")
    await cancel_first_event(first, "khong")
    await cancel_first_event(second, "Trùng lịch họp")
    await first.send(text="1")
    await second.send(text="1")
    assert t("events.gone") in second.text
    (notice,) = await notices(tree)
    # No reason was given: the notice says so without a "Reason:" line.
    assert notice["message_key"] == "events.cancelled.notice"
    assert notice["params"] == {"title": TITLE, "starts": "08:00 05/12/2026"}


async def test_a_leader_or_an_admin_of_another_commune_cannot_cancel(tree: Database) -> None:
    clock = Clock()
    await create_custom_event(await phone_at_menu(tree, clock, ADMIN))
    await register_resident(tree, clock, RESIDENT, "thon dong")
    leader = await phone_at_menu(tree, clock, LEADER)
    await leader.send(text="/huysukien")
    assert t("policy.denied") in leader.text
    await member_with_roles(tree, "5550009", [("admin", "17641")])  # Lương Sơn, not Đô Lương
    elsewhere = await phone_at_menu(tree, clock, "5550009")
    await elsewhere.send(text="/cancelevent")
    assert t("events.cancel.none") in elsewhere.text
    (event,) = await rows(tree, events)
    assert event["cancelled_at"] is None and await notices(tree) == []


async def test_an_admin_whose_role_went_meanwhile_cancels_nothing(tree: Database) -> None:
    clock = Clock()
    admin = await phone_at_menu(tree, clock, ADMIN)
    await create_custom_event(admin)
    await cancel_first_event(admin, "khong")
    async with tree.transaction() as session:
        await session.execute(member_roles.delete().where(member_roles.c.role == "admin"))
    await admin.send(text="1")
    assert t("policy.denied") in admin.text
    (event,) = await rows(tree, events)
    assert event["cancelled_at"] is None


@pytest.mark.parametrize(("role", "area_code"), [("leader", "17662-001"), ("admin", "17641")])
async def test_the_handler_refuses_a_stale_cancellation(
    tree: Database, role: str, area_code: str
) -> None:
    """A cancellation that reaches the handler anyway (an old conversation) is refused."""
    clock = Clock()
    await create_custom_event(await phone_at_menu(tree, clock, ADMIN))
    (event,) = await rows(tree, events)
    admin_id = await member_with_roles(tree, ADMIN)
    async with tree.transaction() as session:
        area = await area_by_code(session, area_code)
        assert area is not None
        admin = Member(id=admin_id, locale="vi", roles=(Grant(0, Role(role), place_of(area)),))
        cancel = CancelEvent(int(event["id"]), "")
        with pytest.raises(PolicyViolation):
            await apply_effect(session, admin, None, cancel, clock.now)
    (event,) = await rows(tree, events)
    assert event["cancelled_at"] is None


async def test_cancel_at_the_summary_keeps_the_event(tree: Database) -> None:
    clock = Clock()
    admin = await phone_at_menu(tree, clock, ADMIN)
    await create_custom_event(admin)
    await register_resident(tree, clock, RESIDENT, "thon dong")
    await cancel_first_event(admin, "khong")
    await admin.send(text="huy")  # the summary's "Huỷ": drop this conversation, not the event
    await admin.send(text="1")  # yes, discard the draft
    (event,) = await rows(tree, events)
    assert event["cancelled_at"] is None and await notices(tree) == []


@pytest.mark.parametrize(("language", "locale"), [("1", "vi"), ("2", "en")])
async def test_the_list_shows_each_event_once_and_every_number_is_the_line_shown(
    tree: Database, language: str, locale: str
) -> None:
    clock = Clock()
    await create_custom_event(await phone_at_menu(tree, clock, ADMIN))
    resident = Phone(make_processor(tree, clock), user_id=RESIDENT)
    await resident.send(text="/start")
    await resident.send(text=language)
    await resident.send(text="/events")
    await resident.send(text="1")  # agrees to the privacy notice
    await resident.send(text="thon dong")
    shown = render(resident.replies[-1])
    assert shown.count(TITLE) == 1 and "1. 1." not in shown
    assert f"  1. {TITLE}" in shown
    assert f"  2. {t('events.option.change_place', locale)}" in shown
    assert f"  3. {t('events.option.close', locale)}" in shown
    await resident.send(text="2")  # change where I live
    assert t("events.ask.home", locale) in resident.replies[-1].text
    await resident.send(text="thon dong")
    await resident.send(text="3")  # back to the menu
    assert t("menu.prompt", locale) in resident.replies[-1].text
    assert t("input.choose_option", locale, count=3) not in resident.text
