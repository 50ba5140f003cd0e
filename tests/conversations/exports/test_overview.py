"""/overview in memory: a period's filing, pledge coverage and active models of an officer's
commune (tests/bot/exports runs it on the database)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from conversations.monthly_reports import FiledReport
from conversations.places import Place
from conversations.policy import Grant, Role
from conversations.security_models import LogModelActivity
from tests.conversations.harness import START, new_chat, places, t, user_at_menu
from tests.memory import MemoryChat

OFFICER = "8100001"
FILED = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)


def commune() -> tuple[MemoryChat, dict[str, Place]]:
    chat = new_chat()
    where = places(chat)
    where["17662-002"] = chat.records.add_place("17662-002", "Thôn Tây", "thon", where["17662"])
    chat.grant(OFFICER, Grant(0, Role.OFFICER, where["17662"]))
    return chat, where


def file_october(
    chat: MemoryChat, area: Place, households: int, pledged: int, models: int = 0
) -> None:
    reports = chat.records.monthly_reports
    key = (area.id, "2026-10")
    reports.filed[key] = FiledReport(
        id=len(reports.filed) + 1,
        area_id=area.id,
        period="2026-10",
        version=1,
        late=False,
        filed_at=FILED,
        filed_by=None,
        filed_by_name=None,
        updated_at=FILED,
        values={"households": households, "households_pledged": pledged, "models_active": models},
    )
    reports.deadlines[key] = date(2026, 11, 5)


async def test_the_overview_counts_filings_coverage_and_active_models() -> None:
    chat, where = commune()
    file_october(chat, where["17662-001"], households=100, pledged=90)
    models = chat.records.security_models
    model = models.add("Tổ liên gia xóm 3", where["17662-001"], now=START)
    models.add("Camera an ninh thôn Tây", where["17662-002"], kind="camera", now=START)
    models.log(
        LogModelActivity(model.id, date(2026, 10, 12), "patrol", 8, "Tuần tra đêm."),
        member_id=0,
        roles=(Grant(0, Role.LEADER, where["17662-001"]),),
        now=START,
    )
    user = await user_at_menu(chat, OFFICER)
    await user.say("/tongquan")
    assert user.asked("overview.ask_period")
    await user.say("ky truoc")
    text = user.text
    assert t("overview.title", period="10/2026", place="Xã Đô Lương, Nghệ An") in text
    assert t("overview.filing", areas=2, on_time=1, late=0, not_yet=0, missing=1) in text
    assert t("overview.unfiled_names", names="Thôn Tây") in text
    verdict = t("overview.undetermined")  # Thôn Tây has neither filed nor a household count
    assert (
        t("overview.coverage", percent="90,0", pledged=90, households=100, verdict=verdict) in text
    )
    assert t("overview.coverage_unfiled_uncounted", areas=1, households=0, uncounted=1) in text
    assert t("overview.models_registered", registered=2, active=1, reported=0) in text
    assert t("overview.models", with_model=1, communes=1) in text


async def test_coverage_is_over_every_area_and_the_unfiled_ones_are_unknown() -> None:
    chat, where = commune()
    south = chat.records.add_place("17662-003", "Thôn Nam", "thon", where["17662"])
    chat.records.monthly_reports.households |= {where["17662-002"].id: 250, south.id: 180}
    file_october(chat, where["17662-001"], households=420, pledged=380)
    user = await user_at_menu(chat, OFFICER)
    await user.say("/tongquan")
    await user.say("ky truoc")
    text = user.text
    verdict = t("overview.undetermined")
    assert (
        t("overview.coverage", percent="44,7", pledged=380, households=850, verdict=verdict) in text
    )
    assert t("overview.coverage_unfiled", areas=2, households=430) in text
    assert t("overview.met") not in text


async def test_the_models_figure_agrees_with_the_registered_models() -> None:
    chat, where = commune()
    models = chat.records.security_models
    models.add("Tổ liên gia xóm 3", where["17662-001"], now=START)
    models.add("Tổ hoà giải thôn Đông", where["17662-001"], kind="mediation", now=START)
    file_october(chat, where["17662-001"], households=100, pledged=90, models=2)
    user = await user_at_menu(chat, OFFICER)
    await user.say("/tongquan")
    await user.say("ky truoc")
    assert user.said("overview.models_registered", registered=2, active=0, reported=2)


async def test_a_commune_without_updates_or_models_is_shown_so() -> None:
    chat, _ = commune()
    user = await user_at_menu(chat, OFFICER)
    await user.say("/tongquan")
    await user.say("ky truoc")
    text = user.text
    assert t("overview.filing", areas=2, on_time=0, late=0, not_yet=0, missing=2) in text
    assert t("overview.coverage_unknown") in text
    assert t("overview.models", with_model=0, communes=1) in text
