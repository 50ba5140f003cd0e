"""Where a place stands: the one reusable read of the movement's year (chat, command line,
report drafts, the web console's compliance pages).

``place_standing(session, place, span, today)`` reads what the place's units recorded and
judges it (``conversations.movement_year.standing.judge``). The areas, then the span's
updates, are read page by page in one pass each; what is kept per area is its name and a few
numbers per month filed (``tests/bench/standing.py`` measures a province's year).
"""

from __future__ import annotations

from contextlib import aclosing
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.rows import same_session
from conversations.calendar import period_of
from conversations.exports import activity_window
from conversations.localtime import end_of_day, local_today
from conversations.movement_year import RegistrationView, SpanOfYear, Standing
from conversations.movement_year.standing import AreaYear, CommuneYear, Filing, PlaceYear, judge
from conversations.movement_year.units import HALF_YEAR_REPORT, YEAR_REPORT, Reach, UnitRecord
from conversations.places import COMMUNE, PROVINCE, RESIDENTIAL, UNITS, Place, commune_path
from conversations.targets import DEFAULT_TARGETS, TargetBook, YearCalendar
from storage.exports import active_models_by_place, places_of_kind
from storage.movement_year import (
    iter_areas_of_kinds,
    iter_span_filings,
    registration_of,
    year_records,
)
from storage.units import iter_units_of_year

__all__ = ["YearRecords", "place_standing", "read_place_year"]


async def read_place_year(
    session: AsyncSession, place: Place, span: SpanOfYear, today: date
) -> PlaceYear:
    """The place's areas with their updates of the span's months and the year's records, and
    its communes with their active models at the span's last month."""
    periods = span.periods(today) or span.periods()[:1]
    records = await year_records(session, place.path, span.year)
    sessions = same_session(session)
    names: dict[str, tuple[str, int | None, str]] = {}
    async with aclosing(iter_areas_of_kinds(sessions, place.path, RESIDENTIAL)) as rows:
        async for path, name, households, added_at in rows:
            names[path] = (name, households, period_of(local_today(added_at)))
    filings: dict[str, dict[str, Filing]] = {}
    async with aclosing(iter_span_filings(sessions, place.path, periods)) as filed:
        async for path, period, households, pledged, late in filed:
            if path in names:  # an update of a residential area, not of another kind
                filings.setdefault(path, {})[period] = Filing(households, pledged, late)
    areas = []
    for path, (name, households, added) in names.items():
        record = records.get(path)
        filed = filings.get(path, {})
        areas.append(
            AreaYear(
                name=name,
                commune_path=commune_path(path),
                households=households,
                filings=filed,
                registered=record is not None and record.households_registered is not None,
                recognised=record.recognised if record else None,
                grade=record.grade if record else None,
                # An area added after the fact may have filed before it: it existed then.
                since=min([added, *filed]),
            )
        )
    if place.kind == PROVINCE:
        communes = await places_of_kind(session, place.path, COMMUNE)
    elif place.kind == COMMUNE:
        communes = [(place.code, place.name, place.path)]
    else:
        communes = []
    first, last = activity_window(periods[-1])
    last = min(last, span.last_day)
    models = await active_models_by_place(
        session, place.path, active_from=first, period_end=last, period_ends_at=end_of_day(last)
    )
    active: dict[str, int] = {}
    for path, count in models.items():
        commune = commune_path(path)
        if commune is not None:
            active[commune] = active.get(commune, 0) + count
    commune_years = [
        CommuneYear(
            name,
            path,
            active.get(path, 0),
            records[path].grade if path in records else None,
        )
        for _code, name, path in communes
    ]
    units = await read_units(session, place, span.year, models)
    return PlaceYear(place.full_name, place.kind, place.path, areas, commune_years, units)


async def read_units(
    session: AsyncSession, place: Place, year: int, models: dict[str, int]
) -> list[UnitRecord]:
    """The agencies, businesses and schools of the place, with their year and their active
    models (``models``: active models per place path, as read for the communes)."""
    units = []
    async with aclosing(iter_units_of_year(same_session(session), place.path, year, UNITS)) as rows:
        async for row in rows:
            reach = {}
            if row.half_year is not None:
                reach[HALF_YEAR_REPORT] = Reach(
                    row.half_year.reached, row.half_year.total, row.half_year.late
                )
            if row.year is not None:
                reach[YEAR_REPORT] = Reach(row.year.reached, row.year.total, row.year.late)
            units.append(
                UnitRecord(
                    row.name,
                    row.kind,
                    row.people,
                    reach,
                    registered=row.registered,
                    recognised=row.recognised,
                    grade=row.grade,
                    active_models=models.get(row.path, 0),
                )
            )
    return units


async def place_standing(
    session: AsyncSession,
    place: Place,
    span: SpanOfYear,
    today: date,
    *,
    book: TargetBook = DEFAULT_TARGETS,
    calendar: YearCalendar | None = None,
) -> Standing:
    """Where ``place`` (a commune or a province) stands in ``span`` on ``today``."""
    place_year = await read_place_year(session, place, span, today)
    return judge(place_year, span, today, book, calendar or YearCalendar())


@dataclass(frozen=True)
class YearRecords:
    """The engine's reads of the movement's year."""

    session: AsyncSession

    async def registration(self, area_id: int, year: int) -> RegistrationView | None:
        found = await registration_of(self.session, area_id, year)
        if found is None:
            return None
        # A unit's registration counts the people who signed where an area's has households.
        counted = found.households_registered
        if counted is None:
            counted = found.people_signed or 0
        return RegistrationView(area_id, year, counted, found.registered_on)
