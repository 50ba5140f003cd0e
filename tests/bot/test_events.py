"""Events through the processor and the database: created, joined, cancelled, turnout reported."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from conversations.parsing import fold
from conversations.replies import Choices, Inbound
from storage._sql import event_participants, events, members
from storage.areas import NewArea, area_by_code, insert_areas
from storage.database import Database
from storage.members import find_or_create_member
from storage.roles import grant_role
from tests.bot.test_processor import Phone, make_processor
from tests.bot.test_roles_processor import at_menu, rows
from tests.conversations.scripted import Clock, t

TREE = [
    NewArea("40", "Nghệ An", fold("Nghệ An"), "province", None),
    NewArea("17662", "Xã Đô Lương", fold("Xã Đô Lương"), "commune", "40"),
    NewArea("17662-001", "Thôn Đông", fold("Thôn Đông"), "thon", "17662"),
    NewArea("17662-002", "Thôn Tây", fold("Thôn Tây"), "thon", "17662"),
    NewArea("17641", "Xã Lương Sơn", fold("Xã Lương Sơn"), "commune", "40"),
]
ADMIN = "5550001"
LEADER = "5550002"
RESIDENT = "5550003"
TITLE = "Hội nghị Công an lắng nghe ý kiến Nhân dân"


async def _staff(database: Database, user_id: str, role: str, area_code: str) -> None:
    async with database.transaction() as session:
        member = await find_or_create_member(
            session,
            channel="telegram",
            platform_user_id=user_id,
            chat_id=user_id,
            display_name=None,
        )
        area = await area_by_code(session, area_code)
        assert area is not None
        await grant_role(session, member_id=member.id, role=role, area_id=area.id, granted_by=None)


@pytest.fixture
async def tree(database: Database) -> Database:
    async with database.transaction() as session:
        await insert_areas(session, TREE)
    await _staff(database, ADMIN, "admin", "17662")
    await _staff(database, LEADER, "leader", "17662-001")
    return database


def options(phone: Phone) -> list[str]:
    last = phone.replies[-1]
    return [option.id for option in last.options] if isinstance(last, Choices) else []


async def phone_at_menu(database: Database, clock: Clock, user_id: str) -> Phone:
    phone = Phone(make_processor(database, clock), user_id=user_id)
    await at_menu(phone)
    return phone


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
        assert admin.text.startswith(t(problem)), answer
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
    restarted.replies = await restarted.processor.open_chat(
        Inbound("telegram", RESIDENT, RESIDENT, text="/start")
    )
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
    await _staff(tree, "5550009", "leader", "17641")  # not a hamlet of Đô Lương
    clock.now = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
    other = await phone_at_menu(tree, clock, "5550009")
    await other.send(text="/sochonguoi")
    assert t("events.turnout.none") in other.text
