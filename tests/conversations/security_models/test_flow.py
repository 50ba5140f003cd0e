"""Self-managed security models in memory: register one, log its activity, list the models
with their last activity, end a "paper" model; wrong answers are asked again
(tests/bot/security_models runs the same flows on the database)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from conversations.places import Place
from conversations.policy import Grant, PolicyViolation, Role
from conversations.replies import Choices
from conversations.security_models import EndModel, LogModelActivity, RegisterModel
from tests.conversations.harness import START, User, new_chat, places, t, user_at_menu
from tests.memory import MemoryChat

ADMIN = "7100001"  # admin of Xã Đô Lương
LEADER = "7200001"  # leader of Thôn Đông
OTHER_LEADER = "7200002"  # leader of Thôn Tây
MODEL_LEAD = "7300001"  # model lead of the whole commune
OUTCOME = "Tuần tra đêm 3 tuyến đường, nhắc 12 hộ khoá cửa, không phát hiện vụ việc."
SEEDED = datetime(2026, 1, 5, tzinfo=UTC)


def commune() -> tuple[MemoryChat, dict[str, Place]]:
    chat = new_chat()
    where = places(chat)
    where["17662-002"] = chat.records.add_place("17662-002", "Thôn Tây", "thon", where["17662"])
    chat.grant(ADMIN, Grant(0, Role.ADMIN, where["17662"]))
    chat.grant(LEADER, Grant(0, Role.LEADER, where["17662-001"]))
    chat.grant(OTHER_LEADER, Grant(0, Role.LEADER, where["17662-002"]))
    chat.grant(MODEL_LEAD, Grant(0, Role.MODEL_LEAD, where["17662"]))
    return chat, where


def seed(chat: MemoryChat, name: str, area: Place, kind: str = "fire_group") -> int:
    return chat.records.security_models.add(name, area, kind, now=SEEDED).id


def labels(user: User) -> list[str]:
    last = user.question
    return [option.label for option in last.options] if isinstance(last, Choices) else []


# -- registering ----------------------------------------------------------------------------------


async def test_a_leader_registers_a_model_of_their_area() -> None:
    chat, where = commune()
    user = await user_at_menu(chat, LEADER)
    await user.say("/mohinh")
    assert user.asked("models.ask.name")
    await user.say("Tổ liên gia  an toàn PCCC xóm 3")
    assert user.asked("models.ask.kind")
    await user.say("lien gia")
    assert user.asked("models.ask.area")
    assert labels(user) == ["Thôn Đông, Xã Đô Lương"]
    await user.say("1")
    assert user.asked("models.ask.lead")
    await user.say("khong")
    assert t("models.lead.none") in user.text  # in the summary
    assert chat.records.security_models.models == {}  # nothing before the confirmation
    await user.say("1")

    assert user.said(
        "models.register.done",
        name="Tổ liên gia an toàn PCCC xóm 3",
        kind=t("models.kind.fire_group"),
        place="Thôn Đông, Xã Đô Lương",
    )
    (model,) = chat.records.security_models.models.values()
    assert (model.name, model.kind, model.area, model.lead_name, model.ended_at) == (
        "Tổ liên gia an toàn PCCC xóm 3",
        "fire_group",
        where["17662-001"],
        None,
        None,
    )
    assert model.created_by == chat.member(LEADER).id


async def test_wrong_answers_while_registering_are_asked_again() -> None:
    chat, _ = commune()
    user = await user_at_menu(chat, LEADER)
    await user.say("/mohinh")
    await user.say("ab")
    assert user.said("input.too_short", minimum=3) and user.asked("models.ask.name")
    await user.say("Dòng họ Nguyễn tự quản")
    await user.say("an toan")  # several kinds start so: ask again
    assert user.said("input.choose_option", count=18) and user.asked("models.ask.kind")
    await user.say("dong ho")
    await user.say("7")
    assert user.said("input.choose_option", count=1) and user.asked("models.ask.area")
    await user.say("1")
    await user.say("Nguyễn Văn Bình")
    await user.say("1")
    (model,) = chat.records.security_models.models.values()
    assert (model.kind, model.lead_name) == ("clan", "Nguyễn Văn Bình")


async def test_an_admin_finds_the_area_by_name_among_namesakes() -> None:
    chat, where = commune()
    user = await user_at_menu(chat, ADMIN)
    await user.say("/newmodel")
    await user.say("Camera an ninh thôn Tây")
    await user.say("camera")
    await user.say("thon bac")  # in another commune: not the admin's
    assert user.said("models.area.not_found", query="thon bac")
    await user.say("thon")
    assert user.said("models.area.which")
    offered = labels(user)
    assert sorted(offered) == ["Thôn Tây, Xã Đô Lương", "Thôn Đông, Xã Đô Lương"]
    await user.say(str(offered.index("Thôn Tây, Xã Đô Lương") + 1))
    await user.say("Nguyễn Văn An")
    await user.say("gui")
    (model,) = chat.records.security_models.models.values()
    assert (model.area, model.kind, model.lead_name) == (
        where["17662-002"],
        "camera",
        "Nguyễn Văn An",
    )


async def test_the_same_model_is_not_registered_twice() -> None:
    chat, where = commune()
    seed(chat, "Camera an ninh", where["17662-001"], kind="camera")
    user = await user_at_menu(chat, LEADER)
    await user.say("/mohinh")
    for answer in ("camera  an ninh", "camera", "1", "khong", "1"):
        await user.say(answer)
    assert user.said(
        "models.register.duplicate", name="Camera an ninh", place="Thôn Đông, Xã Đô Lương"
    )
    assert len(chat.records.security_models.models) == 1


async def test_residents_and_officers_cannot_register_models() -> None:
    chat, where = commune()
    officer = "7400001"
    chat.grant(officer, Grant(0, Role.OFFICER, where["17662"]))
    for user_id in ("7999999", officer):
        user = await user_at_menu(chat, user_id)
        await user.say("/mohinh")
        assert user.said("policy.denied")
    assert chat.records.security_models.models == {}


# -- logging an activity --------------------------------------------------------------------------


async def test_a_leader_logs_an_activity_with_a_photo() -> None:
    chat, where = commune()
    model_id = seed(chat, "Tổ liên gia xóm 3", where["17662-001"])
    seed(chat, "Camera an ninh thôn Tây", where["17662-002"])  # not the leader's
    user = await user_at_menu(chat, LEADER)
    await user.say("/hoatdong")
    assert user.asked("models.ask.model")
    await user.say("1")  # the list: the leader's area has a single model
    assert user.said("models.pick.chosen", name="Tổ liên gia xóm 3")
    await user.say("hom qua")
    await user.say("tuan tra")
    await user.say("12")
    await user.say(OUTCOME)
    assert user.asked("models.ask.photos")
    await user.send_file("video")
    assert user.said("models.photos.only_photos")
    await user.send_file("photo")
    await user.say("xong")
    assert user.question_ref == "summary"
    await user.say("1")

    assert user.said(
        "models.activity.done",
        kind=t("models.activity.patrol"),
        date="22/11/2026",
        name="Tổ liên gia xóm 3",
    )
    (activity,) = chat.records.security_models.activities
    assert (activity.model_id, activity.activity_date, activity.kind) == (
        model_id,
        date(2026, 11, 22),
        "patrol",
    )
    assert (activity.participants, activity.outcome) == (12, OUTCOME)
    assert [photo["file_id"] for photo in activity.photos] == ["file-photo-1"]
    assert activity.logged_by == chat.member(LEADER).id


async def test_wrong_dates_numbers_and_outcomes_are_asked_again() -> None:
    chat, where = commune()
    seed(chat, "Tổ liên gia xóm 3", where["17662-001"])
    user = await user_at_menu(chat, LEADER)
    await user.say("/activity")
    await user.say("lien gia")  # part of the name, without accents
    assert user.asked("models.ask.date")
    await user.say("25/12/2026")
    assert user.said("input.date_future") and user.asked("models.ask.date")
    await user.say("20/11/2026")
    await user.say("9")
    assert user.said("input.choose_option", count=6) and user.asked("models.ask.activity_kind")
    await user.say("hoa giai")
    await user.say("0")
    assert user.said("input.number_too_small", minimum=1)
    await user.say("không biết")
    assert user.said("input.not_a_number") and user.asked("models.ask.participants")
    await user.say("7")
    await user.say("ok")
    assert user.said("input.too_short", minimum=5) and user.asked("models.ask.outcome")
    await user.say("Hoà giải xong tranh chấp ranh giới đất giữa hai hộ.")
    await user.say("bo qua")
    await user.say("1")
    (activity,) = chat.records.security_models.activities
    assert (activity.activity_date, activity.kind, activity.participants, activity.photos) == (
        date(2026, 11, 20),
        "mediation",
        7,
        (),
    )


async def test_who_may_log_for_which_model() -> None:
    chat, where = commune()
    seed(chat, "Tổ liên gia xóm 3", where["17662-001"])
    seed(chat, "Camera an ninh thôn Tây", where["17662-002"])
    seed(chat, "Dòng họ Hồ tự quản", where["17641-001"])  # another commune
    lead = await user_at_menu(chat, MODEL_LEAD)
    await lead.say("/hoatdong")
    await lead.say("1")
    assert lead.said("models.pick.which")
    assert labels(lead) == [
        "Camera an ninh thôn Tây — Thôn Tây, Xã Đô Lương",
        "Tổ liên gia xóm 3 — Thôn Đông, Xã Đô Lương",
    ]
    west = await user_at_menu(chat, OTHER_LEADER)
    await west.say("/hoatdong")
    await west.say("lien gia")
    assert west.said("models.pick.not_found", query="lien gia")
    assert west.asked("models.ask.model")
    admin = await user_at_menu(chat, ADMIN)
    await admin.say("/hoatdong")
    assert admin.said("policy.denied")


async def test_the_effects_ask_the_policy_again() -> None:
    chat, where = commune()
    model_id = seed(chat, "Tổ liên gia xóm 3", where["17662-001"])
    stranger = chat.member("7999999")
    effects = (
        RegisterModel("Camera", "camera", where["17662-001"].id, None),
        LogModelActivity(model_id, date(2026, 11, 22), "patrol", 3, OUTCOME),
        EndModel(model_id),
    )
    for effect in effects:
        with pytest.raises(PolicyViolation):
            chat._apply("7999999", stranger, effect, START)
    assert len(chat.records.security_models.models) == 1
    assert chat.records.security_models.activities == []
    assert chat.records.security_models.models[model_id].ended_at is None


# -- listing and ending ---------------------------------------------------------------------------


async def test_the_list_shows_each_models_last_activity_and_quiet_ones() -> None:
    chat, where = commune()
    seed(chat, "Tổ liên gia xóm 3", where["17662-001"])
    seed(chat, "Camera an ninh thôn Tây", where["17662-002"], kind="camera")
    leader = await user_at_menu(chat, LEADER)
    await leader.say("/hoatdong")
    for answer in ("1", "hom qua", "tuan tra", "12", OUTCOME, "xong", "1"):
        await leader.say(answer)
    assert len(chat.records.security_models.activities) == 1

    admin = await user_at_menu(chat, ADMIN)
    await admin.say("/dsmohinh")
    assert admin.asked("models.ask.filter")
    await admin.say("tat ca")
    listed = admin.text
    assert t("models.list.title", count=2) in listed
    assert t("models.list.last_activity", date="22/11/2026", count=1) in listed
    assert t("models.list.no_activity") in listed
    assert listed.count(t("models.list.quiet")) == 1
    assert listed.index("Camera an ninh thôn Tây") < listed.index("Tổ liên gia xóm 3")

    await leader.say("/models")
    await leader.say("camera")
    assert leader.said("models.list.empty")  # Thôn Tây's model is not the leader's


async def test_an_admin_ends_a_paper_model_and_it_leaves_the_lists() -> None:
    chat, where = commune()
    model_id = seed(chat, "Camera an ninh thôn Tây", where["17662-002"], kind="camera")
    seed(chat, "Tổ liên gia xóm 3", where["17662-001"])
    admin = await user_at_menu(chat, ADMIN)
    await admin.say("/ketthucmohinh")
    assert admin.asked("models.ask.model_to_end")
    await admin.say("camera")
    assert admin.said("models.pick.chosen", name="Camera an ninh thôn Tây")
    assert chat.records.security_models.models[model_id].ended_at is None
    await admin.say("1")
    assert admin.said(
        "models.end.done", name="Camera an ninh thôn Tây", place="Thôn Tây, Xã Đô Lương"
    )
    assert chat.records.security_models.models[model_id].ended_at == START

    await admin.say("/dsmohinh")
    await admin.say("tat ca")
    assert t("models.list.title", count=1) in admin.text
    assert "Camera an ninh thôn Tây" not in admin.text
    await admin.say("/ketthucmohinh")
    await admin.say("camera")
    assert admin.said("models.pick.not_found", query="camera")


async def test_leaders_cannot_end_models() -> None:
    chat, where = commune()
    model_id = seed(chat, "Tổ liên gia xóm 3", where["17662-001"])
    leader = await user_at_menu(chat, LEADER)
    await leader.say("/ketthucmohinh")
    assert leader.said("policy.denied")
    assert chat.records.security_models.models[model_id].ended_at is None
