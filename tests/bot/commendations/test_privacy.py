"""Commendations and personal data: a member sees their commendations in /dulieucuatoi and
erasing them leaves the commendation unnamed; a named person (not a member) is a name and a
role, cleared by the retention schedule after its period; and nothing in the tables of
commendations can lead to a tip or single out a tipster by its times."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Column, Table

from bot.commendations import service
from bot.places import place_of
from bot.privacy.retention import COMMENDED_PERSONS, EXPIRIES, RetentionSchedule
from bot.settings import Settings
from conversations.commendations import SubjectKind
from storage.areas import area_by_code
from storage.commendations import commendation_by_id, commendations, exemplary_units
from storage.database import Database
from storage.retention import erase_expired
from storage.tables import day_stamp
from tests.bot.commendations.harness import phone_of, table_headed, yearly_draft
from tests.bot.harness import rows
from tests.bot.movement_year.harness import ADMIN, LEADER, NOW, PROVINCE_ADMIN, YEAR, seed_year
from tests.conversations.harness import t

ACHIEVEMENT = "Trưởng thôn nộp đủ báo cáo tháng đúng hạn, vận động bà con lắp camera."


async def commend_the_leader(database: Database) -> None:
    """The leader of Thôn Ba agreed to the notice (so their name is kept) and is commended."""
    await phone_of(database, LEADER)
    admin = await phone_of(database, ADMIN)
    await admin.send(text="/denghikhenthuong")
    await admin.send(text="thanh vien")
    assert admin.asked("commendation.ask_member")
    await admin.send(text="nguyen van bao")  # the harness's phones write under this name
    await admin.send(text="1")
    await admin.send(text=ACHIEVEMENT)
    await admin.send(text="1")
    province = await phone_of(database, PROVINCE_ADMIN)
    await province.send(text="/duyetkhenthuong")
    await province.send(text="1")
    await province.send(text="1")
    await province.send(text="1")


async def test_a_commended_member_sees_it_and_erasing_them_unnames_it(
    database: Database,
) -> None:
    await seed_year(database)
    await commend_the_leader(database)
    leader = await phone_of(database, LEADER)
    await leader.send(text="/dulieucuatoi")
    line = t(
        "privacy.my_data.commendation",
        year=YEAR,
        form=t("commendation.form.giay_khen_chu_tich_xa"),
        status=t("commendation.status.approved"),
    )
    assert line in leader.text
    await leader.send(text="/xoadulieu")
    await leader.send(text="1")
    assert t("privacy.erase.done") in leader.text
    (row,) = await rows(database, commendations)
    assert row["recipient_member_id"] is None and row["subject_name"] == ""
    table = table_headed(await yearly_draft(database, "17662"), t("honours.col.number"))
    assert table[1][1] == f"— ({t('commendation.short.person')})"


async def test_a_named_persons_name_and_role_go_after_the_period(database: Database) -> None:
    await seed_year(database)
    async with database.transaction() as session:
        area = await area_by_code(session, "17662-001")
        commune = await area_by_code(session, "17662")
        assert area is not None and commune is not None
        proposal_id, _ = await service.propose(
            session,
            kind=SubjectKind.PERSON,
            place=place_of(area),
            proposer_place=place_of(commune),
            ref_id=None,
            member_id=None,
            person_name="Lê Thị Hoa",
            person_role="Học sinh lớp 11A",
            form="giay_khen_chu_tich_xa",
            achievement=ACHIEVEMENT,
            year=YEAR,
            by=None,
            now=NOW,
        )
        record = await commendation_by_id(session, proposal_id)
        assert record is not None
        assert await service.decide(session, record, approved=True, reason="", by=None, now=NOW)
    period = RetentionSchedule.from_settings(Settings()).periods[COMMENDED_PERSONS]
    assert period == timedelta(days=1825)  # the default: 5 years after the decision
    async with database.transaction() as session:
        expiry = EXPIRIES[COMMENDED_PERSONS]
        for days_later, erased in ((1824, 0), (1826, 1)):
            cut_off = NOW + timedelta(days=days_later) - period
            assert await erase_expired(session, expiry, cut_off) == erased
    (row,) = await rows(database, commendations)
    assert row["person_name"] is None and row["person_role"] is None
    assert row["status"] == "approved" and row["achievement"] == ACHIEVEMENT


def _columns(table: Table) -> list[Column[object]]:
    return list(table.columns)


async def test_no_column_leads_to_a_tip_and_every_time_is_a_day(database: Database) -> None:
    for table in (commendations, exemplary_units):
        for column in _columns(table):
            assert "tip" not in column.name
            assert all(key.column.table.name != "tips" for key in column.foreign_keys)
    await seed_year(database)
    await commend_the_leader(database)
    for table in (commendations, exemplary_units):
        for row in await rows(database, table):
            for value in row.values():
                if hasattr(value, "tzinfo") and hasattr(value, "hour"):
                    assert value == day_stamp(value)  # type: ignore[arg-type]
