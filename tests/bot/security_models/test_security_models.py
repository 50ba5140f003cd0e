"""Self-managed security models through the processor and the database: register one, log
its activities, list them, end a "paper" model; with wrong answers, corrections and a restart
half way."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from conversations.policy import PolicyViolation
from conversations.ports import Member
from conversations.replies import Choices, MediaItem
from conversations.security_models import LogModelActivity
from storage._sql import model_activities, security_models
from storage.areas import area_by_code
from storage.database import Database
from storage.security_models import NewSecurityModel, insert_security_model
from tests.bot.harness import (
    THON_TAY,
    Phone,
    after_restart,
    apply_effect,
    member_with_roles,
    phone_at_menu,
    place,
    rows,
    tree_with_roles,
)
from tests.bot.harness import TREE as BOT_TREE
from tests.conversations.harness import Clock, t

TREE = [*BOT_TREE, THON_TAY, place("17641-001", "Thôn Đông Bắc", "thon", "17641")]
ADMIN = "7100001"  # admin of Xã Đô Lương
LEADER = "7200001"  # leader of Thôn Đông
OTHER_LEADER = "7200002"  # leader of Thôn Tây
MODEL_LEAD = "7300001"  # model lead of the whole commune
ROLES = [
    (ADMIN, "admin", "17662"),
    (LEADER, "leader", "17662-001"),
    (OTHER_LEADER, "leader", "17662-002"),
    (MODEL_LEAD, "model_lead", "17662"),
]
OUTCOME = "Tuần tra đêm 3 tuyến đường, nhắc 12 hộ khoá cửa, không phát hiện vụ việc."
YESTERDAY = date(2026, 11, 22)  # the scripted clock is 10:00 on 23/11/2026 in Vietnam


async def _model(database: Database, name: str, code: str, kind: str = "fire_group") -> int:
    async with database.transaction() as session:
        area = await area_by_code(session, code)
        assert area is not None
        return await insert_security_model(
            session,
            NewSecurityModel(name, kind, area.id, None, None, None),
            now=datetime(2026, 1, 5, tzinfo=UTC),
        )


@pytest.fixture
async def commune(database: Database) -> Database:
    return await tree_with_roles(database, TREE, *ROLES)


async def _phone(database: Database, user_id: str, clock: Clock | None = None) -> Phone:
    return await phone_at_menu(database, clock or Clock(), user_id)


def _options(phone: Phone) -> list[str]:
    last = phone.replies[-1]
    return [option.label for option in last.options] if isinstance(last, Choices) else []


# -- registering ----------------------------------------------------------------------------------


async def test_a_leader_registers_a_model_of_their_area(commune: Database) -> None:
    phone = await _phone(commune, LEADER)
    await phone.send(text="/mohinh")
    assert phone.asked("models.ask.name")
    await phone.send(text="Tổ liên gia an toàn PCCC xóm 3")
    assert phone.asked("models.ask.kind")
    await phone.send(text="lien gia")
    assert phone.asked("models.ask.area")
    assert _options(phone) == ["Thôn Đông, Xã Đô Lương"]
    await phone.send(text="1")
    assert phone.asked("models.ask.lead")
    await phone.send(text="khong")
    assert t("models.lead.none") in phone.text  # in the summary
    await phone.send(text="1")

    assert (
        t(
            "models.register.done",
            name="Tổ liên gia an toàn PCCC xóm 3",
            kind=t("models.kind.fire_group"),
            place="Thôn Đông, Xã Đô Lương",
        )
        in phone.text
    )
    (model,) = await rows(commune, security_models)
    assert (model["name"], model["kind"], model["lead_name"], model["ended_at"]) == (
        "Tổ liên gia an toàn PCCC xóm 3",
        "fire_group",
        None,
        None,
    )
    assert model["created_by"] is not None


async def test_an_admin_finds_the_area_by_name_and_picks_among_namesakes(
    commune: Database,
) -> None:
    phone = await _phone(commune, ADMIN)
    await phone.send(text="/newmodel")
    await phone.send(text="Camera an ninh thôn Tây")
    await phone.send(text="camera")
    await phone.send(text="dong bac")  # in another commune: not the admin's
    assert t("models.area.not_found", query="dong bac") in phone.text
    assert phone.asked("models.ask.area")
    await phone.send(text="thon")
    assert t("models.area.which") in phone.text
    offered = _options(phone)
    assert sorted(offered) == ["Thôn Tây, Xã Đô Lương", "Thôn Đông, Xã Đô Lương"]
    await phone.send(text=str(offered.index("Thôn Tây, Xã Đô Lương") + 1))
    await phone.send(text="Nguyễn Văn An")
    await phone.send(text="gui")

    (model,) = await rows(commune, security_models)
    async with commune.transaction() as session:
        west = await area_by_code(session, "17662-002")
    assert west is not None
    assert (model["area_id"], model["kind"], model["lead_name"]) == (
        west.id,
        "camera",
        "Nguyễn Văn An",
    )


async def test_wrong_answers_while_registering_are_explained(commune: Database) -> None:
    phone = await _phone(commune, LEADER)
    await phone.send(text="/mohinh")
    await phone.send(text="ab")
    assert t("input.too_short", minimum=3) in phone.text
    await phone.send(text="Dòng họ Nguyễn tự quản")
    await phone.send(text="an toan")  # several kinds start so: ask again
    assert t("input.choose_option", count=18) in phone.text
    await phone.send(text="dong ho")
    await phone.send(text="7")
    assert t("input.choose_option", count=1) in phone.text
    await phone.send(text="1")
    await phone.send(text="Nguyễn Văn Bình")
    await phone.send(text="1")
    (model,) = await rows(commune, security_models)
    assert (model["kind"], model["lead_name"]) == ("clan", "Nguyễn Văn Bình")


async def test_the_kind_can_be_corrected_before_registering(commune: Database) -> None:
    phone = await _phone(commune, LEADER)
    await phone.send(text="/mohinh")
    for answer in ("Hòm thư tố giác thôn Đông", "camera", "1", "khong"):
        await phone.send(text=answer)
    await phone.send(text="sua")
    await phone.send(text="2")  # the kind
    assert phone.asked("models.ask.kind")
    await phone.send(text="hom thu")
    assert t("models.kind.tip_box") in phone.text  # the summary again
    assert await rows(commune, security_models) == []
    await phone.send(text="1")
    (model,) = await rows(commune, security_models)
    assert model["kind"] == "tip_box"


async def test_the_same_model_is_not_registered_twice(commune: Database) -> None:
    await _model(commune, "Camera an ninh", "17662-001", kind="camera")
    phone = await _phone(commune, LEADER)
    await phone.send(text="/mohinh")
    for answer in ("camera  an ninh", "camera", "1", "khong", "1"):
        await phone.send(text=answer)
    assert (
        t("models.register.duplicate", name="Camera an ninh", place="Thôn Đông, Xã Đô Lương")
        in phone.text
    )
    assert len(await rows(commune, security_models)) == 1


async def test_residents_and_officers_cannot_register_models(commune: Database) -> None:
    officer = "7400001"
    await member_with_roles(commune, officer, [("officer", "17662")])
    for user_id in ("7999999", officer):
        phone = await _phone(commune, user_id)
        await phone.send(text="/mohinh")
        assert t("policy.denied") in phone.text
    assert await rows(commune, security_models) == []


# -- logging an activity --------------------------------------------------------------------------


async def _log_up_to_photos(phone: Phone) -> None:
    await phone.send(text="/hoatdong")
    assert phone.asked("models.ask.model")
    await phone.send(text="1")  # the list; the leader's area has a single model
    assert t("models.pick.chosen", name="Tổ liên gia xóm 3") in phone.text
    assert phone.asked("models.ask.date")
    await phone.send(text="hom qua")
    await phone.send(text="tuan tra")
    await phone.send(text="12")
    await phone.send(text=OUTCOME)
    assert phone.asked("models.ask.photos")


async def test_a_leader_logs_an_activity_with_photos(commune: Database) -> None:
    model_id = await _model(commune, "Tổ liên gia xóm 3", "17662-001")
    await _model(commune, "Camera an ninh thôn Tây", "17662-002")  # not the leader's
    phone = await _phone(commune, LEADER)
    await _log_up_to_photos(phone)
    await phone.send(media=MediaItem("photo", "AgACAgUAAx-1", size_bytes=2048))
    assert t("input.attachment_received", count=1, maximum=5) in phone.text
    await phone.send(media=MediaItem("video", "BAACAgUAAx", size_bytes=4096))
    assert t("models.photos.only_photos") in phone.text
    await phone.send(text="khong biet")
    assert t("models.photos.only_photos") in phone.text
    await phone.send(media=MediaItem("photo", "AgACAgUAAx-2", size_bytes=2048))
    await phone.send(text="xong")
    assert phone.replies[-1].ref == "summary"  # type: ignore[union-attr]
    await phone.send(text="1")

    assert (
        t(
            "models.activity.done",
            kind=t("models.activity.patrol"),
            date="22/11/2026",
            name="Tổ liên gia xóm 3",
        )
        in phone.text
    )
    (activity,) = await rows(commune, model_activities)
    assert activity["model_id"] == model_id
    assert activity["activity_date"] == YESTERDAY
    assert (activity["kind"], activity["participants"], activity["outcome"]) == (
        "patrol",
        12,
        OUTCOME,
    )
    assert [(p["channel"], p["file_id"]) for p in activity["photos"]] == [
        ("telegram", "AgACAgUAAx-1"),
        ("telegram", "AgACAgUAAx-2"),
    ]


async def test_wrong_dates_numbers_and_outcomes_are_asked_again(commune: Database) -> None:
    await _model(commune, "Tổ liên gia xóm 3", "17662-001")
    phone = await _phone(commune, LEADER)
    await phone.send(text="/activity")
    await phone.send(text="lien gia")  # part of the name, without accents
    assert phone.asked("models.ask.date")
    await phone.send(text="25/12/2026")
    assert t("input.date_future") in phone.text
    await phone.send(text="ngay mai kia")
    assert t("input.bad_date") in phone.text
    await phone.send(text="20/11/2026")
    await phone.send(text="9")
    assert t("input.choose_option", count=6) in phone.text
    await phone.send(text="hoa giai")
    await phone.send(text="0")
    assert t("input.number_too_small", minimum=1) in phone.text
    await phone.send(text="không biết")
    assert t("input.not_a_number") in phone.text
    await phone.send(text="7")
    await phone.send(text="ok")
    assert t("input.too_short", minimum=5) in phone.text
    await phone.send(text="Hoà giải xong tranh chấp ranh giới đất giữa hai hộ.")
    await phone.send(text="bo qua")
    await phone.send(text="1")
    (activity,) = await rows(commune, model_activities)
    assert activity["activity_date"] == date(2026, 11, 20)
    assert (activity["kind"], activity["participants"], activity["photos"]) == (
        "mediation",
        7,
        [],
    )


async def test_the_participants_can_be_corrected_before_saving(commune: Database) -> None:
    await _model(commune, "Tổ liên gia xóm 3", "17662-001")
    phone = await _phone(commune, LEADER)
    await _log_up_to_photos(phone)
    await phone.send(text="bo qua")
    await phone.send(text="sua")
    await phone.send(text="4")  # participants
    assert phone.asked("models.ask.participants")
    await phone.send(text="15")
    assert phone.replies[-1].ref == "summary"  # type: ignore[union-attr]
    await phone.send(text="1")
    (activity,) = await rows(commune, model_activities)
    assert activity["participants"] == 15 and activity["outcome"] == OUTCOME


async def test_an_activity_log_survives_a_restart(commune: Database) -> None:
    await _model(commune, "Tổ liên gia xóm 3", "17662-001")
    clock = Clock()
    phone = await _phone(commune, LEADER, clock)
    await phone.send(text="/hoatdong")
    await phone.send(text="1")
    await phone.send(text="hom nay")
    await phone.send(text="hop")
    clock.advance(hours=2)
    restarted = await after_restart(commune, clock, LEADER)
    assert restarted.asked("models.ask.participants")
    for answer in ("30", OUTCOME, "xong", "1"):
        await restarted.send(text=answer)
    (activity,) = await rows(commune, model_activities)
    assert (activity["activity_date"], activity["kind"], activity["participants"]) == (
        date(2026, 11, 23),
        "meeting",
        30,
    )


async def test_who_may_log_for_which_model(commune: Database) -> None:
    await _model(commune, "Tổ liên gia xóm 3", "17662-001")
    await _model(commune, "Camera an ninh thôn Tây", "17662-002")
    await _model(commune, "Dòng họ Hồ tự quản", "17641-001")  # another commune
    # A model lead of the commune sees both of its models.
    lead = await _phone(commune, MODEL_LEAD)
    await lead.send(text="/hoatdong")
    await lead.send(text="1")
    assert t("models.pick.which") in lead.text
    assert _options(lead) == [
        "Camera an ninh thôn Tây — Thôn Tây, Xã Đô Lương",
        "Tổ liên gia xóm 3 — Thôn Đông, Xã Đô Lương",
    ]
    # The leader of Thôn Tây does not find Thôn Đông's model.
    west = await _phone(commune, OTHER_LEADER)
    await west.send(text="/hoatdong")
    await west.send(text="lien gia")
    assert t("models.pick.not_found", query="lien gia") in west.text
    assert west.asked("models.ask.model")
    # A member whose role is neither cannot start.
    admin = await _phone(commune, ADMIN)
    await admin.send(text="/hoatdong")
    assert t("policy.denied") in admin.text


async def test_a_leader_without_models_is_told_so(commune: Database) -> None:
    phone = await _phone(commune, LEADER)
    await phone.send(text="/hoatdong")
    await phone.send(text="1")
    assert t("models.pick.none") in phone.text
    assert phone.asked("models.ask.model")


async def test_the_handler_refuses_a_member_who_does_not_run_the_model(
    commune: Database,
) -> None:
    model_id = await _model(commune, "Tổ liên gia xóm 3", "17662-001")
    effect = LogModelActivity(model_id, YESTERDAY, "patrol", 3, OUTCOME)
    now = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    async with commune.transaction() as session:
        with pytest.raises(PolicyViolation):
            await apply_effect(session, Member(id=1, locale="vi", roles=()), None, effect, now)


# -- listing and ending ---------------------------------------------------------------------------


async def test_the_list_shows_each_models_last_activity_and_quiet_ones(
    commune: Database,
) -> None:
    await _model(commune, "Tổ liên gia xóm 3", "17662-001")
    await _model(commune, "Camera an ninh thôn Tây", "17662-002", kind="camera")
    leader = await _phone(commune, LEADER)
    await leader.send(text="/hoatdong")
    for answer in ("1", "hom qua", "tuan tra", "12", OUTCOME, "xong", "1"):
        await leader.send(text=answer)

    admin = await _phone(commune, ADMIN)
    await admin.send(text="/dsmohinh")
    assert admin.asked("models.ask.filter")
    await admin.send(text="tat ca")
    listed = admin.text
    assert t("models.list.title", count=2) in listed
    assert t("models.list.last_activity", date="22/11/2026", count=1) in listed
    assert t("models.list.no_activity") in listed
    assert listed.count(t("models.list.quiet")) == 1
    assert listed.index("Camera an ninh thôn Tây") < listed.index("Tổ liên gia xóm 3")

    await leader.send(text="/models")
    await leader.send(text="camera")
    assert t("models.list.empty") in leader.text  # Thôn Tây's model is not the leader's


async def test_an_admin_ends_a_paper_model(commune: Database) -> None:
    await _model(commune, "Tổ liên gia xóm 3", "17662-001")
    admin = await _phone(commune, ADMIN)
    await admin.send(text="/ketthucmohinh")
    await admin.send(text="lien gia")
    assert admin.replies[-1].ref == "summary"  # type: ignore[union-attr]
    await admin.send(text="1")
    assert t("models.end.done", name="Tổ liên gia xóm 3", place="Thôn Đông, Xã Đô Lương") in (
        admin.text
    )
    (model,) = await rows(commune, security_models)
    assert model["ended_at"] is not None

    leader = await _phone(commune, LEADER)
    await leader.send(text="/hoatdong")
    await leader.send(text="1")
    assert t("models.pick.none") in leader.text
    await leader.send(text="/ketthucmohinh")
    assert t("policy.denied") in leader.text
