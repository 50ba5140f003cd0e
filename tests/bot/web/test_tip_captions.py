"""The web console's tip page shows the words a sender wrote with a file (a photo's caption),
escaped as text."""

from __future__ import annotations

from storage.database import Database
from storage.tips import NewAttachment
from tests.bot.tips.harness import OFFICER_A
from tests.bot.web.harness import signed_in, stored_tip
from tests.conversations.harness import Clock

CAPTION = "Biển số 37A-123.45 <b>đỗ</b> trước nhà"


async def test_the_tip_page_shows_a_photo_s_caption_beside_the_photo(commune: Database) -> None:
    clock = Clock()
    attachments = (
        NewAttachment("photo", "zalo_oa", "https://a.zdn.vn/p1.jpg", caption=CAPTION),
        NewAttachment("photo", "zalo_oa", "https://a.zdn.vn/p2.jpg"),
    )
    await stored_tip(commune, clock, "K7Q2M9XD", attachments=attachments)
    async with signed_in(commune, clock, OFFICER_A) as web:
        page = await web.get("/web/tips/K7Q2M9XD")
    assert page.status_code == 200
    shown = "Biển số 37A-123.45 &lt;b&gt;đỗ&lt;/b&gt; trước nhà"
    assert page.text.count(f'<q class="caption">{shown}</q>') == 1
    assert "<b>đỗ</b>" not in page.text
