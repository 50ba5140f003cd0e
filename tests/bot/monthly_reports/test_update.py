"""A leader's monthly update by chat, through the processor and the database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.processor import MessageProcessor
from conversations.calendar import ReportCalendar
from conversations.menu import build_engine
from conversations.privacy import NOTICE_VERSION
from conversations.replies import Choices
from storage._sql import audit_log, monthly_reports
from storage.areas import area_by_code, insert_areas
from storage.database import Database
from storage.people.roles import grant_role
from storage.privacy import record_consent
from storage.tables import utcnow
from tests.bot.harness import (
    DO_LUONG,
    NGHE_AN,
    PAGES,
    REST,
    SEALER,
    Phone,
    fill,
    make_processor,
    place,
)
from tests.conversations.harness import CATALOGUES, Clock, t
from tests.storage.harness import telegram_member

TREE = [
    NGHE_AN,
    DO_LUONG,
    place("17662-001", "Thôn Đông", "thon", "17662"),
    place("17662-002", "Thôn Tây", "thon", "17662"),
]
LEADER = "6100001"
SECOND_LEADER = "6100002"


async def lead(database: Database, user_id: str, *codes: str, name: str) -> None:
    async with database.transaction() as session:
        member_id = await telegram_member(session, user_id, name)
        # A leader who agreed to the privacy notice: their name is kept from then on.
        await record_consent(
            session,
            member_id,
            decision="given",
            notice_version=NOTICE_VERSION,
            display_name=name,
            now=utcnow(),
        )
        for code in codes:
            area = await area_by_code(session, code)
            assert area is not None
            await grant_role(
                session, member_id=member_id, role="leader", area_id=area.id, granted_by=None
            )


@pytest.fixture
async def tree(database: Database) -> Database:
    async with database.transaction() as session:
        await insert_areas(session, TREE)
    await lead(database, LEADER, "17662-001", name="Trần Văn Đông")
    return database


async def leader_phone(database: Database, clock: Clock, user_id: str = LEADER) -> Phone:
    phone = Phone(make_processor(database, clock), user_id=user_id, name=f"user {user_id}")
    await phone.send(text="/start")
    last = phone.replies[-1]
    if isinstance(last, Choices) and last.ref == "locale":
        await phone.send(text="1")
    return phone


async def stored(database: Database) -> list[dict[str, object]]:
    async with database.transaction() as session:
        result = await session.execute(select(monthly_reports).order_by(monthly_reports.c.id))
        return [dict(row._mapping) for row in result]


async def test_a_leader_files_the_update_in_a_dozen_messages(tree: Database) -> None:
    phone = await leader_phone(tree, Clock())
    await phone.send(text="/baocao")
    assert "11/2026" in phone.text and "Thôn Đông" in phone.text
    assert t("report.field.propaganda_sessions") in phone.text
    await fill(phone)
    summary = phone.replies[-1].text
    assert "Thôn Đông, Xã Đô Lương — tháng 11/2026" in summary
    assert f"5. {t('report.field.households_pledged')}: 100" in summary
    assert "1.500.000 đồng" in summary
    await phone.send(text="1")  # confirm
    assert t("report.filed", area="Thôn Đông, Xã Đô Lương", period="11/2026") in phone.text
    (report,) = await stored(tree)
    assert report["period"] == "2026-11"
    assert (report["households"], report["households_pledged"]) == (120, 100)
    assert (report["cameras_total"], report["cameras_new"], report["models_active"]) == (12, 2, 1)
    assert report["incidents_crime"] == 0 and report["patrol_shifts"] == 8
    assert report["money_mobilised"] == 1_500_000
    assert report["notable_events"] is None
    assert report["proposals"] == "Đề nghị lắp thêm đèn ở ngõ 3"
    assert report["late"] is False and report["version"] == 1


async def test_the_households_imported_with_the_area_are_offered(tree: Database) -> None:
    async with tree.transaction() as session:
        await insert_areas(
            session, [place("17662-003", "Thôn Nam", "thon", "17662", households=135)]
        )
    await lead(tree, "6100003", "17662-003", name="Phan Văn Nam")
    phone = await leader_phone(tree, Clock(), "6100003")
    await phone.send(text="/baocao")
    await phone.send(text=PAGES[0])
    assert t("report.figures.known", value="135") in phone.replies[-1].text
    await phone.send(text="100")
    await fill(phone, PAGES[2:])
    await phone.send(text="1")
    (report,) = await stored(tree)
    assert (report["households"], report["households_pledged"]) == (135, 100)


async def test_wrong_numbers_are_explained_and_nothing_given_is_lost(tree: Database) -> None:
    phone = await leader_phone(tree, Clock())
    await phone.send(text="/baocao")
    await phone.send(text="2 150")
    assert t("report.figures.wrong_count", expected=3, given=2) in phone.text
    await phone.send(text="2 -150 1")
    assert t("report.figures.negative", position=2, value="-150") in phone.text
    await phone.send(text="2 150 1")
    await phone.send(text="120 130")
    assert (
        t(
            "report.figures.too_many",
            smaller=t("report.field.households_pledged"),
            smaller_value=130,
            larger=t("report.field.households"),
            larger_value=120,
        )
        in phone.text
    )
    await phone.send(text="120 100")
    await phone.send(text="3 5")
    assert "không thể lớn hơn" in phone.text  # tips passed on cannot exceed tips received
    await fill(phone, ["3 2", *PAGES[3:]], ["-5", "abc", "500k", *REST[1:]])
    summary = phone.replies[-1].text
    assert f"1. {t('report.field.propaganda_sessions')}: 2" in summary
    assert "500.000 đồng" in summary


async def test_any_line_of_the_summary_is_changed_by_its_number(tree: Database) -> None:
    phone = await leader_phone(tree, Clock())
    await phone.send(text="/baocao")
    await fill(phone)
    await phone.send(text="2")  # edit
    assert t("summary.which_item", count=29) in phone.text
    await phone.send(text="5 130")  # pledged above households: refused, asked again
    assert "không thể lớn hơn" in phone.text
    assert t("report.field.households_pledged") in phone.replies[-1].text
    await phone.send(text="110")
    assert f"5. {t('report.field.households_pledged')}: 110" in phone.replies[-1].text
    await phone.send(text="sua")
    await phone.send(text="27")  # the money has a question of its own
    assert t("report.ask.money") in phone.text
    await phone.send(text="2tr")
    assert "2.000.000 đồng" in phone.replies[-1].text
    await phone.send(text="1")
    (report,) = await stored(tree)
    assert report["households_pledged"] == 110 and report["money_mobilised"] == 2_000_000


async def test_the_draft_survives_a_restart_and_days_of_silence(tree: Database) -> None:
    clock = Clock()
    phone = await leader_phone(tree, clock)
    await phone.send(text="/baocao")
    await fill(phone, PAGES[:3], [])
    clock.advance(days=3)
    restarted = Phone(make_processor(tree, clock), user_id=LEADER)
    await restarted.send(text="3 2")  # the tips page, where the leader stopped
    assert t("report.ask.incidents") in restarted.text
    await fill(restarted, ["0", *PAGES[4:]], REST)
    await restarted.send(text="1")
    (report,) = await stored(tree)
    assert report["tips_received"] == 3 and report["propaganda_attendees"] == 150


async def test_a_second_leader_sees_the_update_filed_and_corrects_it(tree: Database) -> None:
    await lead(tree, SECOND_LEADER, "17662-001", name="Lê Thị Hoa")
    clock = Clock()
    first = await leader_phone(tree, clock)
    await first.send(text="/baocao")
    await fill(first)
    await first.send(text="1")
    clock.advance(hours=2)
    second = await leader_phone(tree, clock, SECOND_LEADER)
    await second.send(text="/baocao")
    assert "Trần Văn Đông" in second.text  # who filed it
    assert "05/12/2026" in second.text  # until when it may be corrected
    assert f"4. {t('report.field.households')}: 120" in second.replies[-1].text
    await second.send(text="2")
    await second.send(text="1 3")
    await second.send(text="1")
    assert t("report.corrected", area="Thôn Đông, Xã Đô Lương", period="11/2026") in second.text
    (report,) = await stored(tree)
    assert report["propaganda_sessions"] == 3 and report["version"] == 2


async def test_the_leader_who_filed_is_told_they_did(tree: Database) -> None:
    phone = await leader_phone(tree, Clock())
    await phone.send(text="/baocao")
    await fill(phone)
    await phone.send(text="1")
    await phone.send(text="/baocao")
    assert "anh/chị đã gửi" in phone.text and "Trần Văn Đông" not in phone.text


async def test_two_leaders_filing_at_once_keep_one_update(tree: Database) -> None:
    await lead(tree, SECOND_LEADER, "17662-001", name="Lê Thị Hoa")
    clock = Clock()
    first = await leader_phone(tree, clock)
    second = await leader_phone(tree, clock, SECOND_LEADER)
    await first.send(text="/baocao")
    await second.send(text="/baocao")
    await fill(first)
    await fill(second, ["9 9 9", *PAGES[1:]])
    await first.send(text="1")
    await second.send(text="1")
    assert "Trần Văn Đông" in second.text  # told who filed meanwhile, shown their figures
    assert f"1. {t('report.field.propaganda_sessions')}: 2" in second.replies[-1].text
    (report,) = await stored(tree)
    assert report["propaganda_sessions"] == 2 and report["version"] == 1


async def test_an_update_filed_after_the_deadline_is_marked_late(tree: Database) -> None:
    clock = Clock(datetime(2026, 12, 7, 3, 0, tzinfo=UTC))  # 7 December: November's is due
    phone = await leader_phone(tree, clock)
    await phone.send(text="/baocao")
    assert "11/2026" in phone.text and "05/12/2026" in phone.text
    await fill(phone)
    await phone.send(text="1")
    assert t("report.filed_late", area="Thôn Đông, Xã Đô Lương", period="11/2026") in phone.text
    (report,) = await stored(tree)
    assert report["late"] is True and str(report["deadline"]) == "2026-12-05"


async def test_an_update_can_be_corrected_until_the_deadline_only(tree: Database) -> None:
    clock = Clock()
    phone = await leader_phone(tree, clock)
    await phone.send(text="/baocao")
    await fill(phone)
    await phone.send(text="1")
    clock.now = datetime(2026, 12, 5, 16, 0, tzinfo=UTC)  # 23:00 on the due day
    await phone.send(text="/baocao")
    assert "05/12/2026" in phone.text and t("summary.question") in phone.replies[-1].text
    await phone.send(text="/huy")
    await phone.send(text="1")  # yes, discard what was being corrected
    clock.now = datetime(2026, 12, 5, 17, 30, tzinfo=UTC)  # 00:30 on 6 December
    await phone.send(text="/baocao")
    assert "không thể sửa" in phone.text
    assert f"{t('report.field.households')}: 120" in phone.text
    assert t("summary.question") not in phone.replies[-1].text


async def audited(database: Database) -> list[str]:
    async with database.transaction() as session:
        result = await session.execute(select(audit_log.c.action).order_by(audit_log.c.id))
        return list(result.scalars())


async def late_leader(database: Database, clock: Clock, correction_hours: int) -> Phone:
    """A leader on a bot whose correction window is ``correction_hours`` (the setting)."""
    calendar = ReportCalendar(correction_hours=correction_hours)
    engine = build_engine(CATALOGUES, report_calendar=calendar)
    processor = MessageProcessor(database, engine, SEALER, CATALOGUES, clock=clock)
    phone = Phone(processor, user_id=LEADER, name=f"user {LEADER}")
    await phone.send(text="/start")
    last = phone.replies[-1]
    if isinstance(last, Choices) and last.ref == "locale":
        await phone.send(text="1")
    return phone


async def test_a_late_update_can_be_corrected_for_the_settings_hours(tree: Database) -> None:
    clock = Clock(datetime(2026, 12, 7, 3, 0, tzinfo=UTC))  # 10:00 on 7 December: 2 days late
    phone = await late_leader(tree, clock, correction_hours=6)
    await phone.send(text="/baocao")
    await fill(phone)
    await phone.send(text="1")
    clock.advance(minutes=5)
    await phone.send(text="/baocao")
    # The window is the setting's, said in the text: 6 hours, until 16:00 the same day.
    params = {
        "area": "Thôn Đông, Xã Đô Lương",
        "period": "11/2026",
        "who": t("report.you"),
        "filed_at": "10:00 07/12/2026",
        "deadline": "05/12/2026",
        "hours": 6,
        "until": "16:00 07/12/2026",
    }
    assert t("report.filed_correctable_after_deadline", **params) in phone.text
    assert t("summary.question") in phone.replies[-1].text
    await phone.send(text="2")
    await phone.send(text="1 3")
    await phone.send(text="1")
    assert t("report.corrected", area="Thôn Đông, Xã Đô Lương", period="11/2026") in phone.text
    (report,) = await stored(tree)
    assert report["propaganda_sessions"] == 3 and report["version"] == 2
    assert report["late"] is True  # still an update filed late
    assert await audited(tree) == ["report.corrected_late"]


async def test_after_the_window_a_late_update_is_closed_saying_for_how_long(
    tree: Database,
) -> None:
    clock = Clock(datetime(2026, 12, 7, 3, 0, tzinfo=UTC))
    phone = await late_leader(tree, clock, correction_hours=6)
    await phone.send(text="/baocao")
    await fill(phone)
    await phone.send(text="1")
    await phone.send(text="/baocao")
    await phone.send(text="2")  # correcting, while the window closes
    clock.advance(hours=6)
    await phone.send(text="1 3")
    await phone.send(text="1")
    closed = t(
        "report.correction_closed",
        area="Thôn Đông, Xã Đô Lương",
        period="11/2026",
        deadline="05/12/2026",
        hours=6,
    )
    assert closed in phone.text
    await phone.send(text="/baocao")
    assert "6" in phone.text and t("summary.question") not in phone.replies[-1].text
    (report,) = await stored(tree)
    assert report["propaganda_sessions"] == 2 and report["version"] == 1
    assert await audited(tree) == []


async def test_a_correction_before_the_deadline_is_audited_too(tree: Database) -> None:
    clock = Clock()
    phone = await leader_phone(tree, clock)
    await phone.send(text="/baocao")
    await fill(phone)
    await phone.send(text="1")
    await phone.send(text="/baocao")
    await phone.send(text="2")
    await phone.send(text="1 3")
    await phone.send(text="1")
    assert await audited(tree) == ["report.corrected"]


async def test_a_leader_of_two_areas_chooses_which(tree: Database) -> None:
    await lead(tree, LEADER, "17662-002", name="Trần Văn Đông")
    phone = await leader_phone(tree, Clock())
    await phone.send(text="/baocao")
    assert t("report.ask.area") in phone.text
    await phone.send(text="thon tay")
    assert "Thôn Tây" in phone.text and t("report.field.propaganda_sessions") in phone.text
    await fill(phone)
    await phone.send(text="1")
    (report,) = await stored(tree)
    async with tree.transaction() as session:
        west = await area_by_code(session, "17662-002")
    assert west is not None and report["area_id"] == west.id


async def test_residents_are_not_offered_the_monthly_update(tree: Database) -> None:
    phone = await leader_phone(tree, Clock(), user_id="999")
    assert t("menu.monthly_report") not in phone.text
    await phone.send(text="/baocao")
    assert t("policy.denied") in phone.text
    assert await stored(tree) == []
