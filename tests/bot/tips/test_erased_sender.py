"""A named tipster who erased their data: officers are told at once that nothing reaches them
any more (once, before a question is written), and no phone line or message form is offered."""

from __future__ import annotations

from conversations.fields import format_tip_code
from storage._sql import tip_messages, tips
from storage.database import Database
from tests.bot.harness import phone_at_menu, rows, walk
from tests.bot.tips.harness import OFFICER_A, UP_TO_COMMUNE, act, officer_phone
from tests.bot.web.harness import signed_in
from tests.conversations.harness import CONTACT_PATH, Clock, t


async def named_tip_then_erased(database: Database, clock: Clock) -> str:
    """A tip that left a phone, taken by OFFICER_A; then its sender erased their data."""
    tipster = await phone_at_menu(database, clock, "78")
    await tipster.send(text="1")
    path = list(CONTACT_PATH)
    path[UP_TO_COMMUNE] = ("tip.ask.commune", {"text": "do luong"})
    await walk(tipster, path)
    await tipster.send(text="1")
    (tip,) = await rows(database, tips)
    code = str(tip["code"])
    await act(await officer_phone(database, clock, OFFICER_A), code, "take")
    await tipster.send(text="/xoadulieu")
    await tipster.send(text="1")
    assert t("privacy.erase.done") in tipster.text
    return code


async def test_asking_an_erased_sender_is_refused_once_before_the_question(
    commune: Database,
) -> None:
    clock = Clock()
    code = await named_tip_then_erased(commune, clock)
    officer = await officer_phone(commune, clock, OFFICER_A)
    await officer.send(text=f"/hoi {code}")
    assert officer.text.count(t("asking.undeliverable", code=format_tip_code(code))) == 1
    assert t("asking.ask_question") not in officer.text
    assert t("asking.sent", code=format_tip_code(code)) not in officer.text
    assert await rows(commune, tip_messages) == []


async def test_an_erased_senders_tip_shows_no_empty_phone_line(commune: Database) -> None:
    clock = Clock()
    code = await named_tip_then_erased(commune, clock)
    officer = await officer_phone(commune, clock, OFFICER_A)
    await officer.send(text=f"/xemtin {code}")
    assert t("tip_read.contact", phone="-") not in officer.text
    assert t("tip_read.no_phone") in officer.text
    assert t("tip_read.unreachable") in officer.text


async def test_the_web_page_offers_no_message_to_an_erased_sender(commune: Database) -> None:
    clock = Clock()
    code = await named_tip_then_erased(commune, clock)
    async with signed_in(commune, clock, OFFICER_A) as web:
        page = await web.get(f"/web/tips/{code}")
        assert page.status_code == 200
        assert t("web.ask.label") not in page.text
        assert f"/web/tips/{code}/ask" not in page.text
        assert t("web.ask.unreachable") in page.text


async def test_a_phone_left_with_a_tip_is_shown_as_0_everywhere(commune: Database) -> None:
    clock = Clock()
    tipster = await phone_at_menu(commune, clock, "78")
    await tipster.send(text="1")
    path = list(CONTACT_PATH)
    path[UP_TO_COMMUNE] = ("tip.ask.commune", {"text": "do luong"})
    await walk(tipster, path)
    assert "0912345678" in tipster.text  # the summary
    await tipster.send(text="1")
    (tip,) = await rows(commune, tips)
    code = str(tip["code"])
    officer = await officer_phone(commune, clock, OFFICER_A)
    await officer.send(text=f"/xemtin {code}")
    assert t("tip_read.contact", phone="0912345678") in officer.text
    assert "+84912345678" not in officer.text
    async with signed_in(commune, clock, OFFICER_A) as web:
        page = await web.get(f"/web/tips/{code}")
        assert "0912345678" in page.text and "+84912345678" not in page.text
    await tipster.send(text="/dulieucuatoi")
    assert "0912345678" in tipster.text and "+84912345678" not in tipster.text
