"""Whole conversations on the OA: a resident's tip reaches the commune's officers and its
thread runs both ways (the officer's question on the tip's sealed route to the OA user, the
answer back by /bosung); an area leader files the monthly update."""

from __future__ import annotations

from sqlalchemy import select

from bot.delivery.limits import UNLIMITED, RateLimiter
from bot.delivery.sender import OutboxSender
from conversations.fields import format_tip_code
from conversations.privacy import NOTICE_VERSION
from storage._sql import monthly_reports, tips
from storage.areas import area_by_code, insert_areas
from storage.database import Database
from storage.people.members import find_or_create_member
from storage.people.roles import grant_role
from storage.privacy import record_consent
from storage.tables import utcnow
from tests.bot.channels.zalo_oa.harness import SEALER, OaUser, running_oa
from tests.bot.harness import PAGES, REST, TREE
from tests.bot.tips.harness import OFFICER_A, act, officer_phone, staff
from tests.conversations.harness import ANONYMOUS_PATH, Clock, t

TIPSTER = "5501236618190371442"
LEADER = "7420915563346120987"
COMMUNE_STEP = [key for key, _ in ANONYMOUS_PATH].index("tip.ask.commune")


async def test_a_tip_filed_on_the_oa_is_answered_through_its_thread(database: Database) -> None:
    async with database.transaction() as session:
        await insert_areas(session, TREE)
    await staff(database, OFFICER_A, "officer", "17662")
    clock = Clock()
    async with running_oa(database, clock=clock) as bot:
        tipster = OaUser(bot.server, TIPSTER)
        await tipster.say("Xin chào", expect=t("language.prompt"))
        await tipster.say("1", expect=t("menu.prompt"))
        await tipster.say("1", expect=t("tip.ask.category"))
        for _, answer in ANONYMOUS_PATH[:COMMUNE_STEP]:
            await tipster.tell(bot, str(answer["text"]))
        await tipster.tell(bot, "do luong")
        for _, answer in ANONYMOUS_PATH[COMMUNE_STEP + 1 :]:
            await tipster.tell(bot, str(answer["text"]))
        await tipster.say("1", expect=t("menu.prompt"))  # confirms the summary
        async with database.transaction() as session:
            (tip,) = (await session.execute(select(tips))).all()
        code = str(tip.code)
        assert code[:4] in tipster.text

        officer = await officer_phone(database, clock, OFFICER_A)
        await act(officer, code, "take")
        await officer.send(text=f"/hoi {code}")
        await officer.send(text="Xe thường đỗ ở đâu?")
        await officer.send(text="xong")  # no photos

        # The outbox opens the sealed route and the question reaches the OA user.
        transport, close = await bot.channel.open_transport(4)
        sender = OutboxSender(
            database,
            "zalo_oa",
            transport,
            RateLimiter(UNLIMITED),
            clock=clock,
            open_route=lambda sealed: SEALER.open_route(sealed)[1],
        )
        try:
            assert await sender.deliver_due() >= 1
        finally:
            await close()
        asked = "Xe thường đỗ ở đâu?"
        question = t("asking.to_tipster", code=format_tip_code(code), question=asked)
        assert question in bot.server.texts(TIPSTER)

        clock.advance(minutes=3)
        await tipster.tell(bot, f"/bosung {code}")
        await tipster.tell(bot, "Trước cổng chợ")
        await tipster.tell(bot, "xong")
        await officer.send(text=f"/xemtin {code}")
        assert f"{t('thread.tipster')}: Trước cổng chợ" in officer.text
        assert TIPSTER not in officer.text


async def test_an_area_leader_files_the_monthly_update_on_the_oa(database: Database) -> None:
    async with database.transaction() as session:
        await insert_areas(session, TREE)
        member = await find_or_create_member(
            session, channel="zalo_oa", platform_user_id=LEADER, chat_id=LEADER, display_name=None
        )
        await record_consent(
            session,
            member.id,
            decision="given",
            notice_version=NOTICE_VERSION,
            display_name="Trần Văn Đông",
            now=utcnow(),
        )
        area = await area_by_code(session, "17662-001")
        assert area is not None
        await grant_role(
            session, member_id=member.id, role="leader", area_id=area.id, granted_by=None
        )
    async with running_oa(database) as bot:
        leader = OaUser(bot.server, LEADER)
        await leader.tell(bot, "/start")
        if t("language.prompt") in leader.text:
            await leader.tell(bot, "1")
        await leader.say("/baocao", expect=t("report.field.propaganda_sessions"))
        for answer in [*PAGES, *REST]:
            await leader.tell(bot, answer)
        assert "Thôn Đông, Xã Đô Lương — tháng" in leader.text
        await leader.say("1", expect="Thôn Đông, Xã Đô Lương")
        assert all(len(text) <= 2000 for text in bot.server.texts(LEADER))
    async with database.transaction() as session:
        (report,) = (await session.execute(select(monthly_reports))).all()
    assert (report.households, report.households_pledged) == (120, 100)
    assert report.proposals == "Đề nghị lắp thêm đèn ở ngõ 3"
