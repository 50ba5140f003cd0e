"""Models, activities and incidents in storage: which models count as active for a period."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.areas import NewArea, area_by_code, insert_areas
from storage.database import Database
from storage.incidents import NewIncident, incidents_within, insert_incident
from storage.security_models import (
    NewModelActivity,
    NewSecurityModel,
    active_models_within,
    end_security_model,
    insert_model_activity,
    insert_security_model,
    model_activities_of,
    security_models_within,
)

TREE = [
    NewArea("40", "Nghệ An", "nghe an", "province", None),
    NewArea("17662", "Xã Đô Lương", "xa do luong", "commune", "40"),
    NewArea("17662-001", "Thôn Đông", "thon dong", "thon", "17662"),
    NewArea("17641", "Xã Lương Sơn", "xa luong son", "commune", "40"),
]
CREATED = datetime(2026, 1, 5, tzinfo=UTC)


async def _setup(database: Database) -> dict[str, int]:
    async with database.transaction() as session:
        await insert_areas(session, TREE)
        east = await area_by_code(session, "17662-001")
        other = await area_by_code(session, "17641")
        assert east is not None and other is not None
        ids = {}
        for name, area_id in (
            ("Camera an ninh", east.id),
            ("Hòm thư tố giác", east.id),
            ("Tổ liên gia", east.id),
            ("Dòng họ tự quản", other.id),
        ):
            ids[name] = await insert_security_model(
                session,
                NewSecurityModel(name, "other", area_id, None, None, None),
                now=CREATED,
            )
        return ids


async def _log(database: Database, model_id: int, day: date, photos: int = 0) -> None:
    async with database.transaction() as session:
        await insert_model_activity(
            session,
            NewModelActivity(
                model_id,
                day,
                "patrol",
                5,
                "Tuần tra",
                [{"channel": "telegram", "file_id": f"f{n}"} for n in range(photos)],
                None,
            ),
            now=CREATED,
        )


async def _active_in_commune(session: AsyncSession, first: date, last: date) -> list[str]:
    """The names of the commune's models active from ``first`` to ``last`` and not ended before
    the end of ``last`` (17:00 UTC is midnight in Vietnam)."""
    models = await active_models_within(
        session,
        "/40/17662/",
        activity_from=first,
        activity_to=last,
        ended_not_before=datetime(last.year, last.month, last.day, 17, 0, tzinfo=UTC),
    )
    return [model.name for model in models]


async def test_active_models_have_an_activity_in_the_window_and_were_not_ended_before(
    database: Database,
) -> None:
    ids = await _setup(database)
    await _log(database, ids["Camera an ninh"], date(2026, 9, 1))  # inside Sep-Nov
    await _log(database, ids["Hòm thư tố giác"], date(2026, 8, 31))  # too early
    await _log(database, ids["Tổ liên gia"], date(2026, 11, 30))
    await _log(database, ids["Dòng họ tự quản"], date(2026, 11, 1))  # another commune
    async with database.transaction() as session:
        # Ended after the period: it still counted for November.
        await end_security_model(session, ids["Tổ liên gia"], now=datetime(2026, 12, 3, tzinfo=UTC))
        active = await _active_in_commune(session, date(2026, 9, 1), date(2026, 11, 30))
        assert active == ["Camera an ninh", "Tổ liên gia"]
        # Ended before the period's end: no longer counted.
        assert await _active_in_commune(session, date(2026, 10, 1), date(2026, 12, 31)) == []


async def test_listing_skips_ended_models_and_summarises_the_log(database: Database) -> None:
    ids = await _setup(database)
    await _log(database, ids["Camera an ninh"], date(2026, 9, 1), photos=7)
    await _log(database, ids["Camera an ninh"], date(2026, 10, 2))
    async with database.transaction() as session:
        assert await end_security_model(session, ids["Hòm thư tố giác"], now=CREATED)
        assert not await end_security_model(session, ids["Hòm thư tố giác"], now=CREATED)
        listed = await security_models_within(session, "/40/17662/")
        everything = await security_models_within(session, "/40/", include_ended=True)
        log = await model_activities_of(session, ids["Camera an ninh"])
    assert [(m.name, m.activities, m.last_activity) for m in listed] == [
        ("Camera an ninh", 2, date(2026, 10, 2)),
        ("Tổ liên gia", 0, None),
    ]
    assert listed[0].parent_name == "Xã Đô Lương"
    assert len(everything) == 4
    assert [entry.activity_date for entry in log] == [date(2026, 10, 2), date(2026, 9, 1)]
    assert len(log[1].photos) == 5  # never more than five photos kept


async def test_incidents_are_listed_by_place_newest_first(database: Database) -> None:
    await _setup(database)
    async with database.transaction() as session:
        east = await area_by_code(session, "17662-001")
        other = await area_by_code(session, "17641")
        assert east is not None and other is not None
        for area_id, hour in ((east.id, 1), (east.id, 2), (other.id, 3)):
            await insert_incident(
                session,
                NewIncident(area_id, None, f"Vụ {hour}", "Chợ", "serious"),
                now=datetime(2026, 11, 23, hour, tzinfo=UTC),
            )
        found = await incidents_within(session, "/40/17662/")
    assert [incident.what for incident in found] == ["Vụ 2", "Vụ 1"]
    assert found[0].area_path == "/40/17662/17662-001/"
