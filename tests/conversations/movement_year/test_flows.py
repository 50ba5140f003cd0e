"""/dangkyantoan and /chitieu in memory: a leader of two areas is asked which, a date of
another year is asked again with nothing lost, a second registration shows the first; the
standing's question takes a typed year as well as its options."""

from __future__ import annotations

from datetime import date

from conversations.movement_year import RegisterForStandard
from conversations.policy import Grant, Role
from tests.conversations.harness import new_chat, places, t, user_at_menu

LEADER = "8200001"  # START is 23 November 2026: quarter I is long over


async def test_a_leader_of_two_areas_registers_one_late_and_a_slip_is_asked_again() -> None:
    chat = new_chat()
    where = places(chat)
    west = chat.records.add_place("17662-002", "Thôn Tây", "thon", where["17662"])
    chat.grant(LEADER, Grant(0, Role.LEADER, where["17662-001"]))
    chat.grant(LEADER, Grant(0, Role.LEADER, west))
    user = await user_at_menu(chat, LEADER)
    await user.say("/dangkyantoan")
    assert user.asked("year.register.ask_area")
    await user.say("thon tay")
    assert user.said(
        "year.register.late_start", area="Thôn Tây, Xã Đô Lương", year=2026, deadline="31/03/2026"
    )
    await user.say("120")
    await user.say("15/11/2025")  # last year: refused at the end, asked again
    await user.say("1")
    assert user.said("year.register.other_year", year=2026)
    assert user.asked("year.register.ask_date")
    await user.say("02/04/2026")
    await user.say("1")
    assert user.said(
        "year.register.done_late", area="Thôn Tây, Xã Đô Lương", year=2026, households=120
    )
    (effect,) = chat.records.movement_year.registered
    assert effect == RegisterForStandard(west.id, 2026, 120, date(2026, 4, 2), True)
    await user.say("/dangkyantoan")
    await user.say("thon tay")
    assert user.said(
        "year.register.already",
        area="Thôn Tây, Xã Đô Lương",
        year=2026,
        households=120,
        on="02/04/2026",
    )


async def test_the_standing_takes_a_typed_year_or_an_option() -> None:
    chat = new_chat()
    chat.grant(LEADER, Grant(0, Role.OFFICER, places(chat)["17662"]))
    user = await user_at_menu(chat, LEADER)
    await user.say("/chitieu")
    assert user.asked("year.ask_span")
    await user.say("2025")
    await user.say("/chitieu")
    await user.say("6 thang")
    spans = [effect.span for effect in chat.records.movement_year.standings_shown]
    assert spans == ["2025", "2026-H1"]
    assert t("menu.prompt") in user.text
