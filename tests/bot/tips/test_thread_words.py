"""What officers are told of a tip's thread: an answer is announced as an answer, and every
notice shows the tip's code as everywhere else, with its dash."""

from __future__ import annotations

from conversations.fields import format_tip_code
from storage._sql import outbox
from storage.database import Database
from tests.bot.harness import phone_at_menu, rows
from tests.bot.tips.harness import OFFICER_A, ask, member_id, taken_tip
from tests.conversations.harness import t


async def test_a_tipsters_answer_is_announced_as_an_answer_with_the_dashed_code(
    commune: Database,
) -> None:
    clock, code, officer = await taken_tip(commune)
    await ask(officer, code, "Xe thường đỗ ở đâu?")
    tipster = await phone_at_menu(commune, clock, "77")
    await tipster.send(text=f"/traloi {code}")
    await tipster.send(text="Trước cổng chợ")
    assert t("answering.sent", code=format_tip_code(code)) in tipster.text
    handler = await member_id(commune, OFFICER_A)
    told = [row for row in await rows(commune, outbox) if row["member_id"] == handler]
    shown = format_tip_code(code)
    answered = [row for row in told if row["message_key"] == "answering.notice"]
    assert [row["params"] for row in answered] == [{"code": shown, "command": f"/xemtin {shown}"}]
    assert not [row for row in told if row["message_key"] == "addition.notice"]
    new_tip_notice = [row for row in told if row["message_key"] is None]
    assert new_tip_notice and all(f"/xemtin {shown}" in str(row["text"]) for row in new_tip_notice)
    assert all(f"/xemtin {code}" not in str(row["text"] or "") for row in told)
