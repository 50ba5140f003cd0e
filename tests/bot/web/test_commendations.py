"""The year's commendations in the web console: an admin sees those of their places with the
decision; an officer (who does not run the year's review) gets no such page."""

from __future__ import annotations

from bot.commendations import service
from bot.places import place_of
from conversations.commendations import SubjectKind
from storage.areas import area_by_code
from storage.commendations import commendation_by_id
from storage.database import Database
from tests.bot.harness import member_with_roles
from tests.bot.movement_year.harness import ADMIN, NOW, YEAR, seed_year
from tests.bot.web.harness import signed_in
from tests.conversations.harness import Clock, t

OFFICER = "7770099"


async def declined_proposal(database: Database) -> None:
    async with database.transaction() as session:
        thon = await area_by_code(session, "17662-001")
        commune = await area_by_code(session, "17662")
        assert thon is not None and commune is not None
        proposal_id, _ = await service.propose(
            session,
            kind=SubjectKind.AREA,
            place=place_of(thon),
            proposer_place=place_of(commune),
            ref_id=None,
            member_id=None,
            person_name=None,
            person_role=None,
            form="giay_khen_chu_tich_xa",
            achievement="Nộp đủ báo cáo tháng đúng hạn cả năm.",
            year=YEAR,
            by=None,
            now=NOW,
        )
        record = await commendation_by_id(session, proposal_id)
        assert record is not None
        await service.decide(
            session, record, approved=False, reason="Chưa đủ hồ sơ.", by=None, now=NOW
        )


async def test_an_admin_sees_the_years_commendations(database: Database) -> None:
    await seed_year(database)
    await declined_proposal(database)
    async with signed_in(database, Clock(NOW), (ADMIN, "Chủ tịch xã")) as web:
        page = await web.get(f"/web/commendations?year={YEAR}")
    assert page.status_code == 200
    assert t("web.commendations.title", year=YEAR) in page.text
    assert "Thôn Một, Xã Đô Lương (" + t("commendation.short.collective") + ")" in page.text
    assert t("commendation.status.declined") + " — Chưa đủ hồ sơ." in page.text
    assert 'href="/web/commendations"' in page.text and 'href="/web/units"' in page.text


async def test_an_officer_has_no_commendations_page(database: Database) -> None:
    await seed_year(database)
    await member_with_roles(database, OFFICER, [("officer", "17662")])
    async with signed_in(database, Clock(NOW), (OFFICER, "Công an xã")) as web:
        page = await web.get("/web/commendations")
        queue = await web.get("/web/tips")
    assert page.status_code == 404
    # The nav offers an officer no page that would answer them 404.
    assert queue.status_code == 200
    assert 'href="/web/commendations"' not in queue.text and 'href="/web/units"' not in queue.text
