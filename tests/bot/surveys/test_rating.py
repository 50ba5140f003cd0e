"""A tipster rates how their closed tip was handled, anonymously by construction (the rating
keeps a commune and a month, never the tip nor its sender), once; officers see the ratings by
commune and month beside the tips acknowledged within a day."""

from __future__ import annotations

from conversations.fields import format_tip_code
from conversations.secret_codes import LOCKOUTS, CodeKind
from storage._sql import outbox
from storage.database import Database
from storage.surveys import tip_ratings
from tests.bot.harness import SEALER, phone_at_menu, rows
from tests.bot.tips.harness import OFFICER_A, act, staffed, taken_tip
from tests.conversations.harness import t

TIPSTER = "77"  # the chat ``new_tip`` files the tip from


async def test_a_tipster_rates_a_closed_tip_once_and_officers_see_the_figures(
    database: Database,
) -> None:
    commune = await staffed(database)
    clock, code, officer = await taken_tip(commune)
    tipster = await phone_at_menu(commune, clock, TIPSTER)
    await tipster.send(text=f"/danhgia {code}")
    assert t("surveys.rating.not_closed") in tipster.text

    await act(officer, code, "closed", "Da xac minh, xu ly xong")
    invites = [row for row in await rows(commune, outbox) if "/danhgia" in str(row["text"])]
    assert len(invites) == 1
    assert SEALER.open_route(invites[0]["sealed_route"])[1] == TIPSTER  # the sealed route only
    assert f"/danhgia {format_tip_code(code)}" in str(invites[0]["text"])

    await tipster.send(text=f"/danhgia {code}")
    assert tipster.asked("surveys.ask.rating"), tipster.text
    await tipster.send(text="2")  # 4 — Tốt
    assert tipster.asked("surveys.ask.rating_comment"), tipster.text
    await tipster.send(text="Cán bộ phản hồi nhanh, chu đáo")
    assert t("surveys.rating.thanks") in tipster.text
    (rating,) = await rows(commune, tip_ratings)
    assert set(rating) == {"id", "area_id", "month", "score", "comment"}
    assert (rating["score"], rating["comment"]) == (4, "Cán bộ phản hồi nhanh, chu đáo")
    assert rating["month"].day == 1

    await tipster.send(text=f"/danhgia {code}")
    assert t("surveys.rating.already") in tipster.text
    assert len(await rows(commune, tip_ratings)) == 1

    # The officer's figures: the commune, the month, the rating beside the 24-hour figures.
    officer_phone = await phone_at_menu(commune, clock, OFFICER_A[0], OFFICER_A[1])
    await officer_phone.send(text="/danhgiaxuly")
    line = t(
        "surveys.ratings.line",
        commune="Xã Đô Lương",
        month=rating["month"].strftime("%m/%Y"),
        ratings=1,
        average="4,0",
        comments=1,
        tips=1,
        in_time=1,
        hours=24,
    )
    assert line in officer_phone.text, officer_phone.text


async def test_a_wrong_code_is_not_rated_and_counts_against_guessing(database: Database) -> None:
    commune = await staffed(database)
    clock, _code, _officer = await taken_tip(commune)
    tipster = await phone_at_menu(commune, clock, TIPSTER)
    await tipster.send(text="/danhgia ABCD-EFGH")
    assert t("surveys.rating.unknown") in tipster.text
    for _ in range(LOCKOUTS[CodeKind.TIP].max_wrong):
        await tipster.send(text="/danhgia ABCD-EFGH")
    # Locked out: a code is no longer looked up, as for /status.
    assert t("status.slow_down") in tipster.text, tipster.text
    assert t("surveys.rating.unknown") not in tipster.text
    assert await rows(commune, tip_ratings) == []
