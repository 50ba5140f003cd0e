"""Steps that cannot be undone (closing a tip, rejecting it, cancelling a broadcast) take two
taps: the first shows what will happen and changes nothing; the confirmation is a form of its
own, with the session's form token, so it works without any script and cannot be forged."""

from __future__ import annotations

import re

import httpx

from storage._sql import broadcasts, tips
from storage.database import Database
from tests.bot.harness import rows
from tests.bot.tips.harness import ADMIN, OFFICER_A, new_tip
from tests.bot.web.harness import csrf_of, scheduled_broadcast, signed_in
from tests.conversations.harness import Clock, t


def hidden_fields(page: httpx.Response) -> dict[str, str]:
    """The hidden fields of the page's confirmation form, as a browser would post them."""
    form = re.search(r'<form method="post"[^>]*class="confirm".*?</form>', page.text, re.S)
    assert form is not None, page.text
    return dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))


async def taken(web: httpx.AsyncClient, code: str) -> httpx.Response:
    page = await web.get(f"/web/tips/{code}")
    took = await web.post(f"/web/tips/{code}/act", data={"action": "take", "csrf": csrf_of(page)})
    assert took.status_code == 303
    return await web.get(f"/web/tips/{code}")


async def test_closing_a_tip_asks_once_more_and_closes_only_when_confirmed(
    commune: Database,
) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    async with signed_in(commune, clock, OFFICER_A) as web:
        page = await taken(web, code)
        asked = await web.post(
            f"/web/tips/{code}/act",
            data={"action": "closed", "note": "Đã xác minh xong", "csrf": csrf_of(page)},
        )
        assert asked.status_code == 200
        assert t("web.confirm.yes") in asked.text and "Đã xác minh xong" in asked.text
        assert f'href="/web/tips/{code}"' in asked.text  # and a way back that changes nothing
        (tip,) = await rows(commune, tips)
        assert tip["status"] != "closed"
        fields = hidden_fields(asked)
        assert fields["csrf"] == csrf_of(page) and fields["confirm"] == "1"
        assert fields["action"] == "closed" and fields["note"] == "Đã xác minh xong"
        confirmed = await web.post(f"/web/tips/{code}/act", data=fields)
        assert confirmed.status_code == 303
    (tip,) = await rows(commune, tips)
    assert tip["status"] == "closed" and tip["status_note"] == "Đã xác minh xong"


async def test_rejecting_a_tip_asks_once_more_after_its_reason_is_given(
    commune: Database,
) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    async with signed_in(commune, clock, OFFICER_A) as web:
        page = await taken(web, code)
        no_reason = await web.post(
            f"/web/tips/{code}/act", data={"action": "duplicate", "csrf": csrf_of(page)}
        )
        assert no_reason.status_code == 400  # the reason first, then the confirmation
        asked = await web.post(
            f"/web/tips/{code}/act",
            data={"action": "duplicate", "note": "Trùng tin trước", "csrf": csrf_of(page)},
        )
        assert asked.status_code == 200 and t("web.confirm.yes") in asked.text
        (tip,) = await rows(commune, tips)
        assert tip["status"] != "rejected"
        forged = {**hidden_fields(asked), "csrf": "x"}
        assert (await web.post(f"/web/tips/{code}/act", data=forged)).status_code == 403
        (tip,) = await rows(commune, tips)
        assert tip["status"] != "rejected"
        confirmed = await web.post(f"/web/tips/{code}/act", data=hidden_fields(asked))
        assert confirmed.status_code == 303
    (tip,) = await rows(commune, tips)
    assert tip["status"] == "rejected"


async def test_a_step_that_can_be_undone_takes_one_tap(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    async with signed_in(commune, clock, OFFICER_A) as web:
        page = await taken(web, code)
        verified = await web.post(
            f"/web/tips/{code}/act", data={"action": "verifying", "csrf": csrf_of(page)}
        )
        assert verified.status_code == 303
    (tip,) = await rows(commune, tips)
    assert tip["status"] == "verifying"


async def test_cancelling_a_broadcast_asks_once_more(commune: Database) -> None:
    clock = Clock()
    broadcast_id = await scheduled_broadcast(commune, clock, "Họp dân tối thứ Bảy", days=2)
    async with signed_in(commune, clock, ADMIN) as web:
        listed = await web.get("/web/broadcasts")
        asked = await web.post(
            f"/web/broadcasts/{broadcast_id}/cancel", data={"csrf": csrf_of(listed)}
        )
        assert asked.status_code == 200
        assert t("web.confirm.broadcast", number=broadcast_id) in asked.text
        assert "Họp dân tối thứ Bảy" in asked.text
        (row,) = await rows(commune, broadcasts)
        assert row["status"] == "scheduled"
        confirmed = await web.post(
            f"/web/broadcasts/{broadcast_id}/cancel", data=hidden_fields(asked)
        )
        assert confirmed.status_code == 303
    (row,) = await rows(commune, broadcasts)
    assert row["status"] == "cancelled"
