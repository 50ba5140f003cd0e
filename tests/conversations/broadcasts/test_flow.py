"""Admin broadcasts in memory: the reach of an audience, creating a broadcast, the admin's
list and cancelling one (tests/bot/broadcasts runs them on the database, with the sender)."""

from __future__ import annotations

import pytest

from conversations.broadcasts import CANCELLED, CHANNELS, SCHEDULED, Audience, CancelBroadcast
from conversations.places import Place
from conversations.policy import Grant, PolicyViolation, Role
from tests.conversations.harness import START, User, new_chat, places, t, user_at_menu
from tests.memory import MemoryChat

ADMIN = "5550001"  # admin of Xã Đô Lương
OTHER_ADMIN = "5550011"  # admin of Xã Lương Sơn
TEXT = "Mời bà con dự họp thôn lúc 19:30 tối thứ Sáu tại nhà văn hoá."
# name: (home area code or None, role held there or None, channel)
PEOPLE = {
    "leader_dong": ("17662-001", Role.LEADER, "telegram"),  # lives where they lead: once
    "officer": (None, Role.OFFICER, "telegram"),  # not a leader nor a resident
    "dan_dong": ("17662-001", None, "telegram"),
    "dan_dong_zalo": ("17662-001", None, "zalo"),
    "dan_dong_stop": ("17662-001", None, "telegram"),  # turned campaigns off
    "dan_bac": ("17641-001", None, "telegram"),  # another commune
}


def commune() -> tuple[MemoryChat, dict[str, Place]]:
    chat = new_chat()
    where = places(chat)
    chat.grant(ADMIN, Grant(0, Role.ADMIN, where["17662"]))
    chat.grant(OTHER_ADMIN, Grant(0, Role.ADMIN, where["17641"]))
    reach = chat.records.broadcasts
    for number, (name, (home, role, channel)) in enumerate(PEOPLE.items()):
        user_id = f"55600{number:02d}"
        member_id = chat.member(user_id).id
        if home is not None:
            reach.homes[member_id] = where[home]
        if role is not None:
            chat.grant(user_id, Grant(0, role, where[home or "17662"]))
        reach.channels[member_id] = {channel}
        if name.endswith("_stop"):
            reach.opted_out.add(member_id)
    return chat, where


async def compose(chat: MemoryChat, *, channels: str = "1", when: str = "ngay") -> User:
    admin = await user_at_menu(chat, ADMIN)
    await admin.say("/guithongbao")
    assert admin.asked("broadcasts.ask.text")
    for answer in (TEXT, "khong", "khong", "tat ca", "2 3", channels, when):
        await admin.say(answer)
    return admin


async def test_an_admin_sees_the_reach_and_creates_a_broadcast() -> None:
    chat, where = commune()
    admin = await compose(chat)
    assert admin.said("broadcasts.reach", count=3)
    assert t("broadcasts.copy", text=TEXT, place="Xã Đô Lương") in admin.text
    assert chat.records.broadcasts.stored == {}  # nothing before the confirmation
    await admin.say("1")
    assert admin.said("broadcasts.created_now", count=3)
    (broadcast,) = chat.records.broadcasts.stored.values()
    assert (broadcast.area, broadcast.status, broadcast.recipients) == (
        where["17662"],
        SCHEDULED,
        3,
    )
    assert broadcast.audience == Audience(
        (where["17662"].id,), (Role.RESIDENT, Role.LEADER), CHANNELS
    )
    assert (broadcast.text_vi, broadcast.text_en, broadcast.photo) == (TEXT, None, None)
    assert broadcast.send_at == START and broadcast.created_by == chat.member(ADMIN).id


async def test_one_channel_narrows_the_reach_and_an_empty_audience_is_not_created() -> None:
    chat, _ = commune()
    admin = await compose(chat, channels="2")  # Telegram only
    assert admin.said("broadcasts.reach", count=2)
    chat.records.broadcasts.channels.clear()  # nobody reachable any more
    await admin.say("1")
    assert admin.said("broadcasts.not_created_empty")
    assert chat.records.broadcasts.stored == {}


async def test_the_list_shows_the_broadcast_and_it_can_be_cancelled() -> None:
    chat, _ = commune()
    admin = await compose(chat)
    await admin.say("1")
    await admin.say("/broadcasts")
    assert t("broadcasts.status.scheduled") in admin.text
    other = await user_at_menu(chat, OTHER_ADMIN)
    await other.say("/broadcasts")
    assert other.said("broadcasts.list_empty")  # not another commune's broadcasts
    await other.say("/huybantin")
    await other.say("1")
    assert other.said("broadcasts.not_found", number=1)

    await admin.say("/huybantin")
    assert admin.asked("broadcasts.ask.number")
    await admin.say("0")
    assert admin.said("input.number_too_small", minimum=1)
    assert admin.asked("broadcasts.ask.number")
    await admin.say("1")
    assert chat.records.broadcasts.stored[1].status == SCHEDULED
    await admin.say("1")  # confirm
    assert admin.said("broadcasts.cancelled", number=1)
    assert chat.records.broadcasts.stored[1].status == CANCELLED
    await admin.say("/huybantin")
    await admin.say("1")
    status = t("broadcasts.status.cancelled")
    assert admin.said("broadcasts.not_cancellable", number=1, status=status)


async def test_the_list_says_the_days_left_until_a_broadcast_weeks_ahead() -> None:
    chat, _ = commune()
    admin = await compose(chat, when="10:00 11/12/2026")  # 18 days after START
    await admin.say("1")
    await admin.say("/broadcasts")
    assert admin.said("broadcasts.eta_days", days=18, hours=0)
    assert not admin.said("broadcasts.eta", minutes=1)


async def test_cancelling_another_places_broadcast_is_refused() -> None:
    chat, _ = commune()
    admin = await compose(chat)
    await admin.say("1")
    other = chat.member(OTHER_ADMIN)
    with pytest.raises(PolicyViolation):
        chat._apply(OTHER_ADMIN, other, CancelBroadcast(1), START)
    assert chat.records.broadcasts.stored[1].status == SCHEDULED


@pytest.mark.parametrize("locale_choice", ["1", "2"])
async def test_the_number_of_the_listed_option_answers_photo_english_and_places(
    locale_choice: str,
) -> None:
    chat, where = commune()
    admin = await user_at_menu(chat, ADMIN, locale_choice=locale_choice)
    locale = "vi" if locale_choice == "1" else "en"
    await admin.say("/broadcast")
    await admin.say(TEXT)
    for asked in ("broadcasts.ask.photo", "broadcasts.ask.english", "broadcasts.ask.areas"):
        assert admin.asked(asked, locale), admin.question.text
        await admin.say("1")  # no photo, no English version, the whole commune
    assert admin.asked("broadcasts.ask.roles", locale)
    for answer in ("2 3", "1", "1"):  # residents and leaders, every channel, now
        await admin.say(answer)
    await admin.say("1")  # confirm
    (broadcast,) = chat.records.broadcasts.stored.values()
    assert (broadcast.text_en, broadcast.photo) == (None, None)
    assert broadcast.audience.area_ids == (where["17662"].id,)
