"""Commendations in chat, through the processor on both databases: a commune's admin proposes,
the province's admin approves or declines, the proposer and the commended are told, and the
yearly draft lists what was approved with the figures it rests on."""

from __future__ import annotations

import json

from storage.commendations import commendations
from storage.database import Database
from storage.privacy import member_of_identity
from tests.bot.commendations.harness import (
    notices,
    phone_of,
    table_headed,
    text_of,
    yearly_draft,
)
from tests.bot.harness import rows
from tests.bot.movement_year.harness import ADMIN, LEADER, PROVINCE_ADMIN, YEAR, seed_year
from tests.conversations.harness import t

GIAY_KHEN_XA = "commendation.form.giay_khen_chu_tich_xa"
ACHIEVEMENT = "Duy trì tuần tra đêm, không để xảy ra trộm cắp trong cả năm."


async def member_id(database: Database, user_id: str) -> int:
    async with database.transaction() as session:
        found = await member_of_identity(session, "telegram", user_id)
    assert found is not None
    return found


async def propose_thon_ba(database: Database) -> None:
    admin = await phone_of(database, ADMIN)
    await admin.send(text="/denghikhenthuong")
    assert admin.asked("commendation.ask_kind")
    await admin.send(text="1")  # a hamlet, residential group or commune
    assert admin.asked("commendation.ask_place")
    await admin.send(text="thon ba")
    assert admin.asked("commendation.ask_form")
    await admin.send(text="1")
    assert admin.asked("commendation.ask_achievement")
    await admin.send(text="Tốt")  # too short: asked again, nothing lost
    assert admin.asked("commendation.ask_achievement")
    await admin.send(text=ACHIEVEMENT)
    await admin.send(text="1")  # confirm the summary
    text = admin.text
    assert (
        t("commendation.proposed", form=t(GIAY_KHEN_XA), subject="Thôn Ba, Xã Đô Lương", year=YEAR)
        in text
    )
    # Thôn Ba filed January to June, all on time; no model, no event of its own.
    grounds = t(
        "commendation.grounds.place",
        updates_filed=6,
        updates_on_time=6,
        activities=0,
        participants=0,
        events=0,
        turnout=0,
    )
    assert t("commendation.grounds_stored", grounds=grounds) in text


async def test_a_proposal_approved_above_is_told_and_drafted(database: Database) -> None:
    await seed_year(database)
    await propose_thon_ba(database)
    (stored,) = await rows(database, commendations)
    assert stored["status"] == "proposed" and stored["subject_kind"] == "area"
    assert json.loads(str(stored["grounds"]))["updates_filed"] == 6

    # The commune's admin made it: they cannot decide it themselves.
    admin = await phone_of(database, ADMIN)
    await admin.send(text="/duyetkhenthuong")
    assert t("commendation.review.none") in admin.text

    province = await phone_of(database, PROVINCE_ADMIN)
    await province.send(text="/duyetkhenthuong")
    assert province.asked("commendation.review.ask_proposal")
    await province.send(text="1")
    assert ACHIEVEMENT in province.text  # the proposal is shown before the decision
    assert province.asked("commendation.review.ask_decision")
    await province.send(text="1")  # approve
    await province.send(text="1")  # confirm
    assert (
        t("commendation.review.approved", form=t(GIAY_KHEN_XA), subject="Thôn Ba, Xã Đô Lương")
        in province.text
    )
    (decided,) = await rows(database, commendations)
    assert decided["status"] == "approved"

    told = {row["member_id"]: row for row in await notices(database)}
    proposer, leader = await member_id(database, ADMIN), await member_id(database, LEADER)
    assert set(told) == {proposer, leader}
    assert told[proposer]["message_key"] == "commendation.notice.proposer_approved"
    assert told[leader]["message_key"] == "commendation.notice.commended"
    assert told[leader]["params"]["form"] == t(GIAY_KHEN_XA)  # type: ignore[index]

    document = await yearly_draft(database, "17662")
    assert t("honours.heading", year=YEAR) in text_of(document)
    table = table_headed(document, t("honours.col.number"))
    assert table[1][:3] == [
        "1",
        f"Thôn Ba, Xã Đô Lương ({t('commendation.short.collective')})",
        t(GIAY_KHEN_XA),
    ]
    assert table[1][3] == ACHIEVEMENT
    assert "6 báo cáo tháng (6 đúng hạn)" in table[1][4]
    # The province's draft lists it too.
    province_draft = await yearly_draft(database, "40")
    assert len(table_headed(province_draft, t("honours.col.number"))) == 2


async def test_a_declined_proposal_tells_the_proposer_why_and_is_not_drafted(
    database: Database,
) -> None:
    await seed_year(database)
    admin = await phone_of(database, ADMIN)
    await admin.send(text="/denghikhenthuong")
    await admin.send(text="ca nhan khac")
    await admin.send(text="17662-001")  # Thôn Một, by its code
    assert admin.asked("commendation.ask_person_name")
    await admin.send(text="Lê Thị Hoa")
    await admin.send(text="Tổ viên tổ bảo vệ an ninh, trật tự ở cơ sở")
    await admin.send(text="1")
    await admin.send(text=ACHIEVEMENT)
    await admin.send(text="1")
    (stored,) = await rows(database, commendations)
    assert stored["person_name"] == "Lê Thị Hoa" and stored["recipient_member_id"] is None

    province = await phone_of(database, PROVINCE_ADMIN)
    await province.send(text="/duyetkhenthuong")
    await province.send(text="1")
    await province.send(text="khong duyet")
    assert province.asked("commendation.review.ask_reason")
    await province.send(text="Thành tích chưa có văn bản xác nhận của thôn.")
    await province.send(text="1")
    (notice,) = await notices(database)
    assert notice["message_key"] == "commendation.notice.proposer_declined"
    assert notice["params"]["reason"] == "Thành tích chưa có văn bản xác nhận của thôn."  # type: ignore[index]
    document = await yearly_draft(database, "17662")
    assert t("honours.none") in text_of(document)


async def test_a_model_is_found_by_name_and_its_lead_is_told(database: Database) -> None:
    await seed_year(database)
    admin = await phone_of(database, ADMIN)
    await admin.send(text="/denghikhenthuong")
    await admin.send(text="mo hinh")
    assert admin.asked("commendation.ask_model")
    await admin.send(text="khong co mo hinh nay")
    assert t("commendation.model_not_found", query="khong co mo hinh nay") in admin.text
    await admin.send(text="camera")
    assert admin.asked("commendation.ask_form")
    await admin.send(text="2")
    await admin.send(text=ACHIEVEMENT)
    await admin.send(text="1")
    grounds = t("commendation.grounds.model", activities=1, participants=8)
    assert t("commendation.grounds_stored", grounds=grounds) in admin.text
    (stored,) = await rows(database, commendations)
    assert stored["subject_kind"] == "model" and stored["subject_name"] == "Camera an ninh thôn Một"


async def test_a_leader_cannot_propose(database: Database) -> None:
    await seed_year(database)
    leader = await phone_of(database, LEADER)
    await leader.send(text="/denghikhenthuong")
    assert leader.replies[0].text == t("policy.denied")


async def test_a_good_deed_story_goes_out_through_the_broadcast_flow(database: Database) -> None:
    await seed_year(database)
    admin = await phone_of(database, ADMIN)
    await admin.send(text="/guongtot")
    assert admin.asked("commendation.story.ask_title")
    await admin.send(text="Anh Nguyễn Văn Tâm trả lại ví cho người đánh rơi")
    await admin.send(text="Ngày 5/12, anh Tâm nhặt được chiếc ví có 5 triệu đồng và giấy tờ.")
    # The story is the broadcast's text: the broadcast flow goes on with its next question.
    assert admin.asked("broadcasts.ask.photo")
